import Foundation
import GRDB

/// `PanelSessionRepository` on the app's SQLite database.
public struct GRDBPanelSessionRepository: PanelSessionRepository {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    public func create(_ session: PanelSession) async throws {
        try await translatingConstraintErrors {
            try await database.dbPool.write { db in try PanelRows.insert(db, session) }
        }
    }

    public func session(idHash: String, now: Date) async throws -> (session: PanelSession, user: PanelUser)? {
        try await database.dbPool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM panel_sessions WHERE id_hash = ? AND expires_at > ?",
                                             arguments: [idHash, now]) else { return nil }
            let session = PanelRows.session(row)
            // The index lookup matched; confirm with a comparison whose timing reveals nothing.
            guard KeyHashing.constantTimeEquals(session.idHash, idHash),
                  let user = try Row.fetchOne(db, sql: "SELECT * FROM users WHERE id = ?", arguments: [session.userId])
                      .map(PanelRows.user)
            else { return nil }
            return (session, user)
        }
    }

    public func touch(idHash: String, lastSeenAt: Date, expiresAt: Date) async throws {
        try await database.dbPool.write { db in
            try db.execute(sql: "UPDATE panel_sessions SET last_seen_at = ?, expires_at = ? WHERE id_hash = ?",
                           arguments: [lastSeenAt, expiresAt, idHash])
        }
    }

    public func delete(idHash: String) async throws {
        try await database.dbPool.write { db in
            try db.execute(sql: "DELETE FROM panel_sessions WHERE id_hash = ?", arguments: [idHash])
        }
    }

    public func deleteAll(userId: String) async throws -> Int {
        try await database.dbPool.write { db in
            try db.execute(sql: "DELETE FROM panel_sessions WHERE user_id = ?", arguments: [userId])
            return db.changesCount
        }
    }

    public func deleteExpired(before date: Date) async throws -> Int {
        try await database.dbPool.write { db in
            try db.execute(sql: "DELETE FROM panel_sessions WHERE expires_at <= ?", arguments: [date])
            return db.changesCount
        }
    }
}
