import Foundation
import GRDB

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
