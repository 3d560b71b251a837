import BosunModel

/// One group's disruption budget, shared by rollouts, escalations and scale-down (issue 8): a
/// batch of steps that take members down may run only if `maxInFlight` and, in a group running
/// etcd, the quorum guard allow it, counting members that are already down as down.
///
/// For a batch `B`: `|B| ≤ maxInFlight − (unhealthy members not in B)`, and with etcd also
/// `|B| ≤ max(1, (n−1)/2) − (etcd members down not in B)` for `n` desired members. Rearranged, the
/// members of `B` that are still healthy are what the rule limits: a member already down costs
/// nothing extra, so a broken member is replaced ahead of healthy ones. When more members are
/// down than the budget (`maxInFlight`, or the quorum budget) the formula as written would allow
/// no batch at all, not even one that only replaces broken members; so batches of members that
/// are all already down still go, at most `maxInFlight` (and the quorum budget) at a time: they
/// take nothing healthy down, and they are how a broken group recovers. For etcd a member whose
/// agent is silent may still run etcd: it counts as down outside a batch and as up inside one,
/// so it is never part of such an exempt batch.
/// `max(1, …)`: with one or two members there is no quorum to keep, and a rollout still has to
/// go one at a time.
///
/// Batches run one after another and every chain ends waiting for health, so the members of a
/// finished batch count as healthy for the next one. Members healed in phase A are not credited:
/// their healing may fail, and counting them as down is the safe side.
struct DisruptionBudget {
    let group: String
    /// Desired instances of the group (`n`).
    let desired: Int
    let maxInFlight: Int
    let runsEtcd: Bool
    /// Indexes of members already unhealthy, and (etcd groups) with etcd down, including
    /// members whose agent does not answer (their etcd may be down)…
    var unhealthy: Set<Int>
    var etcdDown: Set<Int>
    /// … and those whose etcd is down for certain.
    var etcdSurelyDown: Set<Int>

    var quorumBudget: Int { max(1, (desired - 1) / 2) }

    /// Batches of instance indexes in run order; the first `canaryBatches` hold the canaries.
    /// `deferred` did not fit at all (with the reason to report), and are left out of the plan.
    struct Schedule {
        var batches: [[Int]] = []
        var canaryBatches = 0
        var deferred: [Int] = []
        var waiting = ""
    }

    func fits(_ batch: [Int]) -> Bool {
        // Width: never more than the budget in flight at once.
        if batch.count > maxInFlight || (runsEtcd && batch.count > quorumBudget) { return false }
        // `|B ∪ down| ≤ budget` is the rule above (`|B| + down outside B`). For etcd it also
        // holds in the worst case of a member whose agent is silent: down if outside the batch,
        // up (so taken down) if in it; so only members down for certain are exempt there.
        if !batch.allSatisfy(unhealthy.contains), unhealthy.union(batch).count > maxInFlight { return false }
        if runsEtcd, !batch.allSatisfy(etcdSurelyDown.contains), etcdDown.union(batch).count > quorumBudget { return false }
        return true
    }

    /// Greedy batches over `order` (already interleaved over AZs): each batch takes, in order,
    /// every member that still fits, so a broken member may go ahead of a healthy one the budget
    /// cannot take yet.
    mutating func schedule(_ order: [Int], canaries: Int) -> Schedule {
        var out = Schedule()
        var rest = order
        var canaryLeft = min(canaries, order.count)
        while !rest.isEmpty {
            let limit = canaryLeft > 0 ? canaryLeft : Int.max
            var batch: [Int] = []
            for index in rest where batch.count < limit && fits(batch + [index]) { batch.append(index) }
            if batch.isEmpty {
                out.deferred = rest
                out.waiting = waiting(for: rest[0])
                break
            }
            if canaryLeft > 0 {
                canaryLeft -= batch.count
                out.canaryBatches += 1
            }
            rest.removeAll { batch.contains($0) }
            out.batches.append(batch)
            // The batch ends healthy before the next one starts.
            unhealthy.subtract(batch)
            etcdDown.subtract(batch)
            etcdSurelyDown.subtract(batch)
        }
        return out
    }

    /// Why `index` (not down for certain: such a member always fits alone) cannot run even alone.
    private func waiting(for index: Int) -> String {
        if runsEtcd, etcdDown.union([index]).count > quorumBudget {
            return "waiting: \(etcdDown.count) of \(desired) etcd members already down"
        }
        let n = unhealthy.subtracting([index]).count
        return "waiting: \(n) instance\(n == 1 ? "" : "s") of group \(group) already unhealthy (maxInFlight \(maxInFlight))"
    }
}
