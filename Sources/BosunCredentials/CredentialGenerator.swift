import BosunModel
import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// Generates credential values with swift-crypto (keys, randomness) and swift-certificates
/// (X.509): ECDSA P-256 keys by default, RSA-2048 for `rsa`, `ssh` and certificates with
/// `key_type: rsa-2048`. Pure apart from the system's random source and `now`.
public struct CredentialGenerator: Sendable {
    /// Length of generated passwords: 32 characters of `[A-Za-z0-9]` (about 190 bits).
    public static let passwordLength = 32
    static let passwordAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    /// The clock a certificate's validity starts from.
    public var now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date = { Date() }) { self.now = now }

    /// Generates every variable of `variables` missing from `existing`, CAs before the
    /// certificates they sign, and returns only the new ones. Existing values are never replaced.
    /// Throws `CredentialError` if a key or certificate cannot be built or an existing CA cannot
    /// be read back (the spec reader has already ruled out undefined CAs and cycles).
    public func generateMissing(
        _ variables: [VariableSpec], existing: [String: GeneratedCredential]
    ) throws -> [GeneratedCredential] {
        var known = existing
        var out: [GeneratedCredential] = []
        for variable in Self.signingOrder(variables) where known[variable.name] == nil {
            let signer = variable.certificate?.ca.flatMap { known[$0] }
            let credential = try generate(variable, signer: signer)
            known[variable.name] = credential
            out.append(credential)
        }
        return out
    }

    /// Variables ordered so a CA always comes before what it signs (declaration order otherwise).
    public static func signingOrder(_ variables: [VariableSpec]) -> [VariableSpec] {
        let byName = Dictionary(variables.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        func depth(_ v: VariableSpec) -> Int {
            var d = 0
            var seen: Set<String> = [v.name]
            var current = v.certificate?.ca
            while let name = current, name != v.name, seen.insert(name).inserted, d < variables.count {
                d += 1
                current = byName[name]?.certificate?.ca
            }
            return d
        }
        return variables.enumerated().sorted { (depth($0.element), $0.offset) < (depth($1.element), $1.offset) }.map(\.element)
    }

    /// One new version of `variable`. A certificate other than a root CA needs its CA's current
    /// version as `signer`. Throws `CredentialError` if it cannot be built.
    public func generate(_ variable: VariableSpec, signer: GeneratedCredential?) throws -> GeneratedCredential {
        switch variable.type {
        case .password:
            return GeneratedCredential(
                name: variable.name, type: .password, ca: nil, notBefore: nil, notAfter: nil, fingerprint: nil,
                secret: SecretFields(["password": Self.password()]))
        case .rsa, .ssh:
            return try keyPair(variable)
        case .certificate:
            guard let options = variable.certificate else {
                throw CredentialError("certificate '\(variable.name)' has no options")
            }
            return try certificate(variable.name, options, signer: signer)
        }
    }

    static func password() -> String {
        var rng = SystemRandomNumberGenerator()
        return String((0..<passwordLength).map { _ in passwordAlphabet.randomElement(using: &rng)! })
    }

    func keyPair(_ variable: VariableSpec) throws -> GeneratedCredential {
        let key: _RSA.Signing.PrivateKey
        do {
            key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        } catch {
            throw CredentialError("cannot generate an RSA key for '\(variable.name)'")
        }
        let publicDER = key.publicKey.derRepresentation
        var fields = ["private_key": Self.pem(key.pemRepresentation), "public_key": Self.pem(key.publicKey.pemRepresentation)]
        if variable.type == .ssh {
            let blob = try SSHPublicKey.blob(key.publicKey)
            fields["public_key"] = "ssh-rsa " + Data(blob).base64EncodedString()
            var digest = Data(SHA256.hash(data: blob)).base64EncodedString()
            while digest.hasSuffix("=") { digest.removeLast() }
            fields["public_key_fingerprint"] = "SHA256:" + digest
        }
        return GeneratedCredential(
            name: variable.name, type: variable.type, ca: nil, notBefore: nil, notAfter: nil,
            fingerprint: Self.hex(SHA256.hash(data: publicDER)), secret: SecretFields(fields))
    }

    func certificate(_ name: String, _ options: CertificateOptions, signer: GeneratedCredential?) throws -> GeneratedCredential {
        do {
            let (privateKey, privatePEM) = try Self.newKey(options.keyType)
            let publicKey = privateKey.publicKey
            let subject = try DistinguishedName {
                if let organization = options.organization { OrganizationName(organization) }
                CommonName(options.commonName)
            }
            let start = Date(timeIntervalSince1970: now().timeIntervalSince1970.rounded(.down))
            let end = start.addingTimeInterval(TimeInterval(options.durationDays) * 86_400)
            let selfSigned = options.ca == nil || options.ca == name
            var issuerName = subject
            var issuerKey = privateKey
            var authorityKeyID = SubjectKeyIdentifier(hash: publicKey).keyIdentifier
            var caPEM: String
            if selfSigned {
                caPEM = ""
            } else {
                guard let signer, let caCertPEM = signer.secret["certificate"], let caKeyPEM = signer.secret["private_key"]
                else { throw CredentialError("CA '\(options.ca ?? "")' of '\(name)' has no current version") }
                let caCert = try Certificate(pemEncoded: caCertPEM)
                issuerName = caCert.subject
                issuerKey = try Certificate.PrivateKey(pemEncoded: caKeyPEM)
                authorityKeyID = SubjectKeyIdentifier(hash: caCert.publicKey).keyIdentifier
                caPEM = caCertPEM
            }
            let extensions = try Self.extensions(options, publicKey: publicKey, authorityKeyID: authorityKeyID)
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey, notValidBefore: start,
                notValidAfter: end, issuer: issuerName, subject: subject, extensions: extensions,
                issuerPrivateKey: issuerKey)
            let certificatePEM = Self.pem(try certificate.serializeAsPEM().pemString)
            if selfSigned { caPEM = certificatePEM }
            var der = DER.Serializer()
            try der.serialize(certificate)
            return GeneratedCredential(
                name: name, type: .certificate, ca: selfSigned ? name : options.ca, notBefore: start, notAfter: end,
                fingerprint: Self.hex(SHA256.hash(data: der.serializedBytes)),
                secret: SecretFields(["certificate": certificatePEM, "private_key": privatePEM, "ca": caPEM]))
        } catch let error as CredentialError {
            throw error
        } catch {
            throw CredentialError("cannot build certificate '\(name)': \(type(of: error))")
        }
    }

    static func newKey(_ type: CertificateOptions.KeyType) throws -> (Certificate.PrivateKey, String) {
        switch type {
        case .ecdsa:
            let key = P256.Signing.PrivateKey()
            return (Certificate.PrivateKey(key), pem(key.pemRepresentation))
        case .rsa:
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            return (Certificate.PrivateKey(key), pem(key.pemRepresentation))
        }
    }

    static func extensions(
        _ options: CertificateOptions, publicKey: Certificate.PublicKey, authorityKeyID: ArraySlice<UInt8>
    ) throws -> Certificate.Extensions {
        var usage = KeyUsage()
        let requested = options.keyUsage.isEmpty
            ? (options.isCA ? [.keyCertSign, .crlSign] : [.digitalSignature, .keyEncipherment]) : options.keyUsage
        for u in requested {
            switch u {
            case .digitalSignature: usage.digitalSignature = true
            case .nonRepudiation: usage.nonRepudiation = true
            case .keyEncipherment: usage.keyEncipherment = true
            case .dataEncipherment: usage.dataEncipherment = true
            case .keyAgreement: usage.keyAgreement = true
            case .keyCertSign: usage.keyCertSign = true
            case .crlSign: usage.cRLSign = true
            case .encipherOnly: usage.encipherOnly = true
            case .decipherOnly: usage.decipherOnly = true
            }
        }
        let names = try options.alternativeNames.map(Self.generalName)
        let ekus: [ExtendedKeyUsage.Usage] = options.extendedKeyUsage.map {
            switch $0 {
            case .clientAuth: .clientAuth
            case .serverAuth: .serverAuth
            }
        }
        return try Certificate.Extensions {
            Critical(options.isCA ? BasicConstraints.isCertificateAuthority(maxPathLength: nil) : .notCertificateAuthority)
            Critical(usage)
            SubjectKeyIdentifier(hash: publicKey)
            AuthorityKeyIdentifier(keyIdentifier: authorityKeyID)
            if !names.isEmpty { SubjectAlternativeNames(names) }
            if !ekus.isEmpty { try ExtendedKeyUsage(ekus) }
        }
    }

    /// An IP address SAN for a literal IPv4 or IPv6 address, a DNS name otherwise.
    static func generalName(_ text: String) throws -> GeneralName {
        if let bytes = IPAddressBytes.parse(text) {
            return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes)))
        }
        return .dnsName(text)
    }

    /// PEM text ending in a newline, as files and `openssl` write it.
    static func pem(_ text: String) -> String { text.hasSuffix("\n") ? text : text + "\n" }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
