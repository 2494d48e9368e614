import Foundation
import Logging
import PostgresNIO

/// `PanelUserRepository` on PostgreSQL.
struct PostgresPanelUserRepository: PanelUserRepository {
    let database: PGDatabase
    let now: @Sendable () -> Date

    static let userColumns = "id, email, password_hash, created_at, password_changed_at"

    func create(email: String, passwordHash: String, businessId: String, role: PanelRole) async throws -> PanelUser {
        let timestamp = now()
        let user = PanelUser(id: UUID().uuidString.lowercased(), email: email, passwordHash: passwordHash,
                             createdAt: timestamp, passwordChangedAt: timestamp)
        let logger = database.logger
        return try await database.write { connection in
            guard try await PostgresBusinessRepository.fetch(connection, id: businessId, logger: logger) != nil else {
                throw RepositoryError.notFound
            }
            if try await Self.user(connection, email: email, logger: logger) != nil {
                throw RepositoryError.conflict("\(email) already has an account")
            }
            try await connection.query("""
                INSERT INTO users (id, email, password_hash, created_at, password_changed_at)
                VALUES (\(user.id), \(user.email), \(user.passwordHash), \(timestamp), \(timestamp))
                """, logger: logger)
            try await connection.query("""
                INSERT INTO memberships (user_id, business_id, role, created_at)
                VALUES (\(user.id), \(businessId), \(role.rawValue), \(timestamp))
                """, logger: logger)
            return user
        }
    }

    func addMembership(userId: String, businessId: String, role: PanelRole) async throws {
        let timestamp = now()
        let logger = database.logger
        try await database.write { connection in
            guard try await PostgresBusinessRepository.fetch(connection, id: businessId, logger: logger) != nil,
                  try await Self.user(connection, id: userId, logger: logger) != nil
            else { throw RepositoryError.notFound }
            let inserted = try await connection.query("""
                INSERT INTO memberships (user_id, business_id, role, created_at)
                VALUES (\(userId), \(businessId), \(role.rawValue), \(timestamp))
                ON CONFLICT (user_id, business_id) DO NOTHING RETURNING user_id
                """, logger: logger).all(String.self)
            if inserted.isEmpty { throw RepositoryError.conflict("already a member of this business") }
        }
    }

    func user(id: String) async throws -> PanelUser? {
        let logger = database.logger
        return try await database.read { try await Self.user($0, id: id, logger: logger) }
    }

    func user(email: String) async throws -> PanelUser? {
        let logger = database.logger
        return try await database.read { try await Self.user($0, email: email, logger: logger) }
    }

    func memberships(userId: String) async throws -> [PanelMembership] {
        let logger = database.logger
        return try await database.read { connection in
            let rows = try await connection.query("""
                SELECT m.business_id, m.role, m.created_at FROM memberships m JOIN businesses b ON b.id = m.business_id
                WHERE m.user_id = \(userId) ORDER BY b.name, b.slug
                """, logger: logger).all((String, String, Date).self)
            var memberships: [PanelMembership] = []
            for (businessId, role, createdAt) in rows {
                memberships.append(try await Self.membership(connection, userId: userId, businessId: businessId, role: role,
                                                             createdAt: createdAt, logger: logger))
            }
            return memberships
        }
    }

    func membership(userId: String, businessSlug: String) async throws -> PanelMembership? {
        let logger = database.logger
        return try await database.read { connection in
            let rows = try await connection.query("""
                SELECT m.business_id, m.role, m.created_at FROM memberships m JOIN businesses b ON b.id = m.business_id
                WHERE m.user_id = \(userId) AND b.slug = \(businessSlug)
                """, logger: logger).all((String, String, Date).self)
            guard let (businessId, role, createdAt) = rows.first else { return nil }
            return try await Self.membership(connection, userId: userId, businessId: businessId, role: role,
                                             createdAt: createdAt, logger: logger)
        }
    }

    func members(businessId: String) async throws -> [PanelMember] {
        let logger = database.logger
        return try await database.read { connection in
            try await connection.query("""
                SELECT u.id, u.email, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id
                WHERE m.business_id = \(businessId) ORDER BY lower(u.email)
                """, logger: logger).all((String, String, String, Date).self).map { id, email, role, addedAt in
                    guard let role = PanelRole(rawValue: role) else { throw RepositoryError.invalid("unknown role \(role)") }
                    return PanelMember(userId: id, email: email, role: role, addedAt: addedAt)
                }
        }
    }

    func changePassword(userId: String, passwordHash: String, replacement: PanelSession) async throws {
        let timestamp = now()
        let logger = database.logger
        try await database.write { connection in
            let updated = try await connection.query("""
                UPDATE users SET password_hash = \(passwordHash), password_changed_at = \(timestamp)
                WHERE id = \(userId) RETURNING id
                """, logger: logger).all(String.self)
            guard !updated.isEmpty else { throw RepositoryError.notFound }
            try await connection.query("DELETE FROM panel_sessions WHERE user_id = \(userId)", logger: logger)
            try await PostgresPanelSessionRepository.insert(connection, replacement, logger: logger)
        }
    }

    // MARK: - Rows

    static func user(_ connection: PostgresConnection, id: String, logger: Logger) async throws -> PanelUser? {
        try await connection.query("SELECT \(unescaped: userColumns) FROM users WHERE id = \(id)", logger: logger)
            .all((String, String, String, Date, Date).self).first.map(Self.user)
    }

    static func user(_ connection: PostgresConnection, email: String, logger: Logger) async throws -> PanelUser? {
        try await connection.query("SELECT \(unescaped: userColumns) FROM users WHERE lower(email) = lower(\(email))",
                                   logger: logger)
            .all((String, String, String, Date, Date).self).first.map(Self.user)
    }

    static func user(_ row: (String, String, String, Date, Date)) -> PanelUser {
        PanelUser(id: row.0, email: row.1, passwordHash: row.2, createdAt: row.3, passwordChangedAt: row.4)
    }

    private static func membership(_ connection: PostgresConnection, userId: String, businessId: String, role: String,
                                   createdAt: Date, logger: Logger) async throws -> PanelMembership {
        guard let role = PanelRole(rawValue: role),
              let business = try await PostgresBusinessRepository.fetch(connection, id: businessId, logger: logger)
        else { throw RepositoryError.invalid("membership of \(businessId) has an unknown role or business") }
        return PanelMembership(userId: userId, business: business, role: role, createdAt: createdAt)
    }
}
