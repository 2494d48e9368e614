import Foundation
import PostgresNIO

/// `AdminKeyStore` on PostgreSQL.
struct PostgresAdminKeyStore: AdminKeyStore {
    let database: PGDatabase
    let now: @Sendable () -> Date

    func ensureAdminKey(configured: String?) async throws -> String? {
        let timestamp = now()
        let logger = database.logger
        if let configured, !configured.isEmpty {
            guard configured.count >= AdminCredential.minimumConfiguredLength else {
                throw RepositoryError.invalid(
                    "FRONTDESK_ADMIN_KEY must be at least \(AdminCredential.minimumConfiguredLength) characters")
            }
            let hash = KeyHashing.sha256Hex(configured)
            try await database.write { connection in
                try await connection.query("""
                    INSERT INTO admin_credentials (id, key_hash, created_at) VALUES (1, \(hash), \(timestamp))
                    ON CONFLICT (id) DO UPDATE SET key_hash = excluded.key_hash, created_at = excluded.created_at
                    WHERE admin_credentials.key_hash <> excluded.key_hash
                    """, logger: logger)
            }
            return nil
        }
        let generated = SecretKeyGenerator.make(prefix: SecretKeyGenerator.adminKeyPrefix)
        let hash = KeyHashing.sha256Hex(generated)
        // One statement: of several nodes starting together, exactly one inserts (and shows its key).
        let inserted = try await database.write { connection in
            try await connection.query("""
                INSERT INTO admin_credentials (id, key_hash, created_at) VALUES (1, \(hash), \(timestamp))
                ON CONFLICT (id) DO NOTHING RETURNING id
                """, logger: logger).all(Int32.self)
        }
        return inserted.isEmpty ? nil : generated
    }

    func verifyAdminKey(_ key: String) async throws -> Bool {
        let presentedHash = KeyHashing.sha256Hex(key)
        let logger = database.logger
        let stored = try await database.read { connection in
            try await connection.query("SELECT key_hash FROM admin_credentials WHERE id = 1", logger: logger).all(String.self)
        }
        guard let hash = stored.first else { return false }
        return KeyHashing.constantTimeEquals(hash, presentedHash)
    }
}
