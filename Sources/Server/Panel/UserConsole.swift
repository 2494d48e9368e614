import Foundation
import Logging

/// `frontdesk users …`: the panel's users from the command line, on the configured database (SQLite file or
/// PostgreSQL), without the model or the HTTP server.
public struct UserConsole: Sendable {
    let storage: any StorageBackend
    let accounts: PanelAccounts

    /// What `add` did, for printing.
    public struct Result: Sendable {
        public let business: Business
        public let email: String
        public let role: PanelRole
        /// Shown once: a password generated for a new user created without one.
        public let generatedPassword: String?
        public let existingUser: Bool
    }

    public struct Member: Sendable {
        public let email: String
        public let role: PanelRole
        public let addedAt: Date
    }

    /// Opens (and migrates) the configured database.
    public static func open(_ config: AppConfig, logger: Logger) async throws -> UserConsole {
        let storage = try await openStorage(config, logger: logger, now: Date.init)
        let hasher = PasswordHasher(cost: config.bcryptCost)
        return UserConsole(storage: storage, accounts: PanelAccounts(users: storage.repositories.panelUsers, hasher: hasher))
    }

    /// Gives `email` the `role` in the business `slug` (creating the user when the email has no account).
    /// - Throws: `AppError` with a message for the person at the terminal (no such business, a bad email or
    ///   password, already a member).
    public func add(businessSlug: String, email: String, role: PanelRole, password: String?) async throws -> Result {
        let business = try await business(slug: businessSlug)
        let added = try await accounts.addMember(businessId: business.id, email: email, role: role, password: password)
        return Result(business: business, email: added.user.email, role: role, generatedPassword: added.generatedPassword,
                      existingUser: added.existingUser)
    }

    /// The business's members, by email.
    public func members(businessSlug: String) async throws -> (business: Business, members: [Member]) {
        let business = try await business(slug: businessSlug)
        let members = try await accounts.users.members(businessId: business.id)
        return (business, members.map { Member(email: $0.email, role: $0.role, addedAt: $0.addedAt) })
    }

    public func close() async throws {
        try await storage.close()
    }

    private func business(slug: String) async throws -> Business {
        guard let business = try await storage.repositories.businesses.get(slug: slug) else {
            throw AppError(.notFound, code: "not_found", message: "no business with slug \"\(slug)\"")
        }
        return business
    }
}
