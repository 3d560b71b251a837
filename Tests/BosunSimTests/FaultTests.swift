import BosunProvider
import BosunSim
import Foundation
import Testing

/// Injected faults, latency and quotas: the advertised fractions, deterministic under a seed,
/// and never a half-done change except where a timeout says it may be.
@Suite struct FaultTests {
    let sandbox: SimSandbox

    init() throws { sandbox = try SimSandbox() }

    enum Fate: Hashable { case ok, retryable, terminal, timeout }

    private func fates(_ cloud: SimCloud, calls: Int) async -> [Fate] {
        var fates: [Fate] = []
        for _ in 0..<calls {
            do {
                _ = try await cloud.listVMs(cluster: "demo")
                fates.append(.ok)
            } catch let error as ProviderError {
                switch (error.kind, error.code) {
                case (.retryable, ProviderError.timeout): fates.append(.timeout)
                case (.retryable, ProviderError.unavailable): fates.append(.retryable)
                case (.terminal, SimErrorCode.injectedFailure): fates.append(.terminal)
                default: Issue.record("unexpected \(error)")
                }
            } catch {
                Issue.record("not a ProviderError: \(error)")
            }
        }
        return fates
    }

    @Test func faultsHitTheAdvertisedFractionOfCalls() async throws {
        let cloud = try sandbox.open(sleeps: SleepRecorder())
        try await cloud.console.configure {
            $0.seed = 7
            $0.faults = SimFaults(errorRate: 0.3, terminalRate: 0.1, timeoutRate: 0.05)
        }
        let calls = 4000
        let fates = await fates(cloud, calls: calls)
        for (fate, rate) in [(Fate.retryable, 0.3), (.terminal, 0.1), (.timeout, 0.05), (.ok, 0.55)] {
            let seen = Double(fates.filter { $0 == fate }.count)
            let expected = rate * Double(calls)
            let sigma = (Double(calls) * rate * (1 - rate)).squareRoot()
            #expect(abs(seen - expected) <= 4 * sigma, "\(fate): \(seen) of \(calls), expected \(expected) ± \(4 * sigma)")
        }
    }

    @Test func aSeedMakesTheSequenceOfFatesRepeat() async throws {
        func run(seed: UInt64) async throws -> [Fate] {
            let cloud = try sandbox.open(file: "seed-\(seed)-\(UUID().uuidString).db", sleeps: SleepRecorder())
            try await cloud.console.configure { $0.seed = seed; $0.faults = SimFaults(errorRate: 0.2, terminalRate: 0.2, timeoutRate: 0.2) }
            return await fates(cloud, calls: 300)
        }
        #expect(try await run(seed: 11) == run(seed: 11))
        #expect(try await run(seed: 11) != run(seed: 12))
    }

    @Test func anInjectedErrorChangesNothing() async throws {
        let cloud = try sandbox.open()
        try await cloud.console.configure { $0.overrides[.createVM] = SimFaults(errorRate: 1) }
        await expectProviderError(.retryable, ProviderError.unavailable) { _ = try await cloud.createVM(Requests.vm(0)) }
        try await cloud.console.configure { $0.overrides[.createVM] = SimFaults(terminalRate: 1) }
        await expectProviderError(.terminal, SimErrorCode.injectedFailure) { _ = try await cloud.createVM(Requests.vm(0)) }
        #expect(try await cloud.listVMs(cluster: "demo").isEmpty)
        #expect(try await cloud.createDisk(Requests.disk(0)).sizeMiB == 1024, "other operations keep the default faults")
    }

