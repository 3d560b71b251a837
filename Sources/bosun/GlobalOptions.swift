import ArgumentParser
import BosunStore
import Foundation
import Logging

/// Options every subcommand takes (`interfaces.md`). Paths fall back to `BOSUN_DB` and
/// `BOSUN_SPECS`, then to `./bosun.db` and `./specs`.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("State database (env BOSUN_DB).", valueName: "path"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("Watched spec directory (env BOSUN_SPECS).", valueName: "dir"))
    var specs: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: LogLevelOption = .info

    @Option(name: .long, help: "Log format: text or json.")
    var logFormat: LogFormat = .text

    var databasePath: String {
        db ?? ProcessInfo.processInfo.environment["BOSUN_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "./bosun.db"
    }

    var specsDirectory: String {
        specs ?? ProcessInfo.processInfo.environment["BOSUN_SPECS"].flatMap { $0.isEmpty ? nil : $0 } ?? "./specs"
    }

    /// Opens the state database or exits with its error on stderr. Read-only commands pass
    /// `create: false`: pointed at the wrong directory they say so instead of creating a database.
    func openStore(create: Bool = true) throws -> Store {
        do {
            return try Store(path: databasePath, create: create)
        } catch {
            Output.error("\(error)")
            throw ExitCode.failure
        }
    }

    /// Sends log lines to stderr in the chosen format; stdout stays for results.
    /// `terminal`: a live status line the log lines must step around (`bosun apply` on a TTY).
    func bootstrapLogging(terminal: TerminalLine? = nil) {
        let level = logLevel.level
        let format = logFormat
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = format == .json
                ? JSONLogHandler(label: label)
                : EscapingLogHandler(inner: StreamLogHandler.standardError(label: label))
            if let terminal { handler = TerminalAwareLogHandler(inner: handler, terminal: terminal) }
            handler.logLevel = level
            return handler
        }
    }
}

enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

enum LogLevelOption: String, ExpressibleByArgument, CaseIterable {
    case trace, debug, info, notice, warning, error, critical

    var level: Logger.Level { Logger.Level(rawValue: rawValue) ?? .info }
}
