import Crypto
import Foundation
import NIOCore

/// The address a widget request comes from, for counting new conversations per client. The peer's address, unless
/// the peer is one of the operator's trusted proxies (`FRONTDESK_TRUSTED_PROXIES`): then the right-most address
/// of `X-Forwarded-For` that is not itself a trusted proxy — never one a client could have written further left.
/// Without trusted proxies `X-Forwarded-For` is ignored (any client can send it).
public struct ClientAddressResolver: Sendable {
    /// Normalised IP addresses of the reverse proxies in front of this server.
    let trustedProxies: Set<String>

    public init(trustedProxies: [String]) {
        self.trustedProxies = Set(trustedProxies.compactMap(Self.normalizedIP))
    }

    /// The client's address as text, or nil when unknown (no peer address, as in in-process tests).
    public func client(peer: String?, forwardedFor: String?) -> String? {
        guard let peer = peer.flatMap(Self.normalizedIP) else { return nil }
        guard trustedProxies.contains(peer), let forwardedFor else { return peer }
        let hops = forwardedFor.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            guard let address = Self.normalizedIP(hop) else { return peer }  // garbage: trust nothing left of it
            if !trustedProxies.contains(address) { return address }
        }
        return peer
    }

    /// What conversations are counted by: an IPv4 address, or an IPv6 address's /64 (one subscriber's network —
    /// a single IPv6 host can use any address of it); `unknown` when there is no address.
    public static func limitKey(_ address: String?) -> String {
        guard let address else { return "unknown" }
        if let v6 = try? SocketAddress(ipAddress: address, port: 0), case .v6(let ipv6) = v6 {
            let bytes = withUnsafeBytes(of: ipv6.address.sin6_addr) { Array($0.prefix(8)) }
            return bytes.map { String(format: "%02x", $0) }.joined() + "::/64"
        }
        return address
    }

    /// The SHA-256 (hex) of a limit key: what is stored, so the database holds no addresses in the clear.
    public static func hash(_ limitKey: String) -> String {
        SHA256.hash(data: Data(("widget-client:" + limitKey).utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// `text` as NIO prints the address it parses (IPv4 dotted, IPv6 compressed lower case), or nil when it is not an IP
    /// address.
    static func normalizedIP(_ text: String) -> String? {
        var text = text.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") { text = String(text[text.index(after: text.startIndex)..<close]) }
        guard let address = try? SocketAddress(ipAddress: text, port: 0) else { return nil }
        return address.ipAddress
    }
}
