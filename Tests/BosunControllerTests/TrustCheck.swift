import Foundation
import Synchronization

/// The rotation invariant, checked with `openssl` as an independent verifier: every
/// certificate any node presents verifies against every trust bundle any node holds for the
/// certificate's issuer (a bundle holds the issuer when one of its CAs has the certificate's
/// issuer as subject). Results are cached by content, so a check over many nodes costs a few
/// openssl runs per new certificate or bundle.
final class TrustCheck: Sendable {
    private let dir: String
    private let cache = Mutex<[String: Bool]>([:])
    private let names = Mutex<[String: String]>([:])

    init(dir: String) { self.dir = dir }

    /// The failures among `configs` (each a node's configuration JSON), as sentences.
    func failures(_ configs: [(vm: String, json: [String: Any])]) throws -> [String] {
        var certificates: [(vm: String, pem: String)] = []
        var bundles: [(vm: String, pem: String)] = []
        for (vm, json) in configs {
            walk(json["properties"] ?? [:]) { key, value in
                if key == "certificate" { certificates.append((vm, value)) }
                if key == "ca" { bundles.append((vm, value)) }
            }
        }
        var out: [String] = []
        for certificate in certificates {
            let issuer = try field(certificate.pem, "-issuer", prefix: "issuer=")
            for bundle in bundles {
                let subjects = try pems(bundle.pem).map { try field($0, "-subject", prefix: "subject=") }
                guard subjects.contains(issuer) else { continue }
                if try !verifies(certificate.pem, bundle.pem) {
                    out.append("a certificate of \(certificate.vm) (issuer \(issuer)) does not verify against a bundle \(bundle.vm) holds")
                }
            }
        }
        return out
    }

    private func walk(_ value: Any, _ visit: (String, String) -> Void) {
        if let map = value as? [String: Any] {
            for (key, child) in map {
                if let text = child as? String { visit(key, text) } else { walk(child, visit) }
            }
        } else if let list = value as? [Any] {
            for child in list { walk(child, visit) }
        }
    }

    private func pems(_ bundle: String) -> [String] {
        bundle.components(separatedBy: "-----END CERTIFICATE-----").filter { $0.contains("BEGIN CERTIFICATE") }
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) + "\n-----END CERTIFICATE-----\n" }
    }

    private func field(_ pem: String, _ flag: String, prefix: String) throws -> String {
        let key = flag + pem
        if let known = names.withLock({ $0[key] }) { return known }
        let (status, out) = try openssl(["x509", "-noout", flag, "-nameopt", "RFC2253"], input: pem)
        guard status == 0 else { throw TrustCheckError(message: "openssl x509 \(flag): \(out)") }
        let value = out.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: prefix, with: "")
        names.withLock { $0[key] = value }
        return value
    }

    private func verifies(_ pem: String, _ bundle: String) throws -> Bool {
        let key = pem + "\u{0}" + bundle
        if let known = cache.withLock({ $0[key] }) { return known }
        let path = dir + "/bundle-\(UUID().uuidString).pem"
        try Data(bundle.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (status, _) = try openssl(["verify", "-CAfile", path], input: pem)
        cache.withLock { $0[key] = status == 0 }
        return status == 0
    }

    private func openssl(_ args: [String], input: String) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = args
        let inPipe = Pipe(), outPipe = Pipe()
        process.standardInput = inPipe
        process.standardOutput = outPipe
        process.standardError = outPipe
        try process.run()
        inPipe.fileHandleForWriting.write(Data(input.utf8))
        try inPipe.fileHandleForWriting.close()
        let out = outPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self))
    }
}

struct TrustCheckError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
