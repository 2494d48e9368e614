import Foundation
import GRDB

/// `PanelUserRepository` on the app's SQLite database.
public struct GRDBPanelUserRepository: PanelUserRepository {
    let database: AppDatabase
    let now: @Sendable () -> Date

    public init(database: AppDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    public func create(email: String, passwordHash: String, businessId: String, role: PanelRole) async throws -> PanelUser {
        let timestamp = now()
        let user = PanelUser(id: UUID().uuidString.lowercased(), email: email, passwordHash: passwordHash,
                             createdAt: timestamp, passwordChangedAt: timestamp)
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard try Business.exists(db, key: businessId) else { throw RepositoryError.notFound }
                if try PanelRows.user(db, email: email) != nil {
                    throw RepositoryError.conflict("\(email) already has an account")
                }
                try db.execute(sql: """
                    INSERT INTO users (id, email, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?)
                    """, arguments: [user.id, user.email, user.passwordHash, timestamp, timestamp])
                try db.execute(sql: "INSERT INTO memberships (user_id, business_id, role, created_at) VALUES (?, ?, ?, ?)",
                               arguments: [user.id, businessId, role.rawValue, timestamp])
                return user
            }
        }
    }

    public func addMembership(userId: String, businessId: String, role: PanelRole) async throws {
        let timestamp = now()
        try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard try Business.exists(db, key: businessId),
                      try Int.fetchOne(db, sql: "SELECT count(*) FROM users WHERE id = ?", arguments: [userId])! > 0
                else { throw RepositoryError.notFound }
                if try Int.fetchOne(db, sql: "SELECT count(*) FROM memberships WHERE user_id = ? AND business_id = ?",
                                    arguments: [userId, businessId])! > 0 {
                    throw RepositoryError.conflict("already a member of this business")
                }
                try db.execute(sql: "INSERT INTO memberships (user_id, business_id, role, created_at) VALUES (?, ?, ?, ?)",
                               arguments: [userId, businessId, role.rawValue, timestamp])
            }
        }
    }

    public func user(id: String) async throws -> PanelUser? {
        try await database.dbPool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM users WHERE id = ?", arguments: [id]).map(PanelRows.user)
        }
    }

    public func user(email: String) async throws -> PanelUser? {
        try await database.dbPool.read { db in try PanelRows.user(db, email: email) }
    }

    public func memberships(userId: String) async throws -> [PanelMembership] {
        try await database.dbPool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT m.role, m.created_at AS member_since, b.* FROM memberships m JOIN businesses b ON b.id = m.business_id
                WHERE m.user_id = ? ORDER BY b.name, b.slug
                """, arguments: [userId])
            return try rows.map { try PanelRows.membership($0, userId: userId) }
        }
    }

    public func membership(userId: String, businessSlug: String) async throws -> PanelMembership? {
        try await database.dbPool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT m.role, m.created_at AS member_since, b.* FROM memberships m JOIN businesses b ON b.id = m.business_id
                WHERE m.user_id = ? AND b.slug = ?
                """, arguments: [userId, businessSlug]).map { try PanelRows.membership($0, userId: userId) }
        }
    }

    public func members(businessId: String) async throws -> [PanelMember] {
        try await database.dbPool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT u.id, u.email, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id
                WHERE m.business_id = ? ORDER BY lower(u.email)
                """, arguments: [businessId]).map { row in
                    guard let role = PanelRole(rawValue: row["role"]) else { throw RepositoryError.invalid("unknown role") }
                    return PanelMember(userId: row["id"], email: row["email"], role: role, addedAt: row["created_at"])
                }
        }
    }

    public func changePassword(userId: String, passwordHash: String, replacement: PanelSession) async throws {
        let timestamp = now()
        try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                try db.execute(sql: "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?",
                               arguments: [passwordHash, timestamp, userId])
                guard db.changesCount == 1 else { throw RepositoryError.notFound }
                try db.execute(sql: "DELETE FROM panel_sessions WHERE user_id = ?", arguments: [userId])
                try PanelRows.insert(db, replacement)
            }
        }
    }
}

/// Rows of the panel's tables as values, shared by the SQLite panel repositories.
enum PanelRows {
    static func user(_ row: Row) -> PanelUser {
        PanelUser(id: row["id"], email: row["email"], passwordHash: row["password_hash"], createdAt: row["created_at"],
                  passwordChangedAt: row["password_changed_at"])
    }

    static func user(_ db: Database, email: String) throws -> PanelUser? {
        try Row.fetchOne(db, sql: "SELECT * FROM users WHERE lower(email) = lower(?)", arguments: [email]).map(user)
    }

    /// A `memberships` row's role and date (`member_since`) joined with every column of its business.
    static func membership(_ row: Row, userId: String) throws -> PanelMembership {
        guard let role = PanelRole(rawValue: row["role"]) else { throw RepositoryError.invalid("unknown role") }
        return PanelMembership(userId: userId, business: try Business(row: row), role: role, createdAt: row["member_since"])
    }

    static func session(_ row: Row) -> PanelSession {
        PanelSession(idHash: row["id_hash"], userId: row["user_id"], csrfToken: row["csrf_token"], createdAt: row["created_at"],
                     lastSeenAt: row["last_seen_at"], expiresAt: row["expires_at"])
    }

    static func insert(_ db: Database, _ session: PanelSession) throws {
        try db.execute(sql: """
            INSERT INTO panel_sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [session.idHash, session.userId, session.csrfToken, session.createdAt, session.lastSeenAt,
                             session.expiresAt])
    }
}
