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

    /// Whether a batch fits, from its counts: members not already unhealthy, members whose
    /// etcd is not (or may not be) down, and members whose etcd is not down for certain.
    /// Counts rather than sets keep scheduling linear in the group's size.
    func fits(healthy: Int, etcdUp: Int, etcdNotSurelyDown: Int) -> Bool {
        // `|B ∪ down| ≤ budget` is the rule above (`|B| + down outside B`). For etcd it also
        // holds in the worst case of a member whose agent is silent: down if outside the batch,
        // up (so taken down) if in it; so only members down for certain are exempt there.
        if healthy > 0 && unhealthy.count + healthy > maxInFlight { return false }
        if runsEtcd && etcdNotSurelyDown > 0 && etcdDown.count + etcdUp > quorumBudget { return false }
        return true
    }

    /// Greedy batches over `order` (already interleaved over AZs): each batch takes, in order,
    /// every member that still fits, so a broken member may go ahead of a healthy one the budget
    /// cannot take yet. Never more than `maxInFlight` (and the quorum budget) in one batch.
    mutating func schedule(_ order: [Int], canaries: Int) -> Schedule {
        var out = Schedule()
        var taken = [Bool](repeating: false, count: order.count)
        var first = 0, left = order.count
        var canaryLeft = min(canaries, order.count)
        let width = runsEtcd ? min(maxInFlight, quorumBudget) : maxInFlight
        while left > 0 {
            while taken[first] { first += 1 }
            let limit = canaryLeft > 0 ? min(width, canaryLeft) : width
            var batch: [Int] = []
            var healthy = 0, up = 0, notSurelyDown = 0
            var p = first
            while p < order.count && batch.count < limit {
                let index = order[p]
                if !taken[p] {
                    let h = healthy + (unhealthy.contains(index) ? 0 : 1)
                    let u = up + (etcdDown.contains(index) ? 0 : 1)
                    let n = notSurelyDown + (etcdSurelyDown.contains(index) ? 0 : 1)
                    if fits(healthy: h, etcdUp: u, etcdNotSurelyDown: n) {
                        batch.append(index)
                        taken[p] = true
                        (healthy, up, notSurelyDown) = (h, u, n)
                    }
                }
                p += 1
            }
            if batch.isEmpty {
                out.deferred = order.indices.filter { !taken[$0] }.map { order[$0] }
                out.waiting = waiting(for: out.deferred[0])
                break
            }
            if canaryLeft > 0 {
                canaryLeft -= batch.count
                out.canaryBatches += 1
            }
            left -= batch.count
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
