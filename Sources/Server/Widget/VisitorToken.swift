import Crypto
import Foundation

/// The short-lived credential a widget holds for one conversation: who issued it (business, publishable key), for
/// whom (the visitor, the conversation) and where (the page's origin), until when. HMAC-SHA256 signed with the key's
/// own secret, so revoking the key (a rotation) ends every token it issued, and any node that can read the key can
/// check a token (nothing is kept in memory).
///
/// Wire form: `v1.<claims>.<signature>`, both base64url without padding; the claims are JSON with short keys. A
/// token is not encrypted: it names nothing the widget does not already know.
public struct VisitorToken: Sendable, Equatable {
    public var businessId: String
    /// The ``WidgetKey`` id that issued it.
    public var keyId: String
    public var visitorId: String
    public var conversationId: String
    /// The normalised origin of the page it was issued to.
    public var origin: String
    public var issuedAt: Date
    public var expiresAt: Date

    /// How long a token lives: long enough for a visit, short enough that a copied token soon stops working.
    /// (At most 24 hours, by the rule.)
    public static let lifetime: TimeInterval = 2 * 3600

    public init(businessId: String, keyId: String, visitorId: String, conversationId: String, origin: String,
                issuedAt: Date, expiresAt: Date) {
        self.businessId = businessId
        self.keyId = keyId
        self.visitorId = visitorId
        self.conversationId = conversationId
        self.origin = origin
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }

    private struct Claims: Codable {
        var b: String
        var k: String
        var v: String
        var c: String
        var o: String
        var iat: Int64
        var exp: Int64
    }

    static let version = "v1"

    /// The token, signed with `secret` (a key's `tokenSecret`).
    public func signed(secret: String) -> String {
        let claims = Claims(b: businessId, k: keyId, v: visitorId, c: conversationId, o: origin,
                            iat: Int64(issuedAt.timeIntervalSince1970.rounded(.down)),
                            exp: Int64(expiresAt.timeIntervalSince1970.rounded(.down)))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Plain strings and integers: encoding cannot fail.
        let body = Self.version + "." + Self.base64URL(try! encoder.encode(claims))
        return body + "." + Self.base64URL(Self.signature(of: body, secret: secret))
    }

    /// What a token says, before its signature is checked: only to find the key whose secret checks it.
    /// Nil when it is not a token of this shape.
    public static func unverified(_ token: String) -> VisitorToken? {
        guard token.utf8.count <= 2048 else { return nil }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == version, let json = base64URLDecode(parts[1]),
              let claims = try? JSONDecoder().decode(Claims.self, from: json) else { return nil }
        return VisitorToken(businessId: claims.b, keyId: claims.k, visitorId: claims.v, conversationId: claims.c,
                            origin: claims.o, issuedAt: Date(timeIntervalSince1970: TimeInterval(claims.iat)),
                            expiresAt: Date(timeIntervalSince1970: TimeInterval(claims.exp)))
    }

    /// Whether `token`'s signature is the one `secret` makes, compared in constant time.
    public static func hasValidSignature(_ token: String, secret: String) -> Bool {
        guard let dot = token.lastIndex(of: ".") else { return false }
        let body = String(token[..<dot])
        guard let presented = base64URLDecode(token[token.index(after: dot)...]) else { return false }
        return KeyHashing.constantTimeEquals(Array(presented), Array(signature(of: body, secret: secret)))
    }

    private static func signature(of body: String, secret: String) -> Data {
        let key = SymmetricKey(data: Data(secret.utf8))
        return Data(HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: key))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func base64URLDecode(_ text: some StringProtocol) -> Data? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
