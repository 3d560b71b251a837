import BosunProvider
import Foundation

/// The node agent over SSM Run Command. A job is a systemd unit: `startJobs` runs
/// `systemctl start UNIT…` with `AWS-RunShellScript`, waits for the invocation to finish, and
/// records each job's state in the instance's `bosun:jobs` tag; `health` reads that tag with
/// the agent's liveness (SSM ping, or the EC2 state where SSM cannot report it).
extension AWSProvider {
    public func startJobs(vmID: String, jobs: [String]) async throws {
        try await run(vmID: vmID, jobs: jobs, verb: "start")
    }

    public func restartJobs(vmID: String, jobs: [String]) async throws {
        try await run(vmID: vmID, jobs: jobs, verb: "restart")
    }

    public func stopJobs(vmID: String) async throws {
        guard let instance = try await instance(vmID) else { return }
        guard instance.instanceState.name == "running" else { return }
        let known = AWSTags.jobs(instance.tags[AWSTags.jobs])
        guard !known.isEmpty else { return }
        try await command(vmID, "systemctl stop \(known.keys.sorted().joined(separator: " "))")
        try await setJobs(vmID, known.mapValues { _ in .stopped })
    }

    public func health(cluster: String) async throws -> [String: NodeHealth] {
        try await aws { try await healthReports(try await clusterInstances(cluster)) }
    }

    /// Agent reports for `instances` (already described): none for a booting instance or one
    /// whose agent is not online; a stopped one reports its jobs stopped.
    func healthReports(_ instances: [EC2Instance]) async throws(AWSAPIError) -> [String: NodeHealth] {
        let now = Date()
        var pings: [String: Date] = [:]
        let running = instances.filter { $0.instanceState.name == "running" }.map(\.instanceId)
        switch transport.configuration.liveness {
        case .instanceState:
            for id in running { pings[id] = now }
        case .ssm:
            for chunk in stride(from: 0, to: running.count, by: 50).map({ Array(running[$0..<min($0 + 50, running.count)]) }) {
                pings.merge(try await ssmPings(chunk), uniquingKeysWith: { $1 })
            }
        }
        var out: [String: NodeHealth] = [:]
        for instance in instances where AWSTags.vm(instance) != nil {
            let jobs = AWSTags.jobs(instance.tags[AWSTags.jobs])
            switch instance.instanceState.name {
            case "running":
                guard let ping = pings[instance.instanceId] else { continue }
                out[instance.instanceId] = NodeHealth(vmID: instance.instanceId, jobs: jobs, lastHeartbeat: ping)
            case "stopping", "stopped":
                out[instance.instanceId] = NodeHealth(vmID: instance.instanceId, jobs: jobs.mapValues { _ in .stopped }, lastHeartbeat: nil)
            default: continue
            }
        }
        return out
    }

