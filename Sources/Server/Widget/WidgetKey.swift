import Foundation

/// A business's publishable key for the web chat widget, as stored. Row of `widget_keys`.
///
/// Publishable keys (`pk_…`) are public by design: they sit in the business's web pages. What one grants is
/// narrow — starting and holding widget conversations, from the origins the business allows — and it is never
/// accepted where an API key is, nor an API key here. Each key has its own secret that signs the visitor tokens
/// it issues; rotating the key revokes it, and with it every token it issued.
public struct WidgetKey: Sendable, Equatable, Identifiable {
    /// Lower-case UUID.
    public var id: String
    public var businessId: String
    /// `pk_` + 32 base62 characters.
    public var key: String
    /// 64 hex digits (256 random bits): the HMAC-SHA256 key of this key's visitor tokens. Never shown.
    public var tokenSecret: String
    public var createdAt: Date
    /// When a rotation replaced it; a revoked key starts nothing and its tokens are refused.
    public var revokedAt: Date?

    public init(id: String, businessId: String, key: String, tokenSecret: String, createdAt: Date, revokedAt: Date? = nil) {
        self.id = id
        self.businessId = businessId
        self.key = key
        self.tokenSecret = tokenSecret
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    /// A new active key for `businessId`, with a fresh secret.
    public static func make(businessId: String, at timestamp: Date) -> WidgetKey {
        WidgetKey(id: UUID().uuidString.lowercased(), businessId: businessId,
                  key: SecretKeyGenerator.make(prefix: prefix), tokenSecret: randomHex(bytes: 32), createdAt: timestamp)
    }

    /// Prefix of publishable keys (API keys are `fd_live_…`).
    public static let prefix = "pk_"

    /// The key's first characters, to name it in logs and events without the whole key.
    public var displayPrefix: String { String(key.prefix(Self.prefix.count + 8)) }

    /// Whether `text` has the shape of a publishable key (a cheap check before any lookup).
    public static func looksLikeKey(_ text: String) -> Bool {
        guard text.hasPrefix(prefix), text.utf8.count == prefix.utf8.count + SecretKeyGenerator.randomLength else {
            return false
        }
        return text.utf8.dropFirst(prefix.utf8.count).allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
        }
    }

    /// `bytes` bytes from the system CSPRNG as lower-case hex.
    static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
