import ArgumentParser
import BosunSpec
import Foundation

/// `bosun validate FILE…`: checks spec files without touching the state database.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check spec files; print errors as file:line:column: field.path: message.",
        discussion: "Exits 0 when every file is valid, 1 when any is not.")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print one JSON document instead of lines.")
    var json = false

    @Argument(help: "Spec files to check.")
    var files: [String]

    struct FileResult: Encodable {
        var file: String
        var valid: Bool
        var cluster: String?
        var errors: [SpecIssue]
    }

    func run() throws {
        // Each file's own directory is its specs directory: a symlink may point beside it only.
        let reader = SpecFileReader()
        var results: [FileResult] = []
        var owners: [String: String] = [:]
        for file in files {
            switch reader.outcome(file) {
            case .accepted(let spec):
                // The same rule as ingestion: a name belongs to the first file that declares it.
                if let first = owners[spec.name], first != file {
                    let issue = SpecIssue(
                        file: file, line: 1, column: 1, path: "name",
                        message: "cluster '\(spec.name)' is also declared by \(first); names must be unique across files")
                    results.append(FileResult(file: file, valid: false, cluster: spec.name, errors: [issue]))
                } else {
                    owners[spec.name] = file
                    results.append(FileResult(file: file, valid: true, cluster: spec.name, errors: []))
                }
            case .rejected(let rejection):
                results.append(FileResult(file: file, valid: false, cluster: nil, errors: rejection.issues))
            }
        }
        if json {
            try Output.json(results)
        } else {
            for result in results {
                if result.valid {
                    print("\(SpecExcerpt.escaped(result.file)): \(Output.paint("ok", .green)) (cluster \(result.cluster ?? ""))")
                } else {
                    for issue in result.errors { print(issue.description) }
                }
            }
        }
        if results.contains(where: { !$0.valid }) { throw ExitCode.failure }
    }
}
