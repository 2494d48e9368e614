import Foundation
import PostgresNIO

/// `LeaseRepository` on PostgreSQL, shared by every node.
struct PostgresLeaseRepository: LeaseRepository {
    let database: PGDatabase

    /// One statement, so two nodes asking at once cannot both win: a free name is inserted; a held one is taken
    /// over only if `holder` already holds it or it expired. When two nodes insert the same free name together, the
    /// second waits for the first's row and then checks it against the `WHERE` (READ COMMITTED re-reads the row
    /// the conflict locked), so it loses unless the winner's lease already expired.
    func acquire(name: String, holder: String, ttl: Duration, now: Date) async throws -> Bool {
        let expiresAt = now.addingTimeInterval(try Self.validatedSeconds(name: name, holder: holder, ttl: ttl))
        let logger = database.logger
        let holders = try await database.write { connection in
            try await connection.query("""
                INSERT INTO leases (name, holder, expires_at) VALUES (\(name), \(holder), \(expiresAt))
                ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE leases.holder = excluded.holder OR leases.expires_at <= \(now)
                RETURNING holder
                """, logger: logger).all(String.self)
        }
        return holders == [holder]
    }

    func release(name: String, holder: String) async throws {
        let logger = database.logger
        try await database.write { connection in
            _ = try await connection.query(
                "DELETE FROM leases WHERE name = \(name) AND holder = \(holder)", logger: logger)
        }
    }
}
