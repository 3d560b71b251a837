/// How a job an operator failed keeps failing (`bosun sim fail-job VM JOB [--times N | --always]`),
/// so healing can be tested against a crash loop and not only a single crash.
public enum SimJobFailure: Sendable, Hashable, Codable {
    /// Fails now; the next start brings it back (`fail-job` alone).
    case once
    /// Fails now, and again right after each of its next N starts or restarts (they report
    /// `starting`, then `failed`); the start after those comes up `running`.
    case times(Int)
    /// Fails now and right after every start, until cleared or the VM is deleted.
    case always

    /// What the `jobs.fails_left` column stores: starts still to fail, -1 for every one.
    var failsLeft: Int {
        switch self {
        case .once: 0
        case .times(let count): count
        case .always: -1
        }
    }

    /// The failure still to come behind a stored `fails_left`; nil for none.
    init?(failsLeft: Int) {
        switch failsLeft {
        case 0: return nil
        case ..<0: self = .always
        default: self = .times(failsLeft)
        }
    }
}
