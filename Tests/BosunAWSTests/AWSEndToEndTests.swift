import Foundation
import Testing

/// `bosun apply` of a 3-master / 2-worker `aws` spec against moto, through the real binary
/// with `AWS_ENDPOINT_URL`, checked with boto3 (`Fixtures/tools/aws_inventory.py`), not
/// through Bosun. Serialized with the conformance tests' moto (one server, reset per test).
extension MotoTests {
@Suite struct AWSEndToEndTests {
    static let spec = """
        name: prod
        provider: aws
        region: us-east-1
        image: ami-12c6146b
        kubernetes:
          version: "1.31.2"
        groups:
          - name: master
            instances: 3
            azs: [us-east-1a, us-east-1b, us-east-1c]
            vmType: t3.medium
            disk: { size: 10GiB }
            loadBalancer: prod-api
            jobs: [etcd, kube-apiserver, kubelet]
          - name: worker
            instances: 2
            azs: [us-east-1a, us-east-1b]
            vmType: t3.large
            jobs: [kubelet, kube-proxy]

        """

    struct Inventory: Decodable {
        struct Instance: Decodable {
            var id: String
            var name: String?
            var key: String?
            var az: String
            var type: String
            var state: String
        }
        struct Volume: Decodable {
            var id: String
            var size: Int
            var type: String
            var instance: String?
            var device: String?
        }
        var instances: [Instance]
        var volumes: [Volume]
        var targets: [String: [String]]
    }

    /// A fresh directory with the spec, and the environment that points `bosun` at `endpoint`.
    struct Sandbox {
        let directory: String
        let endpoint: URL

        init(endpoint: URL) throws {
            directory = NSTemporaryDirectory() + "bosun-aws-e2e-\(UUID().uuidString.prefix(8))"
            self.endpoint = endpoint
            try FileManager.default.createDirectory(atPath: directory + "/specs", withIntermediateDirectories: true)
            try AWSEndToEndTests.spec.write(toFile: directory + "/specs/prod.yaml", atomically: true, encoding: .utf8)
            // The file must have settled (unchanged for 2 s) before a one-shot apply ingests it.
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: directory + "/specs/prod.yaml")
        }

        var environment: [String: String] {
            var env = ProcessInfo.processInfo.environment
            for name in ["AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION"] { env[name] = nil }
            env["AWS_ACCESS_KEY_ID"] = "AKIDTEST"
            env["AWS_SECRET_ACCESS_KEY"] = "test-secret"
            env["AWS_ENDPOINT_URL"] = endpoint.absoluteString
            env["BOSUN_AWS_LIVENESS"] = "instance-state"
            return env
        }

        func bosun(_ arguments: [String]) throws -> Spawn {
            let log = directory + "/bosun-\(UUID().uuidString.prefix(4)).log"
            return try Spawn.start(
                try Tools.bosun(), arguments + ["--specs", directory + "/specs", "--db", directory + "/bosun.db"],
                environment: environment, stdout: log + ".out", stderr: log)
        }

        /// `bosun apply` to completion; its exit status.
        func apply() async throws -> Int32 {
            try await bosun(["apply", "--max-passes", "20"]).wait()
        }

        func inventory(terminating name: String? = nil) async throws -> Inventory {
            let output = try await Spawn.run(
                Tools.python(), [Tools.tool("aws_inventory.py"), endpoint.absoluteString, "prod"] + (name.map { [$0] } ?? []))
            return try JSONDecoder().decode(Inventory.self, from: Data(output.utf8))
        }
    }

    static func expectConverged(_ inventory: Inventory) {
        let running = inventory.instances.filter { $0.state == "running" }
        #expect(running.count == 5, "instances: \(inventory.instances.map { "\($0.name ?? "?") \($0.state)" })")
        #expect(Set(running.compactMap(\.name)) == ["prod/master/0", "prod/master/1", "prod/master/2", "prod/worker/0", "prod/worker/1"])
        #expect(Set(inventory.instances.compactMap(\.key)).count == inventory.instances.count, "two instances share a bosun:key")
        #expect(Set(running.filter { $0.name?.contains("master") == true }.map(\.az)) == ["us-east-1a", "us-east-1b", "us-east-1c"])
        #expect(running.filter { $0.name?.contains("worker") == true }.allSatisfy { $0.type == "t3.large" })
        #expect(inventory.volumes.count == 3)
        let masters = Set(running.filter { $0.name?.contains("master") == true }.map(\.id))
        #expect(Set(inventory.volumes.compactMap(\.instance)) == masters)
        #expect(inventory.volumes.allSatisfy { $0.size == 10 && $0.type == "gp3" && $0.device == "/dev/sdf" })
        #expect(Set(inventory.targets["prod-api"] ?? []) == masters)
    }

