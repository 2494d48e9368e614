import Foundation
import PostgresNIO

/// `APIKeyRepository` on PostgreSQL.
struct PostgresAPIKeyRepository: APIKeyRepository {
    let database: PGDatabase
    let now: @Sendable () -> Date

    func rotate(businessId: String) async throws -> String {
        let businessId = businessId.lowercased()
        let plaintext = SecretKeyGenerator.make(prefix: SecretKeyGenerator.apiKeyPrefix)
        let timestamp = now()
        let hash = KeyHashing.sha256Hex(plaintext)
        let prefix = String(plaintext.prefix(APIKey.displayPrefixLength))
        let logger = database.logger
        try await database.write { connection in
            // Locks the business row: two rotations of one business run one after the other.
            let found = try await connection.query(
                "SELECT id FROM businesses WHERE id = \(businessId) FOR UPDATE", logger: logger).all(String.self)
            guard !found.isEmpty else { throw RepositoryError.notFound }
            try await connection.query("""
                UPDATE api_keys SET revoked_at = \(timestamp) WHERE business_id = \(businessId) AND revoked_at IS NULL
                """, logger: logger)
            try await connection.query("""
                INSERT INTO api_keys (id, business_id, key_hash, prefix, created_at, revoked_at)
                VALUES (\(UUID().uuidString.lowercased()), \(businessId), \(hash), \(prefix), \(timestamp), NULL)
                """, logger: logger)
        }
        return plaintext
    }

    func authenticate(_ key: String) async throws -> Business? {
        guard SecretKeyGenerator.looksLikeAPIKey(key) else { return nil }
        let presentedHash = KeyHashing.sha256Hex(key)
        let logger = database.logger
        return try await database.read { connection in
            let stored = try await connection.query("""
                SELECT key_hash, business_id FROM api_keys WHERE key_hash = \(presentedHash) AND revoked_at IS NULL
                """, logger: logger).all((String, String).self)
            // The index lookup already matched; confirm with a comparison whose timing reveals nothing.
            guard let (storedHash, businessId) = stored.first,
                  KeyHashing.constantTimeEquals(storedHash, presentedHash) else { return nil }
            return try await PostgresBusinessRepository.fetch(connection, id: businessId, logger: logger)
        }
    }

    func keys(businessId: String) async throws -> [APIKey] {
        let logger = database.logger
        return try await database.read { connection in
            try await connection.query("""
                SELECT id, business_id, key_hash, prefix, created_at, revoked_at FROM api_keys
                WHERE business_id = \(businessId.lowercased()) ORDER BY created_at DESC, id
                """, logger: logger).all((String, String, String, String, Date, Date?).self)
                .map { APIKey(id: $0.0, businessId: $0.1, keyHash: $0.2, prefix: $0.3, createdAt: $0.4, revokedAt: $0.5) }
        }
    }
}
