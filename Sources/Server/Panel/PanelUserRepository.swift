import Foundation

/// Storage of the panel's users, their memberships of businesses and their passwords.
///
/// Emails are matched case-insensitively (they are ASCII, `PanelAccounts.validatedEmail`). Errors:
/// `RepositoryError.conflict` when an email has an account already or a user is already a member,
/// `.notFound` when a user or business does not exist.
public protocol PanelUserRepository: Sendable {
    /// Creates a user and their first membership in one transaction: on any error nothing is written.
    func create(email: String, passwordHash: String, businessId: String, role: PanelRole) async throws -> PanelUser

    /// Gives an existing user a role in another business.
    func addMembership(userId: String, businessId: String, role: PanelRole) async throws

    func user(id: String) async throws -> PanelUser?

    /// The user with this email, compared case-insensitively.
    func user(email: String) async throws -> PanelUser?

    /// The businesses the user holds a role in, by business name.
    func memberships(userId: String) async throws -> [PanelMembership]

    /// The user's role in the business with this slug; nil when the user is no member of it, or there is no such
    /// business (the two are not told apart: a page of a business the user may not see does not exist for them).
    func membership(userId: String, businessSlug: String) async throws -> PanelMembership?

    /// The business's members, by email.
    func members(businessId: String) async throws -> [PanelMember]

    /// Replaces the user's password hash (stamping `password_changed_at`), ends every session of the user and opens
    /// `replacement` — the browser that changed it — in one transaction, so no session opened with the old
    /// password outlives the change.
    func changePassword(userId: String, passwordHash: String, replacement: PanelSession) async throws
}
