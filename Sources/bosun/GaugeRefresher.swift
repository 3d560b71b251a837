import BosunController
import BosunStore
import Foundation
import Prometheus
import Synchronization

/// Sets the gauges read at scrape time. A label value seen before and absent now (a phase no
/// cluster is in any more) is set to 0, so a series never keeps a stale count.
final class GaugeRefresher: Sendable {
    let metrics: ControllerMetrics
    private let seen = Mutex<[String: Set<String>]>([:])

    init(metrics: ControllerMetrics) { self.metrics = metrics }

    func queue(high: Int, normal: Int) {
        for (priority, depth) in [("high", high), ("normal", normal)] {
            metrics.gauge("queue_depth", "Clusters waiting in the work queue, by priority.", [("priority", priority)]).set(Double(depth))
        }
    }

    func store(_ g: StoreGauges) {
        labelled("clusters", "Clusters by phase (deleted ones left out).", "phase", g.clustersByPhase)
        labelled("clusters_by_lifecycle", "Clusters by lifecycle.", "lifecycle", g.clustersByLifecycle)
        labelled("findings_open", "Unresolved findings, by kind.", "kind", g.openFindingsByKind)
        metrics.gauge("clusters_in_meltdown", "Clusters whose healing is paused by meltdown protection.")
            .set(Double(g.clustersByPhase["meltdown"] ?? 0))
        // No certificate: the gauge is absent rather than a made-up number.
        if let expiry = g.earliestCertificateExpiry {
            metrics.gauge("certificate_earliest_expiry_seconds", "Seconds until the earliest active certificate expires (negative: expired).")
                .set(expiry.timeIntervalSinceNow)
        }
        metrics.gauge("rollout_oldest_seconds", "Age of the oldest generation not converged yet (0: every cluster converged).")
            .set(g.oldestRolloutSince.map { -$0.timeIntervalSinceNow } ?? 0)
        metrics.gauge("database_size_bytes", "Size of the state database and its write-ahead log.").set(Double(g.databaseBytes))
        metrics.gauge("journal_rows", "Rows in the action journal (pruned by retention).").set(Double(g.journalRows))
        metrics.gauge("spec_files_rejected", "Spec files currently rejected (the last accepted version stays in effect).")
            .set(Double(g.rejectedSpecFiles))
    }

    private func labelled(_ name: String, _ help: String, _ label: String, _ counts: [String: Int]) {
        let known = seen.withLock { seen in
            seen[name, default: []].formUnion(counts.keys)
            return seen[name]!
        }
        for value in known {
            metrics.gauge(name, help, [(label, value)]).set(Double(counts[value] ?? 0))
        }
    }
}
