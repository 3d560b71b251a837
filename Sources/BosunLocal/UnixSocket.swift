import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One request and its whole answer over a Unix stream socket (haproxy's admin and master
/// sockets close the connection after answering a single command).
enum UnixSocket {
    static func request(_ path: String, _ line: String, timeout: TimeInterval = 5) throws -> String {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LocalError.retryable("SocketFailed", "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            throw LocalError.terminal("SocketPath", "socket path too long (\(bytes.count) bytes): \(path)")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw LocalError.retryable("SocketFailed", "cannot connect to \(path): \(String(cString: strerror(errno)))") }
        let payload = Array((line.hasSuffix("\n") ? line : line + "\n").utf8)
        guard send(fd, payload, payload.count, Int32(MSG_NOSIGNAL)) == payload.count else {
            throw LocalError.retryable("SocketFailed", "cannot write to \(path)")
        }
        var answer = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            answer += buffer[0..<n]
        }
        return String(decoding: answer, as: UTF8.self)
    }
}
