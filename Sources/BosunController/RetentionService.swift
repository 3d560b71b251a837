import BosunStore
import Logging
import ServiceLifecycle

/// The pruning half of `bosun run`: prunes history beyond the retention policy at start and
/// then every `every`, so the state database stays flat over months of passes and restarts.
/// Pruning works in small batches (`Store.prune`), so it never stalls reconcile passes.
public final class RetentionService: Service, Sendable {
    public let store: Store
    public let policy: RetentionPolicy
    public let every: Duration
    private let logger: Logger

    public init(store: Store, policy: RetentionPolicy, every: Duration = .seconds(600), logger: Logger) {
        self.store = store
        self.policy = policy
        self.every = every
        self.logger = logger
    }

    public func run() async throws {
        // Shutdown cancels the sleep and ends the loop; a round in progress is a few short
        // transactions and finishes first.
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                self.pruneOnce()
                do { try await Task.sleep(for: self.every) } catch { return }
            }
        }
    }

    /// One pruning round; failures are logged and retried next round (a full disk must not stop
    /// the controller, and pruning is what frees space).
    public func pruneOnce() {
        do {
            let report = try store.prune(policy)
            if !report.isEmpty {
                logger.info("pruned history", metadata: [
                    "actions": "\(report.actions)", "events": "\(report.events)", "findings": "\(report.findings)", "keys_kept": "\(report.keysKept)",
                    "keys_forgotten": "\(report.keysForgotten)", "batches": "\(report.batches)",
                ])
            }
        } catch {
            logger.warning("pruning failed; retrying next round", metadata: ["error": "\(error)"])
        }
    }
}
