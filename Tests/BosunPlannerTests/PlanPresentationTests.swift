import BosunModel
import BosunPlanner
import Foundation
import Testing

/// What `bosun plan` prints: spec changes before → after, one symbol per instance, steps under
/// it, a summary; exact text and JSON.
@Suite struct PlanPresentationTests {
    static func action(_ id: Int, _ kind: ActionKind, _ instance: String, after: [Int] = [], reason: String = "", canary: Bool = false) -> PlannedAction {
        PlannedAction(id: id, kind: kind, instance: instance, group: "worker", index: 0, dependsOn: after, reason: reason, canary: canary)
    }

    /// Every change class in one plan: an added instance, one updated in place (a canary), one
    /// replaced, one destroyed.
    static let plan = Plan(cluster: "c", actions: [
        action(0, .createVM(az: "z1", vmType: "small", image: "img-2"), "c/worker/3", reason: "instance missing"),
        action(1, .startJobs(jobs: ["kubelet"], jobsHash: "h"), "c/worker/3", after: [0], reason: "instance missing"),
        action(2, .restartJobs(jobs: ["kubelet"], jobsHash: "h"), "c/worker/0", reason: "configuration changed (version, jobs, properties, credentials or peers)", canary: true),
        action(3, .waitHealthy(jobs: ["kubelet"]), "c/worker/0", after: [2], reason: "configuration changed (version, jobs, properties, credentials or peers)", canary: true),
        action(4, .deleteVM(vmID: "vm-1"), "c/worker/1", after: [3], reason: "image changed: img-1 → img-2"),
        action(5, .createVM(az: "z1", vmType: "small", image: "img-2"), "c/worker/1", after: [4], reason: "image changed: img-1 → img-2"),
        action(6, .deregister(lb: "api", vmID: "vm-2"), "c/worker/2", reason: "scale down: group worker wants 3 instances"),
        action(7, .deleteVM(vmID: "vm-2"), "c/worker/2", after: [6], reason: "scale down: group worker wants 3 instances"),
        action(8, .releaseInstance, "c/worker/2", after: [7], reason: "scale down: group worker wants 3 instances"),
    ])

    static let before = PF.spec([PF.group("worker", 3, jobs: ["kubelet", "old-job"])])
    static var after: ClusterSpec {
        var spec = PF.spec([PF.group("worker", 4, vmType: "small", jobs: ["kubelet", "kube-proxy"])], image: "img-2", version: "1.31.3")
        spec.groups[0].properties = .object(["flags": .object(["v": .int(3)]), "db_password": .string("s3cret")])
        return spec
    }

    @Test func exactText() {
        let shown = PlanPresentation(Self.plan, applied: Self.before, desired: Self.after)
        #expect(shown.lines == [
            "c: 4 instances, 9 steps",
            "  spec changes:",
            "    ~ image: img-1 → img-2",
            "    ~ kubernetes.version: 1.31.2 → 1.31.3",
            "    ~ groups.worker.instances: 3 → 4",
            "    ~ groups.worker.jobs: kubelet, old-job → kubelet, kube-proxy (+kube-proxy -old-job)",
            "    + groups.worker.properties.db_password: (sensitive)",
            "    + groups.worker.properties.flags: {v: 3}",
            "  + c/worker/3: instance missing",
            "      #0 create VM (small, img-2, z1)",
            "      #1 start jobs kubelet  (after #0)",
            "  ~ c/worker/0 [canary]: configuration changed (version, jobs, properties, credentials or peers)",
            "      #2 restart jobs kubelet",
            "      #3 wait until healthy  (after #2)",
            "  -/+ c/worker/1: image changed: img-1 → img-2",
            "      #4 delete VM vm-1  (after #3)",
            "      #5 create VM (small, img-2, z1)  (after #4)",
            "  - c/worker/2: scale down: group worker wants 3 instances",
            "      #6 remove vm-2 from load balancer api",
            "      #7 delete VM vm-2  (after #6)",
            "      #8 forget instance  (after #7)",
            "  Plan: 1 to add, 1 to change, 1 to replace, 1 to destroy.",
        ])
        #expect(!shown.lines.joined().contains("s3cret"))
    }

    @Test func jsonCarriesTheSameBeforeAndAfter() throws {
        let shown = PlanPresentation(Self.plan, applied: Self.before, desired: Self.after)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        let doc = try #require(try JSONSerialization.jsonObject(with: encoder.encode(shown)) as? [String: Any])
        let changes = try #require(doc["changes"] as? [[String: Any]])
        #expect(changes.first?["path"] as? String == "image")
        #expect(changes.first?["before"] as? String == "img-1")
        #expect(changes.first?["after"] as? String == "img-2")
        let instances = try #require(doc["instances"] as? [[String: Any]])
        #expect(instances.map { $0["change"] as? String } == ["+", "~", "-/+", "-"])
        #expect((instances[1]["steps"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["restart-jobs", "wait-healthy"])
        #expect(doc["summary"] as? [String: Int] == ["add": 1, "change": 1, "replace": 1, "destroy": 1])
    }

    @Test func aClusterNeverConvergedHasNoBefore() {
        let shown = PlanPresentation(Self.plan, applied: nil, desired: Self.after)
        #expect(shown.changes.isEmpty)
        #expect(!shown.lines.contains("  spec changes:"))
    }

    @Test func noChangesIsOneLine() {
        let shown = PlanPresentation(Plan(cluster: "c"), applied: Self.after, desired: Self.after)
        #expect(shown.lines == ["c: no changes; the infrastructure matches the spec."])
        #expect(shown.summary == PlanPresentation.Summary())
    }

    @Test(arguments: [
        ("disk", SpecChange(path: "groups.worker.disk.size", before: "1024 MiB", after: "2048 MiB")),
        ("type", SpecChange(path: "groups.worker.disk.type", before: nil, after: "gp3")),
        ("lb", SpecChange(path: "groups.worker.loadBalancer", before: nil, after: "api")),
    ])
    func diskAndLoadBalancerChanges(what: String, expected: SpecChange) {
        var new = Self.before
        switch what {
        case "disk":
            Self.with(&new, disk: DiskSpec(sizeMiB: 1024, type: nil))
            var newer = new
            Self.with(&newer, disk: DiskSpec(sizeMiB: 2048, type: nil))
            #expect(SpecDiff.changes(from: new, to: newer) == [expected])
        case "type":
            Self.with(&new, disk: DiskSpec(sizeMiB: 1024, type: nil))
            var newer = new
            Self.with(&newer, disk: DiskSpec(sizeMiB: 1024, type: "gp3"))
            #expect(SpecDiff.changes(from: new, to: newer) == [expected])
        default:
            var newer = new
            newer.groups[0].loadBalancer = "api"
            #expect(SpecDiff.changes(from: new, to: newer) == [expected])
        }
    }

    @Test func groupsAddedAndRemoved() {
        let old = PF.spec([PF.group("a", 2), PF.group("b", 1)])
        let new = PF.spec([PF.group("a", 2), PF.group("c", 3, vmType: "large")])
        #expect(SpecDiff.changes(from: old, to: new) == [
            SpecChange(path: "groups.c", before: nil, after: "3 instances of large"),
            SpecChange(path: "groups.b", before: "1 instance of small", after: nil),
        ])
    }

    static func with(_ spec: inout ClusterSpec, disk: DiskSpec) { spec.groups[0].disk = disk }
}
