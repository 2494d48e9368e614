import Foundation

/// The single operator (admin) key that manages tenants. Only its SHA-256 is stored.
public protocol AdminKeyStore: Sendable {
    /// Makes sure an admin key exists, at start-up.
    /// - Parameter configured: the key from `FRONTDESK_ADMIN_KEY`, if set. Its hash replaces any stored one.
    /// - Returns: a newly generated key, in plain text, when none was configured and none was stored yet: the
    ///   caller prints it once. Otherwise nil.
    /// - Throws: `RepositoryError.invalid` if `configured` is shorter than `AdminKey.minimumConfiguredLength`.
    func ensureAdminKey(configured: String?) async throws -> String?

    /// Whether `key` is the admin key.
    func verifyAdminKey(_ key: String) async throws -> Bool
}

/// Row of `admin_credentials` (at most one, id 1).
public struct AdminCredential: Codable, Sendable, Equatable {
    public var id: Int64 = 1
    /// Lower-case hex SHA-256 of the admin key.
    public var keyHash: String
    public var createdAt: Date

    /// A configured admin key must be at least this long: it guards every tenant.
    public static let minimumConfiguredLength = 16
}
