import Foundation
import GRDB

/// `LeaseRepository` on the `leases` table. One process uses a SQLite database, so there is never a second node to
/// hand a lease to; it keeps the same rules as the PostgreSQL one so both pass one contract.
struct GRDBLeaseRepository: LeaseRepository {
    let database: AppDatabase

    /// One upsert: a free name is inserted; a held one is taken over only if `holder` already holds it or it expired.
    func acquire(name: String, holder: String, ttl: Duration, now: Date) async throws -> Bool {
        let expiresAt = now.addingTimeInterval(try Self.validatedSeconds(name: name, holder: holder, ttl: ttl))
        return try await database.dbPool.write { db in
            try db.execute(sql: """
                INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE leases.holder = excluded.holder OR leases.expires_at <= ?
                """, arguments: [name, holder, expiresAt, now])
            return db.changesCount > 0
        }
    }

    func release(name: String, holder: String) async throws {
        try await database.dbPool.write { db in
            try db.execute(sql: "DELETE FROM leases WHERE name = ? AND holder = ?", arguments: [name, holder])
        }
    }
}
