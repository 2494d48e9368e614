import Foundation

/// A tenant's API key as stored: only its hash and a display prefix, never the key itself. Row of `api_keys`.
public struct APIKey: Codable, Sendable, Equatable, Identifiable {
    /// Lower-case UUID.
    public var id: String
    public var businessId: String
    /// Lower-case hex SHA-256 of the key (`KeyHashing.sha256Hex`).
    public var keyHash: String
    /// The key's first characters, to tell keys apart in a listing: `fd_live_` plus 8 random characters
    /// (the first 8 characters alone would be the constant `fd_live_`).
    public var prefix: String
    public var createdAt: Date
    /// When the key was revoked; a revoked key never authenticates again.
    public var revokedAt: Date?

    /// Characters of the key kept in `prefix`.
    public static let displayPrefixLength = SecretKeyGenerator.apiKeyPrefix.count + 8

    public var isActive: Bool { revokedAt == nil }
}
