import ArgumentParser
import BosunCompose
import BosunSpec
import Foundation

/// `bosun render BASE [-o OPS]… [-v NAME=VALUE]… [-l VARS]… [--var-errs]`: `bosh interpolate`.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Print a YAML document with go-patch ops files applied and ((variables)) interpolated.",
        discussion: """
            The same document `bosh interpolate` prints for the same inputs: ops files apply in order to \
            the base document, then variables are interpolated (-v beats -l; later files win; a whole-value \
            reference keeps its type). A missing variable stays as written unless --var-errs. Keys are \
            sorted as bosh prints them unless --keep-order. Works for any YAML document.
            With --spec, FILE is a cluster file that composes its spec (base:, ops:, vars:, varsFiles:), \
            and the composed spec is printed as ingestion validates it. Exit 1 with the error on stderr.
            """)

    @Argument(help: "The base YAML document (or, with --spec, a composed cluster file).")
    var base: String

    @Option(name: [.customShort("o"), .customLong("ops-file")], help: "A go-patch ops file (repeatable, applied in order).")
    var opsFiles: [String] = []

    @Option(name: [.customShort("v"), .customLong("var")], help: "A variable NAME=VALUE, the value read as YAML (repeatable).")
    var vars: [String] = []

    @Option(name: [.customShort("l"), .customLong("vars-file")], help: "A YAML file of variables (repeatable; later files win).")
    var varsFiles: [String] = []

    @Flag(help: "Fail listing every variable that is referenced but not given.")
    var varErrs = false

    @Option(help: "Print only the value at this go-patch path.")
    var path: String?

    @Flag(help: "Keep the keys in document order instead of bosh's sorted order.")
    var keepOrder = false

    @Flag(help: "BASE is a composed cluster file: print its composed spec.")
    var spec = false

    func run() throws {
        do {
            if spec { return try renderSpec() }
            var variables = Variables()
            for file in varsFiles { try variables.addVarsFile(yaml: try Self.read(file), sourceName: file) }
            for flag in vars { try variables.addVarFlag(flag) }
            let options = BoshInterpolation.Options(
                expectAllKeys: varErrs, path: try path.map { try Pointer($0) }, sortKeys: !keepOrder)
            let result = try BoshInterpolation.render(
                templateYAML: try Self.read(base), opsFiles: try opsFiles.map { ($0, try Self.read($0)) }, variables: variables,
                options: options)
            FileHandle.standardOutput.write(Data(try BoshInterpolation.printed(result, options: options).utf8))
        } catch let error as InterpolationError {
            Output.error(error.multilineDescription)
            throw ExitCode.failure
        } catch let error as ExitCode {
            throw error
        } catch {
            Output.error("\(error)")
            throw ExitCode.failure
        }
    }

    private func renderSpec() throws {
        let data = Data(try Self.read(base).utf8)
        guard SpecComposer.isComposition(data) else {
            Output.error("\(base) has no base: key; it is a plain spec file, already what ingestion reads")
            throw ExitCode.failure
        }
        switch SpecComposer(directory: nil).compose(path: base, data: data) {
        case .failure(let rejection):
            for issue in rejection.issues { Output.error(issue.description) }
            throw ExitCode.failure
        case .success(let composition):
            FileHandle.standardOutput.write(Data(composition.text.utf8))
        }
    }

    static func read(_ path: String) throws -> String {
        do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw RenderError(message: "cannot read \(path): \((error as NSError).localizedDescription)")
        }
    }
}

/// A file `render` could not read.
struct RenderError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
