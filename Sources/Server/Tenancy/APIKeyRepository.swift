/// Storage and checking of tenant API keys.
public protocol APIKeyRepository: Sendable {
    /// Revokes every active key of the business and issues a new one, in one transaction.
    /// - Returns: the new key in plain text. It is not stored and cannot be recovered: show it once.
    /// - Throws: `RepositoryError.notFound` if the business does not exist.
    func rotate(businessId: String) async throws -> String

    /// The business whose active key `key` is, or nil for an unknown, malformed or revoked key.
    /// A suspended business is returned too: the caller checks `status` (403 rather than 401).
    func authenticate(_ key: String) async throws -> Business?

    /// The business's keys, newest first, active and revoked (hashes and prefixes only).
    func keys(businessId: String) async throws -> [APIKey]
}
