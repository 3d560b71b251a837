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
        } catch {
            throw CatalogError(message: "job catalog \(file): \(error)")
        }
        if let problem = job.problem { throw CatalogError(message: "job catalog \(file): \(problem)") }
        return job
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
