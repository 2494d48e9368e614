import Foundation
import Hummingbird
import Maintenance

/// `/v1/vendors`: the tradespeople maintenance jobs are offered to.
///
/// `DELETE` keeps history whole: a vendor that a ticket refers to is deactivated (200 with the vendor, `active`
/// false) rather than deleted; one no ticket refers to is deleted (204). Another business's vendor is 404.
struct VendorsController {
    let vendors: any VendorRepository
    let businesses: any BusinessRepository

    struct ListResponse: Encodable { let items: [VendorView]; let nextCursor: String? }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(use: list)
        group.post(use: create)
        group.get(":id", use: show)
        group.patch(":id", use: update)
        group.delete(":id", use: delete)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let query = request.uri.queryParameters
        var filter = VendorFilter()
        filter.trade = try TicketsController.parameter(query["trade"], "trade", Trade.init(parsing:), Trade.allCases)
        switch query["active"].map(String.init) {
        case nil: break
        case "true": filter.active = true
        case "false": filter.active = false
        default: throw AppError(.badRequest, code: "invalid_parameter", message: "active must be true or false")
        }
        let page = try await vendors.list(businessId: business.id, filter: filter,
                                          limit: try KnowledgeController.limit(query["limit"].map(String.init)),
                                          cursor: query["cursor"].map(String.init))
        return try JSONResponse.make(ListResponse(items: page.items.map(VendorView.init), nextCursor: page.nextCursor))
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let body = try await request.collectBody(upTo: AppLimits.maxJSONBytes)
        try JSONRequestDecoder.rejectUnknownFields(in: body, allowed: VendorBody.fieldNames)
        let input = try JSONRequestDecoder.decode(VendorBody.self, from: body)
        let cc = try await countryCode(business)
        let vendor = try await validatingFields {
            try await vendors.create(businessId: business.id, try input.profile(defaultCountryCode: cc))
        }
        context.logger.info("vendor added", metadata: ["vendor": "\(vendor.id)", "phone": "\(PhoneMask.mask(vendor.phone))"])
        return try JSONResponse.make(VendorView(vendor: vendor), status: .created)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let id = try context.parameters.require("id")
        guard let vendor = try await vendors.get(id: id, businessId: business.id) else { throw Self.notFound(id) }
        return try JSONResponse.make(VendorView(vendor: vendor))
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let id = try context.parameters.require("id")
        let body = try await request.collectBody(upTo: AppLimits.maxJSONBytes)
        if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any], object["opted_out"] != nil {
            throw AppError(.unprocessableContent, code: "opted_out_not_patchable",
                           message: "opted_out is set by the vendor's own STOP and START texts, never through the API",
                           details: [ErrorDetail(field: "opted_out", message: "not patchable")])
        }
        try JSONRequestDecoder.rejectUnknownFields(in: body, allowed: VendorBody.fieldNames)
        let input = try JSONRequestDecoder.decode(VendorBody.self, from: body)
        let cc = try await countryCode(business)
        let patch = try await validatingFields { try input.patch(defaultCountryCode: cc) }
        do {
            let vendor = try await validatingFields { try await vendors.update(id: id, businessId: business.id, patch) }
            return try JSONResponse.make(VendorView(vendor: vendor))
        } catch let error as AppError where error.status == .notFound {
            throw Self.notFound(id)
        }
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let id = try context.parameters.require("id")
        let removal: VendorRemoval
        do {
            removal = try await vendors.remove(id: id, businessId: business.id)
        } catch RepositoryError.notFound {
            throw Self.notFound(id)
        }
        switch removal {
        case .deleted:
            context.logger.info("vendor deleted", metadata: ["vendor": "\(id)"])
            return JSONResponse.noContent()
        case .deactivated(let vendor):
            context.logger.info("vendor deactivated: tickets refer to it", metadata: ["vendor": "\(vendor.id)"])
            return try JSONResponse.make(VendorView(vendor: vendor))
        }
    }

    private func countryCode(_ business: Business) async throws -> String? {
        try await businesses.numbers(ofBusiness: business.id).first.flatMap(PhoneNumber.countryCode(of:))
    }

    static func notFound(_ id: String) -> AppError {
        AppError(.notFound, code: "not_found", message: "no vendor \(id)")
    }
}
