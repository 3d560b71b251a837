import ArgumentParser
import BosunController

/// Options of the commands that act (`run`, `apply`, `delete`): parallelism, retries,
/// timeouts, polling, rate limit. Defaults are those of `docs/semantics.md`.
struct ExecutionOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Worker slots shared by all clusters.")
    var workers: Int = 10

    @Option(help: ArgumentHelp("First retry delay (exponential backoff with full jitter).", valueName: "duration"))
    var retryBase: DurationOption = DurationOption(.seconds(1))

    @Option(help: ArgumentHelp("Longest retry delay.", valueName: "duration"))
    var retryCap: DurationOption = DurationOption(.seconds(60))

    @Option(parsing: .unconditional, help: "Attempts per action before it fails.")
    var maxAttempts: Int = 8

    @Option(help: ArgumentHelp("Timeout of a create-vm action.", valueName: "duration"))
    var createTimeout: DurationOption = DurationOption(.seconds(600))

    @Option(help: ArgumentHelp("Timeout of every other action.", valueName: "duration"))
    var actionTimeout: DurationOption = DurationOption(.seconds(300))

    @Option(help: ArgumentHelp("How often to look again while waiting for VMs and jobs.", valueName: "duration"))
    var poll: DurationOption = DurationOption(.milliseconds(500))

    @Option(parsing: .unconditional, help: "Provider calls per second, per provider (default: unlimited for sim).")
    var rateLimit: Double?

    @Option(help: ArgumentHelp("Lease expiry; renewed every third of it.", valueName: "duration"))
    var leaseTtl: DurationOption = DurationOption(.seconds(30))

    func validate() throws {
        guard (1...1024).contains(workers) else { throw ValidationError("--workers must be from 1 to 1024") }
        guard (1...100).contains(maxAttempts) else { throw ValidationError("--max-attempts must be from 1 to 100") }
        if let rateLimit, !(rateLimit > 0 && rateLimit.isFinite) { throw ValidationError("--rate-limit must be a positive number") }
    }

    var policy: ExecutionPolicy {
        var p = ExecutionPolicy()
        p.workers = workers
        p.retry = RetryPolicy(base: retryBase.duration, cap: retryCap.duration, maxAttempts: maxAttempts)
        p.createVMTimeout = createTimeout.duration
        p.actionTimeout = actionTimeout.duration
        p.pollInterval = poll.duration
        p.rateLimit = rateLimit
        p.leaseTTL = leaseTtl.duration
        p.leaseRenewal = leaseTtl.duration / 3
        return p
    }
}
