import Foundation
import Hummingbird

/// `/v1/customers`: the business's customers, their timelines, and `/v1/conversations/{id}`.
///
/// Another business's customer or conversation is 404, never 403: its existence is not ours to reveal.
struct CustomersController {
    let customers: any CustomerRepository
    let businesses: any BusinessRepository

    struct ListResponse<Item: Encodable>: Encodable { let items: [Item]; let nextCursor: String? }

    func addRoutes(customers group: RouterGroup<AppRequestContext>, conversations: RouterGroup<AppRequestContext>) {
        group.get(use: list)
        group.post(use: create)
        group.get(":id", use: show)
        group.patch(":id", use: update)
        group.delete(":id", use: delete)
        group.get(":id/timeline", use: timeline)
        conversations.get(":id", use: conversation)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let query = request.uri.queryParameters
        var phone: String?
        if let raw = query["phone"].map(String.init) {
            guard let normalized = PhoneNumber.normalized(raw, defaultCountryCode: try await countryCode(business)) else {
                throw AppError(.unprocessableContent, code: "invalid_parameter", message: "phone must be E.164 (e.g. +15551234567)")
            }
            phone = normalized
        }
        let page = try await customers.list(
            businessId: business.id, phone: phone, text: query["text"].map(String.init),
            limit: try KnowledgeController.limit(query["limit"].map(String.init)), cursor: query["cursor"].map(String.init))
        return try JSONResponse.make(ListResponse(items: page.items.map(CustomerView.init), nextCursor: page.nextCursor))
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let body = try await request.collectBody(upTo: AppLimits.maxJSONBytes)
        try JSONRequestDecoder.rejectUnknownFields(in: body, allowed: CustomerBody.fieldNames)
        let input = try JSONRequestDecoder.decode(CustomerBody.self, from: body)
        let cc = try await countryCode(business)
        let customer = try await validatingFields {
            let fields = try input.fields(defaultCountryCode: cc)
            guard fields.phone != nil else { throw RepositoryError.invalid("phone is required") }
            return try await customers.create(businessId: business.id, fields)
        }
        context.logger.info("customer created", metadata: ["customer": "\(customer.id)"])
        return try JSONResponse.make(CustomerView(customer: customer), status: .created)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let id = try context.parameters.require("id")
        guard let customer = try await customers.get(id: id, businessId: business.id) else { throw Self.notFound(id) }
        return try JSONResponse.make(CustomerView(customer: customer))
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let id = try context.parameters.require("id")
        let body = try await request.collectBody(upTo: AppLimits.maxJSONBytes)
        try JSONRequestDecoder.rejectUnknownFields(in: body, allowed: CustomerBody.fieldNames)
        let input = try JSONRequestDecoder.decode(CustomerBody.self, from: body)
        let cc = try await countryCode(business)
        do {
            let customer = try await validatingFields {
                try await customers.update(id: id, businessId: business.id, try input.fields(defaultCountryCode: cc))
            }
            return try JSONResponse.make(CustomerView(customer: customer))
        } catch let error as AppError where error.status == .notFound {
            throw Self.notFound(id)
        }
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let id = try context.parameters.require("id")
        do {
            try await customers.delete(id: id, businessId: business.id)
        } catch RepositoryError.notFound {
            throw Self.notFound(id)
        }
        context.logger.info("customer deleted", metadata: ["customer": "\(id)"])
        return JSONResponse.noContent()
    }

    struct TimelineResponse: Encodable {
        let customer: CustomerView
        let items: [TimelineItemView]
    }

    /// Calls from the customer's number, their messages and appointments, oldest first (the latest 500 of each).
    @Sendable func timeline(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let id = try context.parameters.require("id")
        guard let customer = try await customers.get(id: id, businessId: business.id) else { throw Self.notFound(id) }
        let items = try await customers.timeline(customerId: customer.id, businessId: business.id, limit: PageCursor.maximumLimit)
        let zone = business.zone
        return try JSONResponse.make(TimelineResponse(customer: CustomerView(customer: customer),
                                                      items: items.map { TimelineItemView(item: $0, timeZone: zone) }))
    }

    @Sendable func conversation(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let id = try context.parameters.require("id")
        guard let (conversation, messages) = try await customers.conversation(id: id, businessId: business.id) else {
            throw AppError(.notFound, code: "not_found", message: "no conversation \(id)")
        }
        return try JSONResponse.make(ConversationView(conversation, messages: messages))
    }

    /// The country code of the business's first number, for national numbers ("(555) 010-2000").
    private func countryCode(_ business: Business) async throws -> String? {
        try await businesses.numbers(ofBusiness: business.id).first.flatMap(PhoneNumber.countryCode(of:))
    }

    static func notFound(_ id: String) -> AppError {
        AppError(.notFound, code: "not_found", message: "no customer \(id)")
    }
}
