import Events
import Foundation
import Hummingbird
import Maintenance
import Receptionist

/// `/v1/tickets`: maintenance tickets — open, list, read, edit, cancel, close, and the timeline read from the
/// ticket's event stream.
///
/// Another business's ticket is 404, never 403. The state is never patched: it moves through `cancel` and `close`
/// here (and the booking loop), and a move the transition table forbids is 409 with the rule. Changes made here
/// are recorded with the actor `{kind: admin, id: <the API key's display prefix>}`.
struct TicketsController {
    let tickets: any TicketRepository
    let businesses: any BusinessRepository
    let events: any EventLog

    struct ListResponse: Encodable { let items: [TicketView]; let nextCursor: String? }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(use: list)
        group.post(use: create)
        group.get(":id", use: show)
        group.patch(":id", use: update)
        group.post(":id/cancel", use: cancel)
        group.post(":id/close", use: close)
        group.get(":id/timeline", use: timeline)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let query = request.uri.queryParameters
        var filter = TicketFilter()
        filter.state = try Self.parameter(query["state"], "state", TicketState.init(parsing:), TicketState.allCases)
        filter.trade = try Self.parameter(query["trade"], "trade", Trade.init(parsing:), Trade.allCases)
        filter.priority = try Self.parameter(query["priority"], "priority", TicketPriority.init(parsing:), TicketPriority.allCases)
        filter.property = query["property"].map(String.init)
        let zone = business.zone
        filter.createdFrom = try query["created_from"].map { try Self.boundary(String($0), name: "created_from", endOfDay: false, in: zone) }
        filter.createdTo = try query["created_to"].map { try Self.boundary(String($0), name: "created_to", endOfDay: true, in: zone) }
        let page = try await tickets.list(businessId: business.id, filter: filter,
                                          limit: try KnowledgeController.limit(query["limit"].map(String.init)),
                                          cursor: query["cursor"].map(String.init))
        return try JSONResponse.make(ListResponse(items: page.items.map(TicketView.init), nextCursor: page.nextCursor))
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let body = try await request.collectBody(upTo: AppLimits.maxJSONBytes)
        try JSONRequestDecoder.rejectUnknownFields(in: body, allowed: TicketBody.fieldNames)
        let input = try JSONRequestDecoder.decode(TicketBody.self, from: body)
        let cc = try await countryCode(business)
        let ticket = try await validatingFields {
            try await tickets.create(NewTicket(businessId: business.id, details: try input.details(defaultCountryCode: cc),
                                               source: .rest, actor: Self.actor(request)))
        }
        context.logger.info("ticket opened", metadata: ["ticket": "\(ticket.id)", "code": "\(ticket.code)",
                                                        "priority": "\(ticket.priority.rawValue)"])
        return try JSONResponse.make(TicketView(ticket: ticket), status: .created)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let id = try context.parameters.require("id")
        guard let ticket = try await tickets.get(id: id, businessId: business.id) else { throw Self.notFound(id) }
        return try JSONResponse.make(TicketView(ticket: ticket))
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let id = try context.parameters.require("id")
        let body = try await request.collectBody(upTo: AppLimits.maxJSONBytes)
        if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any], object["state"] != nil {
            throw AppError(.unprocessableContent, code: "state_not_patchable",
                           message: "state cannot be patched: POST /v1/tickets/\(id)/cancel or /close moves a ticket",
                           details: [ErrorDetail(field: "state", message: "not patchable")])
        }
        try JSONRequestDecoder.rejectUnknownFields(in: body, allowed: TicketBody.fieldNames)
        let input = try JSONRequestDecoder.decode(TicketBody.self, from: body)
        let cc = try await countryCode(business)
        let patch = try await validatingFields { try input.patch(defaultCountryCode: cc) }
        let ticket = try await found(id) {
            try await validatingFields {
                try await tickets.update(id: id, businessId: business.id, patch, actor: Self.actor(request))
            }
        }
        return try JSONResponse.make(TicketView(ticket: ticket))
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await move(request, context: context, to: .cancelled, reasonRequired: true)
    }

    @Sendable func close(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await move(request, context: context, to: .closed, reasonRequired: false)
    }

    /// The ticket and its event stream, oldest first: who opened it, every edit (which fields), every move (from,
    /// to, actor, reason).
    @Sendable func timeline(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let id = try context.parameters.require("id")
        guard let ticket = try await tickets.get(id: id, businessId: business.id) else { throw Self.notFound(id) }
        var stored: [StoredEvent] = []
        var after: Int64 = 0
        while true {
            let batch = try await events.events(EventQuery(businessId: business.id, after: after, stream: .ticket(ticket.id),
                                                           limit: 1_000))
            stored += batch
            guard batch.count == 1_000, let last = batch.last else { break }
            after = last.id
        }
        return try JSONResponse.make(TicketTimelineView(ticket: TicketView(ticket: ticket),
                                                        events: stored.map { EventView($0) }))
    }

    // MARK: - Details

    /// `cancel` / `close`: body `{"reason": "…"}` (required to cancel; optional to close, and the body may be empty).
    private func move(_ request: Request, context: AppRequestContext, to state: TicketState,
                      reasonRequired: Bool) async throws -> Response {
        let business = try context.requireBusiness()
        let id = try context.parameters.require("id")
        let body = try await request.collectBody(upTo: AppLimits.maxJSONBytes)
        var reason: String?
        if !body.isEmpty {
            try JSONRequestDecoder.rejectUnknownFields(in: body, allowed: TicketReasonBody.fieldNames)
            reason = try JSONRequestDecoder.decode(TicketReasonBody.self, from: body).reason?
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if reasonRequired, reason?.isEmpty ?? true {
            throw AppError(.unprocessableContent, code: "invalid_field", message: "reason is required: say why the ticket is \(state.rawValue)",
                           details: [ErrorDetail(field: "reason", message: "required")])
        }
        let change = TicketStateChange(to: state, actor: Self.actor(request), reason: reason)
        let ticket = try await found(id) {
            try await validatingFields {
                do {
                    return try await tickets.transition(id: id, businessId: business.id, change)
                } catch let illegal as IllegalTicketTransition {
                    throw IllegalTransitionResponse(transition: illegal)
                } catch let conflict as TicketConflict {
                    throw AppError(.conflict, code: "ticket_changed",
                                   message: "the ticket changed while this request ran (it is now \(conflict.state.rawValue)); read it and try again")
                }
            }
        }
        context.logger.info("ticket moved", metadata: ["ticket": "\(ticket.id)", "state": "\(ticket.state.rawValue)"])
        return try JSONResponse.make(TicketView(ticket: ticket))
    }

    /// Runs `operation`, naming the ticket in a 404.
    private func found<T>(_ id: String, _ operation: () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch let error as AppError where error.status == .notFound {
            throw Self.notFound(id)
        } catch RepositoryError.notFound {
            throw Self.notFound(id)
        }
    }

    /// Who acts through the REST routes: the holder of the business's API key, named by the key's display prefix
    /// (`fd_live_` and 8 characters — what `GET /v1/admin/businesses/{id}/keys` lists, never the key).
    static func actor(_ request: Request) -> TicketActor {
        TicketActor(.admin, id: request.headers[.apiKey].map { String($0.prefix(APIKey.displayPrefixLength)) })
    }

    /// The country code of the business's first number, for national phone numbers.
    private func countryCode(_ business: Business) async throws -> String? {
        try await businesses.numbers(ofBusiness: business.id).first.flatMap(PhoneNumber.countryCode(of:))
    }

    static func notFound(_ id: String) -> AppError {
        AppError(.notFound, code: "not_found", message: "no ticket \(id)")
    }

    /// A query parameter read with `parse`; 400 listing `allowed` when it is not one of them.
    static func parameter<T: RawRepresentable>(_ raw: Substring?, _ name: String, _ parse: (String) -> T?,
                                               _ allowed: [T]) throws -> T? where T.RawValue == String {
        guard let raw else { return nil }
        guard let value = parse(String(raw)) else {
            throw AppError(.badRequest, code: "invalid_parameter",
                           message: "\(name) must be one of \(allowed.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    /// A `created_from` / `created_to` bound: a day in the business's time zone (its midnight; with `endOfDay`, the
    /// next midnight, so the day is included) or an ISO 8601 date-time.
    static func boundary(_ text: String, name: String, endOfDay: Bool, in zone: TimeZone) throws -> Date {
        if let day = LocalDate(iso: text) { return (endOfDay ? day.next : day).startOfDay(in: zone) }
        if let date = LocalDateTime.parse(text, in: zone) { return date }
        throw AppError(.badRequest, code: "invalid_parameter",
                       message: "\(name) must be a day (YYYY-MM-DD, in the business's time zone) or an ISO 8601 date-time")
    }
}
