import ArgumentParser

/// `--lock-timeout` of `apply` and `delete` (Terraform's `-lock-timeout`): how long to wait
/// for a cluster's lease while another process holds it, instead of failing at once.
struct LockOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Wait up to this long for a cluster's lease another process holds (default 0s: report the holder at once).",
            valueName: "duration"))
    var lockTimeout: SettleDuration?

    var timeout: Duration { .milliseconds(Int64((lockTimeout?.seconds ?? 0) * 1000)) }
}
