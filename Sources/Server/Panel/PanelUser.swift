import Foundation

/// A person who signs in to the web panel. Row of `users`. Users are not owned by a business: one user may hold a
/// role in several businesses (``PanelMembership``).
public struct PanelUser: Sendable, Equatable, Identifiable {
    /// Lower-case UUID.
    public var id: String
    /// As the operator typed it (trimmed); unique case-insensitively.
    public var email: String
    /// bcrypt (`$2b$…`, 60 characters), never the password.
    public var passwordHash: String
    public var createdAt: Date
    public var passwordChangedAt: Date

    public init(id: String, email: String, passwordHash: String, createdAt: Date, passwordChangedAt: Date) {
        self.id = id
        self.email = email
        self.passwordHash = passwordHash
        self.createdAt = createdAt
        self.passwordChangedAt = passwordChangedAt
    }
}

/// A user's role in one business, with the business. Row of `memberships` joined with `businesses`.
public struct PanelMembership: Sendable, Equatable {
    public var userId: String
    public var business: Business
    public var role: PanelRole
    public var createdAt: Date

    public init(userId: String, business: Business, role: PanelRole, createdAt: Date) {
        self.userId = userId
        self.business = business
        self.role = role
        self.createdAt = createdAt
    }
}

/// One member of a business as its users page lists them: never the password hash.
public struct PanelMember: Sendable, Equatable {
    public var userId: String
    public var email: String
    public var role: PanelRole
    /// When the user was given this role.
    public var addedAt: Date

    public init(userId: String, email: String, role: PanelRole, addedAt: Date) {
        self.userId = userId
        self.email = email
        self.role = role
        self.addedAt = addedAt
    }
}

/// A signed-in browser. Row of `panel_sessions`. The browser holds the session token in a cookie; only its
/// SHA-256 is stored, so a copy of the database signs no one in.
public struct PanelSession: Sendable, Equatable {
    /// Lower-case hex SHA-256 of the cookie's token (`KeyHashing.sha256Hex`).
    public var idHash: String
    public var userId: String
    /// The token every form and state-changing request of this session carries (`_csrf`, `X-CSRF-Token`).
    public var csrfToken: String
    public var createdAt: Date
    public var lastSeenAt: Date
    /// After this the session no longer signs anyone in: idle timeout from `lastSeenAt`, capped at an absolute
    /// lifetime from `createdAt` (``PanelSessions``).
    public var expiresAt: Date

    public init(idHash: String, userId: String, csrfToken: String, createdAt: Date, lastSeenAt: Date, expiresAt: Date) {
        self.idHash = idHash
        self.userId = userId
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.expiresAt = expiresAt
    }
}
