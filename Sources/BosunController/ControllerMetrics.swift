import Prometheus

/// What the controller counts as it works, in Prometheus collectors (`docs/metrics.md`).
/// Cardinality is bounded: labels are outcomes, action kinds, priorities, providers and
/// provider operations, never a cluster or an instance. One value per process, injected.
public final class ControllerMetrics: Sendable {
    /// The registry every collector lives in; `/metrics` emits it.
    public let registry: PrometheusCollectorRegistry

    static let passBuckets: [Duration] = [.milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                                          .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300)]
    static let callBuckets: [Duration] = [.milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250),
                                          .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30)]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    private func counter(_ name: String, _ help: String, _ labels: [(String, String)]) -> Counter {
        registry.makeCounter(descriptor: MetricNameDescriptor(namespace: "bosun", metricName: name, unitName: "total", helpText: help), labels: labels)
    }

    private func histogram(_ name: String, _ help: String, _ labels: [(String, String)], _ buckets: [Duration]) -> DurationHistogram {
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "bosun", metricName: name, unitName: "seconds", helpText: help), labels: labels,
            buckets: buckets)
    }

    /// A reconcile pass ended with `outcome` (`PassOutcome.label`) after `duration`.
    func pass(_ outcome: String, duration: Duration) {
        counter("reconcile_passes", "Reconcile passes by outcome.", [("outcome", outcome)]).increment()
        histogram("reconcile_pass_duration", "How long reconcile passes took.", [], Self.passBuckets).record(duration)
    }

    /// A planned action ended: `succeeded`, `failed`, `parked` or `cancelled` (a prerequisite
    /// failed), `duration` after it was first started (zero if it never was).
    func action(kind: String, result: String, duration: Duration) {
        counter("actions", "Planned actions by kind and result.", [("kind", kind), ("result", result)]).increment()
        if duration > .zero {
            histogram("action_duration", "How long actions took from their start to their end, retries included, by kind.",
                      [("kind", kind)], Self.passBuckets).record(duration)
        }
    }

    /// An attempt of a planned action started (the first and every retry).
    func attempt(kind: String) {
        counter("action_attempts", "Attempts of planned actions, retries included, by kind.", [("kind", kind)]).increment()
    }

    /// A cluster waited `duration` in the work queue at `priority` before a worker took it.
    func waited(priority: String, duration: Duration) {
        histogram("queue_wait", "Time clusters waited in the work queue, by priority.", [("priority", priority)], Self.passBuckets).record(duration)
    }

    /// One provider or agent call: `result` is `ok`, `retryable` or `terminal`.
    func providerCall(provider: String, operation: String, result: String, duration: Duration) {
        counter("provider_calls", "Provider and agent calls by provider, operation and result.",
                [("provider", provider), ("operation", operation), ("result", result)]).increment()
        histogram("provider_call_duration", "Provider and agent call latency, by provider and operation.",
                  [("provider", provider), ("operation", operation)], Self.callBuckets).record(duration)
    }

    /// A gauge, for values read when scraped.
    public func gauge(_ name: String, _ help: String, _ labels: [(String, String)] = []) -> Gauge {
        registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "bosun", metricName: name, unitName: "", helpText: help), labels: labels)
    }

    /// The text exposition of every collector.
    public func emit() -> [UInt8] { registry.emitToBuffer() }
}
