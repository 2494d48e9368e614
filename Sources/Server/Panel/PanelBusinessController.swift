import Foundation
import HTTPTypes
import Hummingbird

/// One business's pages, `/app/b/{slug}/…`, behind `PanelSessionMiddleware` and `PanelBusinessMiddleware`:
/// the overview (for now who is signed in with which role) and the owner's users page (the calls pages are
/// `PanelCallsController`'s).
struct PanelBusinessController {
    let panel: PanelServices
    let users: any PanelUserRepository

    func addRoutes(to business: RouterGroup<AppRequestContext>) {
        business.get("users", use: usersPage)
        business.post("users", use: addUser)
    }

    @Sendable func usersPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let pages = try panel.requirePages()
        let signedIn = try context.requirePanelUser()
        let membership = try context.requirePanelRole(.users)
        return pages.response("users", try await usersView(signedIn, membership, error: nil, added: nil))
    }

    /// Adds a member with a generated password, shown once on the page this answers with.
    @Sendable func addUser(_ request: Request, context: AppRequestContext) async throws -> Response {
        let pages = try panel.requirePages()
        let signedIn = try context.requirePanelUser()
        let membership = try context.requirePanelRole(.users)
        let form = context.panelForm ?? FormParameters()
        let html = PanelResponseMiddleware.wantsHTML(request)
        do {
            guard let role = PanelRole(rawValue: form["role"] ?? "") else {
                throw AppError(.unprocessableContent, code: "invalid_field", message: "role must be owner, staff or viewer",
                               details: [ErrorDetail(field: "role", message: "role must be owner, staff or viewer")])
            }
            let added = try await panel.accounts.addMember(businessId: membership.business.id, email: form["email"] ?? "",
                                                           role: role, password: nil)
            context.logger.info("panel member added", metadata: ["member": "\(added.user.id)", "role": "\(role.rawValue)"])
            let view = try await usersView(signedIn, membership, error: nil, added: .init(
                email: added.user.email, role: role.rawValue, password: added.generatedPassword, existingUser: added.existingUser))
            return pages.response("users", view, status: .created)
        } catch let error as AppError where html && error.status.code < 500 {
            return pages.response("users", try await usersView(signedIn, membership, error: error.message, added: nil),
                                  status: error.status)
        }
    }

    // MARK: Helpers

    private func chrome(_ signedIn: PanelSignedIn, _ membership: PanelMembership, title: String) async throws -> PanelChrome {
        try await Self.chrome(users: users, signedIn, membership, title: title)
    }

    /// The chrome of a business's page: its navigation, and a link to the business picker when the user holds a
    /// role in more than one.
    static func chrome(users: any PanelUserRepository, _ signedIn: PanelSignedIn, _ membership: PanelMembership,
                       title: String) async throws -> PanelChrome {
        let several = try await users.memberships(userId: signedIn.user.id).count > 1
        return .signedIn(signedIn, title: title, membership: membership, severalBusinesses: several)
    }

    private func usersView(_ signedIn: PanelSignedIn, _ membership: PanelMembership, error: String?,
                           added: UsersView.Added?) async throws -> UsersView {
        let members = try await users.members(businessId: membership.business.id)
        // The day each was added, in the business's time zone.
        let day = Date.ISO8601FormatStyle(timeZone: membership.business.zone).year().month().day()
        return UsersView(
            chrome: try await chrome(signedIn, membership, title: "Users · \(membership.business.name)"),
            csrf: signedIn.session.csrfToken, slug: membership.business.slug,
            members: members.map { .init(email: $0.email, role: $0.role.rawValue, addedOn: $0.addedAt.formatted(day)) },
            canManage: membership.role.allows(.users),
            roles: PanelRole.allCases.map { .init(value: $0.rawValue, selected: $0 == .staff) },
            error: error, added: added)
    }

    /// What `role` may do, in words, for the overview.
    static func abilities(of role: PanelRole) -> [String] {
        var abilities = ["view every page of this business"]
        if role.allows(.calls) { abilities.append("act on calls") }
        if role.allows(.knowledge) { abilities.append("edit the knowledge base") }
        if role.allows(.customers) { abilities.append("manage customers and appointments") }
        if role.allows(.settings) { abilities.append("change the receptionist's settings") }
        if role.allows(.users) { abilities.append("add users") }
        return abilities
    }
}
