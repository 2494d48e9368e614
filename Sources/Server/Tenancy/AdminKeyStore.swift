import Foundation
import GRDB

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
public struct AdminCredential: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "admin_credentials"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var id: Int64 = 1
    /// Lower-case hex SHA-256 of the admin key.
    public var keyHash: String
    public var createdAt: Date

    /// A configured admin key must be at least this long: it guards every tenant.
    public static let minimumConfiguredLength = 16
}

/// `AdminKeyStore` on the app's SQLite database.
public struct GRDBAdminKeyStore: AdminKeyStore {
    private let database: AppDatabase
    private let now: @Sendable () -> Date

    public init(database: AppDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    public func ensureAdminKey(configured: String?) async throws -> String? {
        let timestamp = now()
        if let configured, !configured.isEmpty {
            guard configured.count >= AdminCredential.minimumConfiguredLength else {
                throw RepositoryError.invalid(
                    "FRONTDESK_ADMIN_KEY must be at least \(AdminCredential.minimumConfiguredLength) characters")
            }
            let hash = KeyHashing.sha256Hex(configured)
            try await database.dbPool.write { db in
                try db.execute(sql: """
                    INSERT INTO admin_credentials (id, key_hash, created_at) VALUES (1, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET key_hash = excluded.key_hash, created_at = excluded.created_at
                    WHERE key_hash <> excluded.key_hash
                    """, arguments: [hash, timestamp])
            }
            return nil
        }

        let generated = SecretKeyGenerator.make(prefix: SecretKeyGenerator.adminKeyPrefix)
        let credential = AdminCredential(keyHash: KeyHashing.sha256Hex(generated), createdAt: timestamp)
        // Check and insert in one write transaction, so two processes starting together cannot both generate.
        let stored = try await database.dbPool.write { db in
            if try AdminCredential.exists(db, key: 1) { return false }
            try credential.insert(db)
            return true
        }
        return stored ? generated : nil
    }

    public func verifyAdminKey(_ key: String) async throws -> Bool {
        let presentedHash = KeyHashing.sha256Hex(key)
        guard let stored = try await database.dbPool.read({ db in try AdminCredential.fetchOne(db, key: 1) }) else {
            return false
        }
        return KeyHashing.constantTimeEquals(stored.keyHash, presentedHash)
    }
}