    /// A timed-out create may or may not have happened; a retry with the same key finds the VM
    /// if it did and makes it if it did not, so each key ends with exactly one VM.
    @Test func timeoutsHangThenThrowAndMayHaveTakenEffect() async throws {
        let sleeps = SleepRecorder()
        let cloud = try sandbox.open(sleeps: sleeps)
        try await cloud.console.configure {
            $0.seed = 3
            $0.overrides[.createVM] = SimFaults(timeoutRate: 1, latency: .milliseconds(5), timeoutHang: .seconds(2))
        }
        for index in 0..<40 {
            await expectProviderError(.retryable, ProviderError.timeout) { _ = try await cloud.createVM(Requests.vm(index)) }
        }
        #expect(sleeps.delays.allSatisfy { $0 == .milliseconds(2005) })
        let applied = try await cloud.listVMs(cluster: "demo").count
        #expect((8...32).contains(applied), "\(applied) of 40 timed-out creates took effect; about half should")
        try await cloud.console.configure { $0.overrides = [:] }
        for index in 0..<40 { _ = try await cloud.createVM(Requests.vm(index)) }
        #expect(try await cloud.listVMs(cluster: "demo").count == 40)
    }

    @Test func latencyAndJitterDelayEveryCall() async throws {
        let sleeps = SleepRecorder()
        let recorded = try sandbox.open(sleeps: sleeps)
        try await recorded.console.configure { $0.faults = SimFaults(latency: .milliseconds(50), jitter: .milliseconds(10)) }
        for _ in 0..<50 { _ = try await recorded.listVMs(cluster: "demo") }
        #expect(sleeps.delays.count == 50)
        #expect(sleeps.delays.allSatisfy { $0 >= .milliseconds(50) && $0 <= .milliseconds(60) })
        #expect(Set(sleeps.delays).count > 1, "jitter varies the delay")

        let real = try sandbox.open()
        try await real.console.configure { $0.faults = SimFaults(latency: .milliseconds(40)) }
        let elapsed = try await ContinuousClock().measure { _ = try await real.listVMs(cluster: "demo") }
        #expect(elapsed >= .milliseconds(40))
    }

    @Test func quotasRefuseCreatesAndGrowthBeyondThem() async throws {
        let cloud = try sandbox.open()
        try await cloud.console.configure { $0.maxVMs = 2; $0.maxDiskGiB = 2 }
        let first = try await cloud.createVM(Requests.vm(0))
        _ = try await cloud.createVM(Requests.vm(1))
        await expectProviderError(.terminal, ProviderError.quotaExceeded) { _ = try await cloud.createVM(Requests.vm(2)) }
        #expect(try await cloud.createVM(Requests.vm(0)).id == first.id, "a known key is not a new VM")
        try await cloud.deleteVM(id: first.id)
        _ = try await cloud.createVM(Requests.vm(2))

        let disk = try await cloud.createDisk(Requests.disk(0, sizeMiB: 1024))
        await expectProviderError(.terminal, ProviderError.quotaExceeded) {
            _ = try await cloud.createDisk(Requests.disk(1, sizeMiB: 1025))
        }
        try await cloud.resizeDisk(id: disk.id, sizeMiB: 2048)
        await expectProviderError(.terminal, ProviderError.quotaExceeded) { try await cloud.resizeDisk(id: disk.id, sizeMiB: 2049) }
        #expect(try await cloud.listDisks(cluster: "demo").map(\.sizeMiB) == [2048])
    }

    /// `bosun sim faults` in another process changes what this one sees on its next call.
    @Test func faultsSetByTheCLIReachARunningProcess() async throws {
        let cloud = try sandbox.open()
        _ = try await cloud.listVMs(cluster: "demo")
        let state = ["--state", sandbox.statePath]
        let set = try await BosunBinary.run(
            ["sim", "faults", "--operation", "listVMs", "--terminal-rate", "1", "--seed", "5"] + state, in: sandbox.directory)
        #expect(set.status == 0, "\(set.stderr)")
        await expectProviderError(.terminal, SimErrorCode.injectedFailure) { _ = try await cloud.listVMs(cluster: "demo") }
        _ = try await cloud.listDisks(cluster: "demo")
        let settings = try await cloud.console.settings()
        #expect(settings.seed == 5)
        #expect(settings.faults(for: .listVMs).terminalRate == 1)

        let clear = try await BosunBinary.run(["sim", "faults", "--operation", "listVMs", "--clear"] + state, in: sandbox.directory)
        #expect(clear.status == 0, "\(clear.stderr)")
        _ = try await cloud.listVMs(cluster: "demo")
    }
}
