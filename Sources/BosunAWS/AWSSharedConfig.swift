import Foundation

/// The shared credentials and config files (`~/.aws/credentials`, `~/.aws/config`, or
/// `AWS_SHARED_CREDENTIALS_FILE` / `AWS_CONFIG_FILE`): INI sections of `key = value`. In the
/// config file a profile's section is `[profile NAME]` (the default is `[default]`).
struct AWSSharedConfig: Sendable {
    /// Section name → key → value, keys lower-cased.
    var sections: [String: [String: String]]

    init(sections: [String: [String: String]] = [:]) { self.sections = sections }

    /// Parses INI text; comments start with `#` or `;`, values are trimmed.
    init(parsing text: String) {
        var sections: [String: [String: String]] = [:]
        var current: String?
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                let name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                current = name
                sections[name, default: [:]] = sections[name] ?? [:]
                continue
            }
            // Nested sub-sections (indented lines such as `s3 =` blocks) are not used by Bosun.
            if raw.first == " " || raw.first == "\t" { continue }
            guard let current, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            sections[current, default: [:]][key] = value
        }
        self.sections = sections
    }

    /// Reads a file; a missing or unreadable file is an empty configuration.
    static func load(path: String) -> AWSSharedConfig {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return AWSSharedConfig() }
        return AWSSharedConfig(parsing: text)
    }

    /// A profile's values from the credentials file (section `NAME`).
    func credentialsProfile(_ name: String) -> [String: String]? { sections[name] }

    /// A profile's values from the config file (`[default]` or `[profile NAME]`).
    func configProfile(_ name: String) -> [String: String]? {
        name == "default" ? (sections["default"] ?? sections["profile default"]) : sections["profile \(name)"]
    }
}