    @Test func applyConvergesThenHealsAnOutOfBandTermination() async throws {
        try await MotoServer.shared.reset()
        let sandbox = try Sandbox(endpoint: try await MotoServer.shared.url())
        #expect(try await sandbox.apply() == 0)
        let first = try await sandbox.inventory()
        Self.expectConverged(first)

        let victim = try #require(first.instances.first { $0.name == "prod/master/0" })
        let afterKill = try await sandbox.inventory(terminating: "prod/master/0")
        #expect(!afterKill.instances.contains { $0.id == victim.id })
        #expect(try await sandbox.apply() == 0)
        let healed = try await sandbox.inventory()
        Self.expectConverged(healed)
        let replacement = try #require(healed.instances.first { $0.name == "prod/master/0" })
        #expect(replacement.id != victim.id)
        // The master's disk followed it to the new instance.
        let disk = first.volumes.first { $0.instance == victim.id }?.id
        #expect(healed.volumes.first { $0.id == disk }?.instance == replacement.id)
    }

    /// The controller (`bosun run`) converges, and its drift sweep (one inventory sweep of the
    /// regions it serves: the spec's, as no AWS_REGION is set) notices an instance terminated
    /// behind its back and replaces it.
    @Test func theControllerHealsAnOutOfBandTermination() async throws {
        try await MotoServer.shared.reset()
        let sandbox = try Sandbox(endpoint: try await MotoServer.shared.url())
        let run = try sandbox.bosun(["run", "--drift-interval", "2s"])
        do {
            let converged = try await Self.poll(sandbox) { Self.isConverged($0) }
            let victim = try #require(converged.instances.first { $0.name == "prod/worker/1" })
            _ = try await sandbox.inventory(terminating: "prod/worker/1")
            let healed = try await Self.poll(sandbox) { inventory in
                Self.isConverged(inventory) && !inventory.instances.contains { $0.id == victim.id }
            }
            Self.expectConverged(healed)
        } catch {
            run.kill(SIGKILL)
            _ = try? await run.wait()
            throw error
        }
        run.kill(SIGTERM)
        #expect(try await run.wait() == 0)
    }

