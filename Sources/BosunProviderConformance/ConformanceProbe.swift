import BosunProvider

/// One rule's run against one provider: it makes requests in the rule's own cluster, calls
/// the provider the way the executor would (retrying retryable errors), and turns every
/// deviation into a `ConformanceFailure` naming the rule.
struct ConformanceProbe: Sendable {
    let provider: any InfrastructureProvider
    let rule: String
    let fixture: ConformanceFixture

    var cluster: String { "\(fixture.clusterPrefix)-\(rule)" }

    func fail(_ message: String) -> ConformanceFailure { ConformanceFailure(rule: rule, message: message) }

    func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws(ConformanceFailure) {
        if !condition { throw fail(message()) }
    }

    // MARK: Requests

    func vmRequest(_ n: Int, key: String? = nil, az: String? = nil, group: String = "worker") -> VMRequest {
        VMRequest(
            cluster: cluster, group: group, index: n, instanceID: "\(cluster)-\(group)-\(n)", az: az ?? fixture.azs[0],
            vmType: fixture.vmType, image: fixture.image, idempotencyKey: key ?? "\(cluster)-vm-\(n)")
    }

    func diskRequest(_ n: Int, key: String? = nil, az: String? = nil, type: String?? = nil) -> DiskRequest {
        DiskRequest(
            cluster: cluster, instanceID: "\(cluster)-worker-\(n)", az: az ?? fixture.azs[0], sizeMiB: fixture.diskSizeMiB,
            type: type ?? fixture.diskType, idempotencyKey: key ?? "\(cluster)-disk-\(n)")
    }

    // MARK: Calls

    /// Calls the provider and expects success. Retryable errors are retried with their
    /// `retryAfter`; anything else (a terminal error, or an error that is not a
    /// `ProviderError`) fails the rule.
    func call<T: Sendable>(_ what: String, _ body: @Sendable () async throws -> T) async throws(ConformanceFailure) -> T {
        switch try await attempt(what, body) {
        case .success(let value): return value
        case .failure(let error): throw fail("\(what) failed: \(error.kind) \(error.code): \(error.message)")
        }
    }

    /// Calls the provider and expects a `kind` error with `code` (any code if nil), after
    /// retrying retryable errors.
    func expectError<T: Sendable>(
        _ what: String, _ kind: ProviderError.Kind, _ code: String?, _ body: @Sendable () async throws -> T
    ) async throws(ConformanceFailure) {
        let expected = "a \(kind) \(code ?? "error")"
        switch try await attempt(what, body) {
        case .success:
            throw fail("\(what) succeeded; expected \(expected)")
        case .failure(let error):
            try expect(
                error.kind == kind && (code == nil || error.code == code),
                "\(what) threw \(error.kind) \(error.code) (\(error.message)); expected \(expected)")
        }
    }

    /// Runs `body` up to `fixture.attempts` times while it throws retryable errors; returns its
    /// value or its last `ProviderError`. Any other error fails the rule at once: only
    /// `ProviderError` may escape a provider.
    private func attempt<T: Sendable>(
        _ what: String, _ body: @Sendable () async throws -> T
    ) async throws(ConformanceFailure) -> Result<T, ProviderError> {
        var tries = 0
        while true {
            tries += 1
            do {
                return .success(try await body())
            } catch let error as ProviderError {
                guard error.isRetryable, tries < fixture.attempts else { return .failure(error) }
                let wait = min(error.retryAfter ?? fixture.retryDelay, .seconds(2))
                do { try await Task.sleep(for: wait) } catch { throw fail("cancelled while retrying \(what)") }
            } catch {
                throw fail("\(what) threw \(type(of: error)) (\(error)); only ProviderError may escape a provider")
            }
        }
    }

    // MARK: Observations

    func vms() async throws(ConformanceFailure) -> [VM] {
        try await call("listVMs(\(cluster))") { try await provider.listVMs(cluster: cluster) }
    }

    func disks() async throws(ConformanceFailure) -> [Disk] {
        try await call("listDisks(\(cluster))") { try await provider.listDisks(cluster: cluster) }
    }

    func vm(_ id: String) async throws(ConformanceFailure) -> VM? { try await vms().first { $0.id == id } }

    func disk(_ id: String) async throws(ConformanceFailure) -> Disk? { try await disks().first { $0.id == id } }

    /// Polls until `condition` holds, failing the rule at `fixture.deadline`.
    func eventually(_ what: String, _ condition: () async throws(ConformanceFailure) -> Bool) async throws(ConformanceFailure) {
        let deadline = ContinuousClock.now + fixture.deadline
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw fail("\(what) did not happen within \(fixture.deadline)") }
            do { try await Task.sleep(for: fixture.pollInterval) } catch { throw fail("cancelled while waiting for \(what)") }
        }
    }

    /// Creates VM `n` and waits until the provider reports it running.
    func runningVM(_ n: Int, az: String? = nil) async throws(ConformanceFailure) -> VM {
        let request = vmRequest(n, az: az)
        let vm = try await call("createVM(\(request.idempotencyKey))") { try await provider.createVM(request) }
        try await eventually("VM \(vm.id) running") { () async throws(ConformanceFailure) in try await self.vm(vm.id)?.state == .running }
        return vm
    }

    func createDisk(_ n: Int, az: String? = nil) async throws(ConformanceFailure) -> Disk {
        let request = diskRequest(n, az: az)
        return try await call("createDisk(\(request.idempotencyKey))") { try await provider.createDisk(request) }
    }

    /// Best effort: leaves the rule's cluster empty so shared clouds do not fill up.
    func tidy(lbs: [String]) async {
        for lb in lbs {
            for member in (try? await provider.listMembers(lb: lb)) ?? [] { try? await provider.deregister(lb: lb, vmID: member) }
        }
        for disk in (try? await provider.listDisks(cluster: cluster)) ?? [] {
            if disk.attachedTo != nil { try? await provider.detachDisk(id: disk.id) }
            try? await provider.deleteDisk(id: disk.id)
        }
        for vm in (try? await provider.listVMs(cluster: cluster)) ?? [] { try? await provider.deleteVM(id: vm.id) }
    }
}
