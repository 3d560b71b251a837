import BosunProvider
@testable import BosunSim
import Foundation
import Synchronization
import GRDB
import Testing

/// A sim write call whose change throws leaves no trace: its transaction is rolled back (there
/// is no savepoint around each call any more), and the caller gets the error as a
/// `ProviderError`. A change that does not throw is kept. Real sim file.
@Suite struct CallRollbackTests {
    let sandbox: SimSandbox
    init() throws { sandbox = try SimSandbox() }

    struct Broke: Error {}

    final class Flag: Sendable {
        private let value = Mutex(false)
        func set() { value.withLock { $0 = true } }
        var isSet: Bool { value.withLock { $0 } }
    }

    private func request(_ index: Int) -> VMRequest {
        VMRequest(
            cluster: "c1", group: "w", index: index, instanceID: "c1/w/\(index)", az: "z1", vmType: "small", image: "img-1",
            idempotencyKey: "p/\(index)")
    }

    @Test func aChangeThatThrowsHalfwayIsRolledBackAndOneThatDoesNotIsKept() async throws {
        let cloud = try sandbox.open()
        let first = request(0)
        do {
            _ = try await cloud.perform(.createVM) { db, moment in
                _ = try VMTable.insert(db, first, now: moment.now, bootTime: 0)
                throw Broke()
            }
            Issue.record("a change that throws must fail the call")
        } catch {}
        #expect(try await cloud.listVMs(cluster: "c1").isEmpty, "the half-done create left a VM")

        let second = request(1)
        _ = try await cloud.perform(.createVM) { db, moment in try VMTable.insert(db, second, now: moment.now, bootTime: 0) }
        #expect(try await cloud.listVMs(cluster: "c1").map(\.instanceID) == ["c1/w/1"])
        try cloud.close()
    }

    @Test func aTimeoutThatTookEffectButThrewLeavesNoTraceAndSaysItTimedOut() async throws {
        // Seeds until one draws "timed out, applied" for the first call (the dice are seeded).
        for seed in UInt64(0)..<64 {
            let cloud = try sandbox.open(file: "seed-\(seed).db", sleeps: SleepRecorder(), seed: seed)
            try await cloud.console.configure { $0.overrides[.createVM] = SimFaults(timeoutRate: 1) }
            let ran = Flag()
            let first = request(0)
            do {
                _ = try await cloud.perform(.createVM) { db, moment in
                    ran.set()
                    _ = try VMTable.insert(db, first, now: moment.now, bootTime: 0)
                    throw Broke()
                }
                Issue.record("a timeout must throw")
            } catch {
                #expect(error.code == ProviderError.timeout, "\(error)")
            }
            try await cloud.console.configure { $0.overrides[.createVM] = nil }
            #expect(try await cloud.listVMs(cluster: "c1").isEmpty, "seed \(seed): the change that threw was kept")
            try cloud.close()
            if ran.isSet { return }
        }
        Issue.record("no seed in 0..<64 drew an applied timeout")
    }
}
