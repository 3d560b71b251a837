import BosunProvider
@testable import BosunAWS
import Foundation
import Testing

/// Recorded answers (`Fixtures/xml`: moto 5.2's, and AWS's documented error format) decoded
/// with the provider's own types, error documents included.
@Suite struct XMLDecodingTests {
    static func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("xml/\(name)"))
    }

    @Test func describeInstancesPagesAndTags() throws {
        let first = try QueryClient.decode(DescribeInstancesResponse.self, from: Self.fixture("describe-instances-page1.xml"))
        let second = try QueryClient.decode(DescribeInstancesResponse.self, from: Self.fixture("describe-instances-page2.xml"))
        #expect(first.instances.count == 5)
        #expect(first.nextToken?.hasPrefix("r-") == true)
        #expect(second.instances.count == 2)
        #expect(second.nextToken == nil)
        let ids = Set((first.instances + second.instances).map(\.instanceId))
        #expect(ids.count == 7)
        let vms = (first.instances + second.instances).compactMap(AWSTags.vm)
        #expect(vms.count == 7)
        #expect(Set(vms.map(\.index)) == Set(0..<7))
        let vm = try #require(vms.first { $0.index == 3 })
        #expect(vm.cluster == "c1")
        #expect(vm.group == "worker")
        #expect(vm.instanceID == "c1-worker-3")
        #expect(vm.idempotencyKey == "k3")
        #expect(vm.az == "us-east-1a")
        #expect(vm.vmType == "t3.micro")
        #expect(vm.image == "ami-12c6146b")
        #expect(vm.state == .running || vm.state == .creating)
    }

    @Test func runInstancesAnswer() throws {
        let answer = try QueryClient.decode(RunInstancesResponse.self, from: Self.fixture("run-instances.xml"))
        let instance = try #require(answer.instancesSet?.items.first)
        #expect(instance.instanceId.hasPrefix("i-"))
        #expect(instance.instanceState.name == "pending")
    }

    @Test func volumesWithAttachmentsAndOptionalFields() throws {
        let answer = try QueryClient.decode(DescribeVolumesResponse.self, from: Self.fixture("describe-volumes.xml"))
        let volume = try #require(answer.volumeSet?.items.first)
        #expect(volume.multiAttachEnabled == nil)  // moto omits it; AWS sends it
        #expect(volume.size == 2)
        #expect(volume.attachedInstance?.hasPrefix("i-") == true)
        let disk = try #require(AWSTags.disk(volume))
        #expect(disk.sizeMiB == 1500)  // the tag's MiB, since 1500 MiB rounds up to the volume's 2 GiB
        #expect(disk.type == nil)  // no type was asked for
        #expect(disk.attachedTo == volume.attachedInstance)
        let created = try QueryClient.decode(EC2Volume.self, from: Self.fixture("create-volume.xml"))
        #expect(created.volumeId.hasPrefix("vol-"))
        #expect(created.availabilityZone == "us-east-1a")
    }

    @Test func subnetsAndTargetGroups() throws {
        let subnets = try QueryClient.decode(DescribeSubnetsResponse.self, from: Self.fixture("describe-subnets.xml"))
        #expect(subnets.subnetSet?.items.first?.defaultForAz == true)
        #expect(subnets.subnetSet?.items.first?.vpcId.hasPrefix("vpc-") == true)
        let created = try QueryClient.decode(DescribeTargetGroupsResponse.self, from: Self.fixture("create-target-group.xml"))
        let described = try QueryClient.decode(DescribeTargetGroupsResponse.self, from: Self.fixture("describe-target-groups.xml"))
        #expect(created.targetGroups.first?.TargetGroupArn == described.targetGroups.first?.TargetGroupArn)
        #expect(described.targetGroups.first?.TargetGroupName == "tg1")
        #expect(described.targetGroups.first?.Port == 6443)
        let health = try QueryClient.decode(DescribeTargetHealthResponse.self, from: Self.fixture("describe-target-health.xml"))
        #expect(health.members.count == 1)
        #expect(health.members.first?.hasPrefix("i-") == true)
    }

    @Test func errorDocumentsMapToTheSharedCodes() throws {
        func mapped(_ file: String, status: Int = 400) throws -> ProviderError {
            let data = try Self.fixture(file)
            let (code, message) = try #require(file.hasSuffix(".json") ? AWSErrorDocument.decodeJSON(data) : AWSErrorDocument.decodeXML(data))
            return AWSAPIError(action: "test:Action", status: status, code: code, message: message).providerError()
        }
        let notFound = try mapped("ec2-error-not-found.xml")
        #expect(notFound.kind == .terminal && notFound.code == ProviderError.notFound)
        #expect(notFound.message.contains("InvalidInstanceID.NotFound"))
        let tg = try mapped("elbv2-error-not-found.xml")
        #expect(tg.kind == .terminal && tg.code == ProviderError.notFound)
        let denied = try mapped("ec2-error-unauthorized.xml", status: 403)
        #expect(denied.kind == .terminal && denied.code == "UnauthorizedOperation")
        #expect(denied.message.contains("ec2:RunInstances"))  // names the missing permission
        let ami = try mapped("ec2-error-bad-ami.xml")
        #expect(ami.kind == .terminal && ami.code == "InvalidAMIID.NotFound" && ami.message.contains("ami-00000000"))
        for file in ["ec2-error-throttled.xml", "elbv2-error-throttled.xml", "ssm-error-throttled.json"] {
            let throttled = try mapped(file)
            #expect(throttled.kind == .retryable && throttled.code == ProviderError.throttled && throttled.retryAfter != nil, "\(file)")
        }
        let ssm = try mapped("ssm-error-invalid-command.json")
        #expect(ssm.kind == .terminal && ssm.code == "InvalidCommandId" && ssm.message.contains("Invalid command id"))
        #expect(AWSErrorDocument.decodeXML(Data("<html>oops</html>".utf8)) == nil)
    }

    @Test func errorClassification() {
        func error(_ code: String, _ status: Int = 400) -> ProviderError {
            AWSAPIError(action: "ec2:X", status: status, code: code, message: "m").providerError()
        }
        #expect(error("InsufficientInstanceCapacity").kind == .retryable)
        #expect(error("InternalError", 500).code == ProviderError.unavailable)
        #expect(error("HTTP502", 502).isRetryable)
        #expect(error("ConnectionFailed", 0).isRetryable)
        #expect(error(ProviderError.timeout, 0).code == ProviderError.timeout)
        #expect(error("InvalidParameterValue").code == ProviderError.invalidParameter)
        #expect(error("InstanceLimitExceeded").code == ProviderError.quotaExceeded)
        #expect(error("VcpuLimitExceeded").kind == .terminal)
        #expect(error("VolumeInUse").code == ProviderError.incorrectState)
        #expect(error("AuthFailure", 401).kind == .terminal)
        #expect(error("IdempotentParameterMismatch").code == "IdempotentParameterMismatch")
    }

    @Test func queryBodiesAreEncodedTheSigV4Way() {
        var p = QueryParameters()
        p.filters([("tag:bosun:cluster", ["a b", "c/d"])])
        let body = String(decoding: QueryClient.formBody(action: "DescribeInstances", version: "2016-11-15", parameters: p.items), as: UTF8.self)
        #expect(body == "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=tag%3Abosun%3Acluster&Filter.1.Value.1=a%20b&Filter.1.Value.2=c%2Fd")
    }
}