    /// Last ping of the online instances among `ids` (at most 50).
    private func ssmPings(_ ids: [String]) async throws(AWSAPIError) -> [String: Date] {
        var out: [String: Date] = [:]
        var token: String?
        repeat {
            let request = DescribeInstanceInformationRequest(Filters: [.init(Key: "InstanceIds", Values: ids)], MaxResults: 50, NextToken: token)
            let page = try await ssm.call("DescribeInstanceInformation", request, as: DescribeInstanceInformationResponse.self)
            for info in page.InstanceInformationList ?? [] where info.PingStatus == "Online" {
                out[info.InstanceId] = info.LastPingDateTime ?? Date()
            }
            token = page.NextToken.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return out
    }

    private func run(vmID: String, jobs: [String], verb: String) async throws {
        for job in jobs where !Self.isUnitName(job) {
            throw ProviderError(.terminal, code: ProviderError.invalidParameter, message: "job '\(job)' is not a systemd unit name")
        }
        let instance = try await runningInstance(vmID)
        guard !jobs.isEmpty else { return }
        var states = AWSTags.jobs(instance.tags[AWSTags.jobs])
        var script = "systemctl \(verb) \(jobs.joined(separator: " "))"
        let vm = AWSTags.vm(instance)
        if let vm, let prefix = pendingConfigPath(vmID, cluster: vm.cluster, group: vm.group) {
            script = Self.fetchScript(prefix) + " && " + script
        }
        do {
            try await command(vmID, script)
        } catch let error as ProviderError where !error.isRetryable {
            for job in jobs { states[job] = .failed }
            try? await setJobs(vmID, states)
            throw error
        }
        for job in jobs { states[job] = .running }
        try await setJobs(vmID, states, config: takeHandedOver(vmID))
    }

    /// The instance, described, if its agent can take orders now: booting is a retryable
    /// `IncorrectState`, stopped a terminal one, gone a terminal `NotFound`.
    func runningInstance(_ vmID: String) async throws -> EC2Instance {
        guard let instance = try await instance(vmID) else { throw ProviderError.notFound("instance \(vmID)") }
        switch instance.instanceState.name {
        case "running": return instance
        case "pending":
            throw ProviderError(.retryable, code: ProviderError.incorrectState, message: "instance \(vmID) is still booting")
        default:
            throw ProviderError(.terminal, code: ProviderError.incorrectState, message: "instance \(vmID) is \(instance.instanceState.name); start it first")
        }
    }

    static func isUnitName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 128
            && name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "@._-:".unicodeScalars.contains($0) }
            && name.unicodeScalars.allSatisfy(\.isASCII)
    }

    /// Records job states in the `bosun:jobs` tag and, when a configuration was fetched with
    /// them, its `bosun:config` value: one `CreateTags`, shared by instances tagged alike.
    private func setJobs(_ vmID: String, _ jobs: [String: JobState], config: String? = nil) async throws {
        let value = AWSTags.jobsValue(jobs)
        let tags = [(key: AWSTags.jobs, value: value)] + (config.map { [(key: AWSTags.config, value: $0)] } ?? [])
        _ = try await aws { try await batches.tags.submit(.init(resource: vmID, tags: tags)).get() }
        memo.withLock { memo in
            memo.patch(vmID) { instance in
                for tag in tags { instance.setTag(tag.key, tag.value) }
            }
        }
    }

    /// Runs `script` on the instance with `AWS-RunShellScript` and waits for it to finish.
    /// Concurrent callers with the same script share one `SendCommand`, and wait on its
    /// status together. Failed here: terminal `CommandFailed` with the command's stderr; not
    /// done by the deadline: retryable `Timeout`.
    func command(_ vmID: String, _ script: String) async throws {
        let sent = try await aws { try await batches.commands.submit(.init(instance: vmID, script: script)).get() }
        let commandID = sent.CommandId
        let status: String
        if let known = sent.Status, Self.finalCommandStatuses.contains(known) {
            status = known
        } else {
            status = try await commandWaits.run(commandID) { [self] in try await waitForCommand(commandID, script: script) }
        }
        if status == "Success" { return }
        // The command's status sums up all its instances: ask how it went on this one.
        let mine: GetCommandInvocationResponse? = try await aws {
            do {
                return try await ssm.call(
                    "GetCommandInvocation", GetCommandInvocationRequest(CommandId: commandID, InstanceId: vmID), as: GetCommandInvocationResponse.self)
            } catch let error as AWSAPIError where error.code == "InvocationDoesNotExist" {
                return nil
            }
        }
        if mine?.Status == "Success" { return }
        let detail = (mine?.StandardErrorContent ?? "").prefix(500)
        throw ProviderError(.terminal, code: "CommandFailed", message: "'\(script)' on \(vmID): \(mine?.Status ?? status) \(detail)")
    }

    /// Polls `ListCommands` until the command is over on every instance; its final status.
    private func waitForCommand(_ commandID: String, script: String) async throws -> String {
        let deadline = ContinuousClock.now + commandDeadline
        while true {
            let status: String? = try await aws {
                do {
                    return try await ssm.call("ListCommands", ListCommandsRequest(CommandId: commandID), as: ListCommandsResponse.self)
                        .Commands?.first?.Status
                } catch let error as AWSAPIError where error.code == "InvalidCommandId" {
                    return nil  // not visible yet
                }
            }
            if let status, Self.finalCommandStatuses.contains(status) { return status }
            guard ContinuousClock.now < deadline else {
                throw ProviderError(.retryable, code: ProviderError.timeout, message: "'\(script)' (command \(commandID)) did not finish within \(commandDeadline)")
            }
            do { try await Task.sleep(for: commandPoll) } catch {
                throw ProviderError(.retryable, code: ProviderError.timeout, message: "cancelled while waiting for '\(script)'")
            }
        }
    }

    static let finalCommandStatuses: Set<String> = ["Success", "Failed", "Cancelled", "TimedOut", "Cancelling"]
}
