import Foundation
import HTTPTypes
import Hummingbird

/// `/v1/admin/businesses/{id}/users`: the operator gives people a role in a business's web panel — how the first
/// owner is made (then owners add the rest on their users page). Mounted behind `AdminAuthMiddleware`.
struct AdminUsersController {
    let businesses: any BusinessRepository
    let accounts: PanelAccounts
    let users: any PanelUserRepository

    /// `password` is optional: without it one is generated and returned once.
    struct CreateBody: Decodable {
        var email: String
        var role: PanelRole
        var password: String?

        static let fieldNames: Set<String> = ["email", "role", "password"]
    }

    struct MemberResponse: Encodable {
        let userId: String, email: String, role: PanelRole, businessId: String
        /// The email had an account already; it keeps its password.
        let existingUser: Bool
        /// The generated password, only when none was given for a new user (it is not stored).
        let password: String?
        let createdAt: Date
    }

    struct MemberListResponse: Encodable {
        struct Item: Encodable { let userId: String, email: String, role: PanelRole, addedAt: Date }
        let items: [Item]
    }

    func addRoutes(to admin: RouterGroup<AppRequestContext>) {
        admin.post("businesses/:id/users", use: create)
        admin.get("businesses/:id/users", use: list)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try await existingBusiness(context)
        let data = try await request.collectBody(upTo: 16_384)
        try JSONRequestDecoder.rejectUnknownFields(in: data, allowed: CreateBody.fieldNames)
        let body = try JSONRequestDecoder.decode(CreateBody.self, from: data)
        let added = try await accounts.addMember(businessId: business.id, email: body.email, role: body.role,
                                                 password: body.password)
        context.logger.info("panel member added by the operator", metadata: [
            "slug": "\(business.slug)", "member": "\(added.user.id)", "role": "\(added.role.rawValue)"])
        return try JSONResponse.make(MemberResponse(
            userId: added.user.id, email: added.user.email, role: added.role, businessId: business.id,
            existingUser: added.existingUser, password: added.generatedPassword, createdAt: added.user.createdAt),
            status: .created)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try await existingBusiness(context)
        let members = try await users.members(businessId: business.id)
        return try JSONResponse.make(MemberListResponse(items: members.map {
            .init(userId: $0.userId, email: $0.email, role: $0.role, addedAt: $0.addedAt)
        }))
    }

    private func existingBusiness(_ context: AppRequestContext) async throws -> Business {
        guard let business = try await businesses.get(id: try context.parameters.require("id")) else {
            throw AppError(.notFound, code: "not_found", message: "no business with this id")
        }
        return business
    }
}
