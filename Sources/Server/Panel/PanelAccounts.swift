import Foundation

/// Adding people to a business's panel — the one path used by `frontdesk users create`, the admin route
/// `POST /v1/admin/businesses/{id}/users` and an owner's users page.
public struct PanelAccounts: Sendable {
    let users: any PanelUserRepository
    let hasher: PasswordHasher

    /// What adding a member did.
    public struct Added: Sendable {
        public let user: PanelUser
        public let role: PanelRole
        /// The password made for a new user created without one: shown once, never stored. Nil when a password
        /// was given, or the user existed already (they keep their own).
        public let generatedPassword: String?
        /// The email had an account already; it was given a role in this business.
        public let existingUser: Bool
    }

    /// Gives `email` the `role` in the business: creates the user (with `password`, or a generated one) when the
    /// email has no account yet, else adds the existing user, whose password stays as it is.
    ///
    /// - Throws: `AppError` 422 for a bad email or password, 409 when the email's user is already a member, or when
    ///   a password is given for an email that has an account (it would not be used); `RepositoryError.notFound`
    ///   when the business does not exist.
    public func addMember(businessId: String, email: String, role: PanelRole, password: String?) async throws -> Added {
        let email = try Self.validatedEmail(email)
        if let password, let problem = PasswordHasher.problem(with: password) {
            throw AppError(.unprocessableContent, code: "invalid_field", message: problem,
                           details: [ErrorDetail(field: "password", message: problem)])
        }
        if let existing = try await users.user(email: email) {
            guard password == nil else {
                throw AppError(.conflict, code: "user_exists",
                               message: "\(existing.email) already has an account and keeps its password; leave the password out to add it to this business")
            }
            do {
                try await users.addMembership(userId: existing.id, businessId: businessId, role: role)
            } catch RepositoryError.conflict {
                throw AppError(.conflict, code: "already_member", message: "\(existing.email) is already a member of this business")
            }
            return Added(user: existing, role: role, generatedPassword: nil, existingUser: true)
        }
        let generated = password == nil ? PasswordHasher.generate() : nil
        let hash = try await hasher.hash(password ?? generated!)
        do {
            let user = try await users.create(email: email, passwordHash: hash, businessId: businessId, role: role)
            return Added(user: user, role: role, generatedPassword: generated, existingUser: false)
        } catch RepositoryError.conflict {
            // Created by someone else a moment ago.
            throw AppError(.conflict, code: "user_exists", message: "\(email) already has an account; try again to add it")
        }
    }

    /// `email` trimmed, if it is a plausible address: printable ASCII without spaces, one `@` with text on both
    /// sides and a dot in the domain, at most 254 characters. ASCII only, so that lower-casing (how emails are
    /// matched) is the same in Swift, SQLite and PostgreSQL.
    static func validatedEmail(_ email: String) throws -> String {
        let trimmed = email.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard trimmed.utf8.count <= 254, trimmed.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }), parts.count == 2,
              !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".")
        else {
            let message = "email must be an address like name@example.com (ASCII, at most 254 characters)"
            throw AppError(.unprocessableContent, code: "invalid_field", message: message,
                           details: [ErrorDetail(field: "email", message: message)])
        }
        return trimmed
    }
}
