import BosunJobCatalog
import Foundation
import Yams

/// The jobs the local provider can run: the built-in definitions (`jobs/` in the project,
/// embedded in the binary) and, when given, the operator's catalog directory, whose `*.yml`
/// files add jobs or replace built-in ones of the same name.
public struct JobCatalog: Sendable {
    /// Definitions by job name.
    public let jobs: [String: JobDefinition]
    /// Where the definitions came from, for messages: `built-in` or `built-in + DIR`.
    public let origin: String

    /// Loads the catalog. Throws a message naming the file when a definition is malformed.
    public init(directory: String? = nil) throws {
        var jobs: [String: JobDefinition] = [:]
        for (file, yaml) in BuiltinJobs.all {
            let job = try Self.decode(yaml, file: "built-in \(file)")
            jobs[job.name] = job
        }
        var origin = "built-in"
        if let directory {
            let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted()
            for file in files {
                let path = directory + "/" + file
                let job = try Self.decode(try String(contentsOfFile: path, encoding: .utf8), file: path)
                jobs[job.name] = job
            }
            origin += " + " + directory
        }
        self.jobs = jobs
        self.origin = origin
    }

    private static func decode(_ yaml: String, file: String) throws -> JobDefinition {
        let job: JobDefinition
        do {
            job = try YAMLDecoder().decode(JobDefinition.self, from: yaml)
        } catch let error as DecodingError {
            throw CatalogError(message: "job catalog \(file): \(Self.describe(error))")
        } catch let error as YamlError {
            // Yams' own text quotes the offending line; the position is enough.
            throw CatalogError(message: "job catalog \(file): invalid YAML\(Self.position(error))")
        } catch {
            throw CatalogError(message: "job catalog \(file): not a job definition")
        }
        if let problem = job.problem { throw CatalogError(message: "job catalog \(file): \(problem)") }
        return job
    }

    /// Which field is wrong, never the value found there.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "(top level)" : keys.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context)): missing \(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "\(path(context)): wrong type"
        case .dataCorrupted(let context):
            if let yaml = context.underlyingError as? YamlError { return "invalid YAML" + position(yaml) }
            return "\(path(context)): not readable"
        @unknown default: return "not a job definition"
        }
    }

    private static func position(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return " at line \(mark.line), column \(mark.column)"
        default:
            return ""
        }
    }

    /// The definition of `name`; throws naming the catalog when there is none.
    public func definition(_ name: String) throws -> JobDefinition {
        guard let job = jobs[name] else {
            throw CatalogError(message: "job '\(name)' is not in the job catalog (\(origin); known: \(jobs.keys.sorted().joined(separator: ", ")))")
        }
        return job
    }

    public struct CatalogError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }
}