    /// Polls moto (every 500 ms, for up to 60 s) until `done`.
    static func poll(_ sandbox: Sandbox, _ done: (Inventory) -> Bool) async throws -> Inventory {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            let inventory = try await sandbox.inventory()
            if done(inventory) { return inventory }
            guard ContinuousClock.now < deadline else {
                throw Tools.Failure(description: "not converged within 60 s: \(inventory.instances.map { "\($0.name ?? "?") \($0.state)" })")
            }
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    static func isConverged(_ inventory: Inventory) -> Bool {
        let running = inventory.instances.filter { $0.state == "running" }
        let masters = Set(running.filter { $0.name?.contains("master") == true }.map(\.id))
        return running.count == 5 && inventory.instances.count == 5 && masters.count == 3
            && Set(inventory.targets["prod-api"] ?? []) == masters && Set(inventory.volumes.compactMap(\.instance)) == masters
    }

    /// The spec's `aws:` block reaches EC2 and ELBv2: subnet (so VPC), security group, key
    /// pair, root disk, target group port and health check, read back with boto3.
    @Test func theAWSBlockReachesEC2AndELBv2() async throws {
        try await MotoServer.shared.reset()
        let endpoint = try await MotoServer.shared.url()
        func call(_ service: String, _ method: String, _ params: String) async throws -> [String: Any] {
            let out = try await Spawn.run(Tools.python(), [Tools.tool("aws_call.py"), endpoint.absoluteString, service, method, params])
            return try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        }
        let vpc = try #require((try await call("ec2", "create_vpc", #"{"CidrBlock": "10.9.0.0/16"}"#)["Vpc"] as? [String: Any])?["VpcId"] as? String)
        let subnet = try #require(
            (try await call("ec2", "create_subnet", #"{"VpcId": "\#(vpc)", "CidrBlock": "10.9.1.0/24", "AvailabilityZone": "us-east-1a"}"#)["Subnet"]
                as? [String: Any])?["SubnetId"] as? String)
        let group = try #require(
            try await call("ec2", "create_security_group", #"{"GroupName": "bosun", "Description": "b", "VpcId": "\#(vpc)"}"#)["GroupId"] as? String)
        let sandbox = try Sandbox(endpoint: endpoint)
        try """
            name: prod
            provider: aws
            region: us-east-1
            image: ami-12c6146b
            kubernetes: { version: "1.31.2" }
            aws:
              subnets: { us-east-1a: \(subnet) }
              securityGroups: [\(group)]
              keyPair: ops
              rootDiskGiB: 30
              targetGroup: { port: 443, healthCheck: { protocol: HTTPS, path: /readyz } }
            groups:
              - name: master
                instances: 1
                azs: [us-east-1a]
                vmType: t3.medium
                loadBalancer: prod-api
                jobs: [kubelet]

            """.write(toFile: sandbox.directory + "/specs/prod.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: sandbox.directory + "/specs/prod.yaml")
        #expect(try await sandbox.apply() == 0)
        let reservations = try await call("ec2", "describe_instances", #"{"Filters": [{"Name": "tag:bosun:cluster", "Values": ["prod"]}]}"#)["Reservations"] as? [[String: Any]]
        let instance = try #require((reservations?.first?["Instances"] as? [[String: Any]])?.first)
        #expect(instance["SubnetId"] as? String == subnet)
        #expect(instance["VpcId"] as? String == vpc)
        #expect(instance["KeyName"] as? String == "ops")
        #expect((instance["SecurityGroups"] as? [[String: Any]])?.compactMap { $0["GroupId"] as? String } == [group])
        let root = (instance["BlockDeviceMappings"] as? [[String: Any]])?.first { $0["DeviceName"] as? String == "/dev/xvda" }
        let rootVolume = try #require((root?["Ebs"] as? [String: Any])?["VolumeId"] as? String)
        let volumes = try await call("ec2", "describe_volumes", #"{"VolumeIds": ["\#(rootVolume)"]}"#)["Volumes"] as? [[String: Any]]
        #expect(volumes?.first?["Size"] as? Int == 30)
        let groups = try await call("elbv2", "describe_target_groups", #"{"Names": ["prod-api"]}"#)["TargetGroups"] as? [[String: Any]]
        let tg = try #require(groups?.first)
        #expect(tg["VpcId"] as? String == vpc)
        #expect(tg["Port"] as? Int == 443)
        #expect(tg["Protocol"] as? String == "TCP")
        #expect(tg["HealthCheckProtocol"] as? String == "HTTPS")
        #expect(tg["HealthCheckPath"] as? String == "/readyz")
    }

    @Test func sigkillDuringApplyLeavesNoDuplicate() async throws {
        try await MotoServer.shared.reset()
        // Every call waits 200 ms in the proxy before it reaches moto, so a RunInstances the
        // proxy has seen is still on its way when bosun dies: moto makes the instance, and
        // bosun never learns its id. The second apply must find it by its bosun:key tag.
        try await Proxy.with(upstream: try await MotoServer.shared.url(), arguments: ["--delay-ms", "200"]) { proxy in
        let sandbox = try Sandbox(endpoint: proxy.url)
        let apply = try sandbox.bosun(["apply", "--max-passes", "20"])
        let deadline = ContinuousClock.now + .seconds(60)
        var seen = 0
        while ContinuousClock.now < deadline {
            seen = try await proxy.stats().calls["RunInstances"] ?? 0
            if seen >= 1 { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        apply.kill(SIGKILL)
        #expect(try await apply.wait() == 128 + SIGKILL, "the apply ended before it was killed; the test proves nothing")
        #expect(seen >= 1)
        try await Task.sleep(for: .milliseconds(600))  // let the calls in flight land in moto
        let partial = try await sandbox.inventory()
        let registered = partial.targets["prod-api"]?.count ?? 0
        #expect(partial.instances.count < 5 || registered < 3, "the apply had converged before it was killed")
        #expect(try await sandbox.apply() == 0)
        let healed = try await sandbox.inventory()
        Self.expectConverged(healed)
        // Instances made by the killed apply were adopted, not duplicated.
        #expect(Set(partial.instances.map(\.id)).isSubset(of: Set(healed.instances.map(\.id))))
        }
    }

    @Test func anInjectedThrottleIsRetried() async throws {
        try await MotoServer.shared.reset()
        try await Proxy.with(upstream: try await MotoServer.shared.url(), arguments: ["--throttle", "RunInstances", "--times", "4"]) { proxy in
        let sandbox = try Sandbox(endpoint: proxy.url)
        #expect(try await sandbox.apply() == 0)
        let stats = try await proxy.stats()
        #expect(stats.throttled == 4)
        #expect((stats.calls["RunInstances"] ?? 0) >= 9)  // 5 instances + 4 refused
        Self.expectConverged(try await sandbox.inventory())
        }
    }
}
}
