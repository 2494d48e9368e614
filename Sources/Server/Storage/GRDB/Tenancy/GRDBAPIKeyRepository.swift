import Foundation
import GRDB

/// `APIKeyRepository` on the app's SQLite database.
public struct GRDBAPIKeyRepository: APIKeyRepository {
    private let database: AppDatabase
    private let now: @Sendable () -> Date

    public init(database: AppDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    public func rotate(businessId: String) async throws -> String {
        let businessId = businessId.lowercased()
        let plaintext = SecretKeyGenerator.make(prefix: SecretKeyGenerator.apiKeyPrefix)
        let timestamp = now()
        let key = APIKey(
            id: UUID().uuidString.lowercased(), businessId: businessId,
            keyHash: KeyHashing.sha256Hex(plaintext),
            prefix: String(plaintext.prefix(APIKey.displayPrefixLength)),
            createdAt: timestamp, revokedAt: nil)

        try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard try Business.exists(db, key: businessId) else { throw RepositoryError.notFound }
                try db.execute(sql: """
                    UPDATE api_keys SET revoked_at = ? WHERE business_id = ? AND revoked_at IS NULL
                    """, arguments: [timestamp, businessId])
                try key.insert(db)
            }
        }
        return plaintext
    }

    public func authenticate(_ key: String) async throws -> Business? {
        guard SecretKeyGenerator.looksLikeAPIKey(key) else { return nil }
        let presentedHash = KeyHashing.sha256Hex(key)
        return try await database.dbPool.read { db in
            guard let stored = try APIKey
                .filter(Column("key_hash") == presentedHash && Column("revoked_at") == nil)
                .fetchOne(db)
            else { return nil }
            // The index lookup already matched, but a hash found by a B-tree search compares bytes with
            // early exit; confirm with a comparison whose timing reveals nothing before trusting it.
            guard KeyHashing.constantTimeEquals(stored.keyHash, presentedHash) else { return nil }
            return try Business.fetchOne(db, key: stored.businessId)
        }
    }

    public func keys(businessId: String) async throws -> [APIKey] {
        try await database.dbPool.read { db in
            try APIKey.filter(Column("business_id") == businessId.lowercased())
                .order(Column("created_at").desc, Column("id"))
                .fetchAll(db)
        }
    }
}
