import Foundation
import Logging
import PostgresNIO

/// `PanelSessionRepository` on PostgreSQL.
struct PostgresPanelSessionRepository: PanelSessionRepository {
    let database: PGDatabase

    func create(_ session: PanelSession) async throws {
        let logger = database.logger
        try await database.write { try await Self.insert($0, session, logger: logger) }
    }

    func session(idHash: String, now: Date) async throws -> (session: PanelSession, user: PanelUser)? {
        let logger = database.logger
        return try await database.read { connection in
            let rows = try await connection.query("""
                SELECT id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at FROM panel_sessions
                WHERE id_hash = \(idHash) AND expires_at > \(now)
                """, logger: logger).all((String, String, String, Date, Date, Date).self)
            guard let row = rows.first else { return nil }
            let session = PanelSession(idHash: row.0, userId: row.1, csrfToken: row.2, createdAt: row.3, lastSeenAt: row.4,
                                       expiresAt: row.5)
            // The index lookup matched; confirm with a comparison whose timing reveals nothing.
            guard KeyHashing.constantTimeEquals(session.idHash, idHash),
                  let user = try await PostgresPanelUserRepository.user(connection, id: session.userId, logger: logger)
            else { return nil }
            return (session, user)
        }
    }

    func touch(idHash: String, lastSeenAt: Date, expiresAt: Date) async throws {
        let logger = database.logger
        try await database.read { connection in
            _ = try await connection.query("""
                UPDATE panel_sessions SET last_seen_at = \(lastSeenAt), expires_at = \(expiresAt) WHERE id_hash = \(idHash)
                """, logger: logger)
        }
    }

    func delete(idHash: String) async throws {
        let logger = database.logger
        try await database.read { connection in
            _ = try await connection.query("DELETE FROM panel_sessions WHERE id_hash = \(idHash)", logger: logger)
        }
    }

    func deleteAll(userId: String) async throws -> Int {
        let logger = database.logger
        return try await database.read { connection in
            try await connection.query("DELETE FROM panel_sessions WHERE user_id = \(userId) RETURNING id_hash",
                                       logger: logger).all(String.self).count
        }
    }

    func deleteExpired(before date: Date) async throws -> Int {
        let logger = database.logger
        return try await database.read { connection in
            try await connection.query("DELETE FROM panel_sessions WHERE expires_at <= \(date) RETURNING id_hash",
                                       logger: logger).all(String.self).count
        }
    }

    static func insert(_ connection: PostgresConnection, _ session: PanelSession, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO panel_sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)
            VALUES (\(session.idHash), \(session.userId), \(session.csrfToken), \(session.createdAt), \(session.lastSeenAt),
                    \(session.expiresAt))
            """, logger: logger)
    }
}
