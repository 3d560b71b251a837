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
        let reader = SpecFileReader()
        var results: [FileResult] = []
        for file in files {
            switch reader.load(file) {
            case .success(let spec): results.append(FileResult(file: file, valid: true, cluster: spec.name, errors: []))
            case .failure(let rejection): results.append(FileResult(file: file, valid: false, cluster: nil, errors: rejection.issues))
            }
        }
        if json {
            try Output.json(results)
        } else {
            for result in results {
                if result.valid {
                    print("\(result.file): \(Output.paint("ok", .green)) (cluster \(result.cluster ?? ""))")
                } else {
                    for issue in result.errors { print(issue.description) }
                }
            }
        }
        if results.contains(where: { !$0.valid }) { throw ExitCode.failure }
    }
}
