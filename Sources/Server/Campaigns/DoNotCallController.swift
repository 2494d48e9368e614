import Campaigns
import Foundation
import Hummingbird

/// `/v1/do-not-call`: the business's do-not-call list. Every campaign dial is checked against it right before it
/// is placed; a callee who says "stop calling" on a campaign call is added to it.
struct DoNotCallController {
    let list: any DoNotCallRepository
    let businesses: any BusinessRepository

    struct ListResponse: Encodable { let items: [DoNotCallView]; let nextCursor: String? }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(use: index)
        group.post(use: add)
        group.delete(":phone", use: remove)
    }

    @Sendable func index(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let query = request.uri.queryParameters
        let page = try await list.list(businessId: business.id, limit: try KnowledgeController.limit(query["limit"].map(String.init)),
                                       cursor: query["cursor"].map(String.init))
        return try JSONResponse.make(ListResponse(items: page.items.map(DoNotCallView.init), nextCursor: page.nextCursor))
    }

    /// 201 with the entry when the number was added, 200 with the stored entry when it was already listed.
    @Sendable func add(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let body = try await request.collectBody(upTo: AppLimits.maxJSONBytes)
        try JSONRequestDecoder.rejectUnknownFields(in: body, allowed: DoNotCallBody.fieldNames)
        let input = try JSONRequestDecoder.decode(DoNotCallBody.self, from: body)
        let country = try await businesses.numbers(ofBusiness: business.id).first.flatMap(PhoneNumber.countryCode(of:))
        guard let phone = PhoneNumber.normalized(input.phone, defaultCountryCode: country) else {
            throw AppError(.unprocessableContent, code: "invalid_field",
                           message: "phone must be E.164 (e.g. +15551234567); \"\(input.phone.prefix(40))\" is not a phone number",
                           details: [ErrorDetail(field: "phone", message: "not a phone number")])
        }
        let (entry, added) = try await validatingFields {
            try await list.add(businessId: business.id, phone: phone, reason: input.reason, actor: CampaignsController.actor(request))
        }
        if added { context.logger.info("number added to the do-not-call list", metadata: ["phone": "\(PhoneMask.mask(phone))"]) }
        return try JSONResponse.make(DoNotCallView(entry), status: added ? .created : .ok)
    }

    /// 204 when removed; 404 when the number is not on the list.
    @Sendable func remove(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let raw = try context.parameters.require("phone")
        let text = raw.removingPercentEncoding ?? raw
        let country = try await businesses.numbers(ofBusiness: business.id).first.flatMap(PhoneNumber.countryCode(of:))
        guard let phone = PhoneNumber.normalized(text, defaultCountryCode: country),
              try await list.remove(businessId: business.id, phone: phone, actor: CampaignsController.actor(request))
        else { throw AppError(.notFound, code: "not_found", message: "that number is not on the do-not-call list") }
        context.logger.info("number removed from the do-not-call list", metadata: ["phone": "\(PhoneMask.mask(phone))"])
        return JSONResponse.noContent()
    }
}
