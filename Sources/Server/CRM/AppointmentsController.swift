import Foundation
import Hummingbird
import Receptionist

/// `/v1/appointments`: list, book, change, and the free slots of a day under the business's booking rules.
///
/// Times are read in the business's time zone unless they carry an offset, and returned in it. A booking that
/// breaks a rule is 409 with the rule as the error code (`outside_hours`, `overlaps`, `day_full`,
/// `morning_reserved`, `in_the_past`, `invalid_range`).
struct AppointmentsController {
    let appointments: any AppointmentRepository
    let customers: any CustomerRepository
    let calls: any CallRepository
    let now: @Sendable () -> Date

    struct ListResponse: Encodable { let items: [AppointmentView]; let nextCursor: String? }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(use: list)
        group.post(use: create)
        group.get("availability", use: availability)
        group.patch(":id", use: update)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let query = request.uri.queryParameters
        let zone = business.zone
        var filter = AppointmentFilter()
        filter.from = try query["from"].map { try Self.boundary(String($0), name: "from", in: zone) }
        filter.to = try query["to"].map { try Self.boundary(String($0), name: "to", in: zone) }
        if let status = query["status"] {
            guard let value = AppointmentStatus(rawValue: String(status)) else {
                throw AppError(.badRequest, code: "invalid_parameter",
                               message: "status must be one of \(AppointmentStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.status = value
        }
        filter.customerId = query["customer_id"].map(String.init)
        let page = try await appointments.list(businessId: business.id, filter: filter,
                                               limit: try KnowledgeController.limit(query["limit"].map(String.init)),
                                               cursor: query["cursor"].map(String.init))
        return try JSONResponse.make(ListResponse(items: page.items.map { AppointmentView(appointment: $0, timeZone: zone) },
                                                  nextCursor: page.nextCursor))
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let zone = business.zone
        let body = try await request.collectBody(upTo: AppLimits.maxJSONBytes)
        try JSONRequestDecoder.rejectUnknownFields(in: body, allowed: AppointmentBody.createFieldNames)
        let input = try JSONRequestDecoder.decode(AppointmentBody.self, from: body)
        let appointment = try await validatingFields { () -> Appointment in
            guard case .value(let customerId) = input.customerId else { throw RepositoryError.invalid("customerId is required") }
            guard let start = try AppointmentBody.time(input.start, name: "start", in: zone) else {
                throw RepositoryError.invalid("start is required")
            }
            let end = try AppointmentBody.time(input.end, name: "end", in: zone)
                ?? start.addingTimeInterval(TimeInterval(business.settings.slotMinutes * 60))
            var status = AppointmentStatus.booked
            if case .value(let value) = input.status {
                guard value == .booked || value == .confirmed else {
                    throw RepositoryError.invalid("status must be booked or confirmed for a new appointment")
                }
                status = value
            }
            guard try await customers.get(id: customerId, businessId: business.id) != nil else {
                throw RepositoryError.invalid("customerId does not name a customer of this business")
            }
            var sourceCall: String?
            if case .value(let sid) = input.sourceCallSid {
                guard let call = try await calls.call(sid: sid), call.businessId == business.id else {
                    throw RepositoryError.invalid("sourceCallSid does not name a call of this business")
                }
                sourceCall = sid
            }
            let timestamp = now()
            return Appointment(businessId: business.id, customerId: customerId.lowercased(), startAt: start, endAt: end,
                               service: input.service.doubleOptional ?? nil, status: status,
                               isEmergency: input.isEmergency.doubleOptional.flatMap { $0 } ?? false,
                               notes: input.notes.doubleOptional ?? nil, sourceCallSid: sourceCall,
                               createdAt: timestamp, updatedAt: timestamp)
        }
        let stored = try await booking {
            try await validatingFields { try await appointments.create(appointment, rules: business.bookingRules, now: now()) }
        }
        context.logger.info("appointment booked", metadata: ["appointment": "\(stored.id)"])
        return try JSONResponse.make(AppointmentView(appointment: stored, timeZone: zone), status: .created)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let zone = business.zone
        let id = try context.parameters.require("id")
        let body = try await request.collectBody(upTo: AppLimits.maxJSONBytes)
        try JSONRequestDecoder.rejectUnknownFields(in: body, allowed: AppointmentBody.patchFieldNames)
        let input = try JSONRequestDecoder.decode(AppointmentBody.self, from: body)
        let patch = try await validatingFields { () -> AppointmentPatch in
            var patch = AppointmentPatch()
            patch.startAt = try AppointmentBody.time(input.start, name: "start", in: zone)
            patch.endAt = try AppointmentBody.time(input.end, name: "end", in: zone)
            patch.service = input.service.doubleOptional
            patch.notes = input.notes.doubleOptional
            switch input.status {
            case .absent: break
            case .null: throw RepositoryError.invalid("status must not be null")
            case .value(let status): patch.status = status
            }
            switch input.isEmergency {
            case .absent: break
            case .null: throw RepositoryError.invalid("isEmergency must be true or false, not null")
            case .value(let value): patch.isEmergency = value
            }
            return patch
        }
        do {
            let updated = try await booking {
                try await validatingFields {
                    try await appointments.update(id: id, businessId: business.id, patch, rules: business.bookingRules, now: now())
                }
            }
            return try JSONResponse.make(AppointmentView(appointment: updated, timeZone: zone))
        } catch let error as AppError where error.status == .notFound {
            throw AppError(.notFound, code: "not_found", message: "no appointment \(id)")
        }
    }

    struct Slot: Encodable { let start: String; let end: String }
    struct AvailabilityResponse: Encodable {
        let date: String
        let timeZone: String
        let slotMinutes: Int
        let emergency: Bool
        let slots: [Slot]
    }

    /// Free slots of `?date=YYYY-MM-DD` (local), `?emergency=true` to include reserved mornings.
    @Sendable func availability(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let query = request.uri.queryParameters
        guard let text = query["date"].map(String.init), let day = LocalDate(iso: text) else {
            throw AppError(.badRequest, code: "invalid_parameter", message: "date must be a day as YYYY-MM-DD")
        }
        let emergency: Bool
        switch query["emergency"].map(String.init) {
        case nil, "false": emergency = false
        case "true": emergency = true
        default: throw AppError(.badRequest, code: "invalid_parameter", message: "emergency must be true or false")
        }
        let zone = business.zone
        let start = day.startOfDay(in: zone)
        let held = try await appointments.heldIntervals(businessId: business.id, from: start.addingTimeInterval(-86_400),
                                                        to: start.addingTimeInterval(2 * 86_400))
        let slots = business.bookingRules.availability(on: day, existing: held, now: now(), emergency: emergency)
        return try JSONResponse.make(AvailabilityResponse(
            date: day.description, timeZone: zone.identifier, slotMinutes: business.settings.slotMinutes, emergency: emergency,
            slots: slots.map { Slot(start: LocalDateTime.format($0.start, in: zone), end: LocalDateTime.format($0.end, in: zone)) }))
    }

    /// Runs a booking, answering a broken rule with 409 and the rule's code.
    private func booking<T>(_ operation: () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch let conflict as BookingConflict {
            throw AppError(.conflict, code: conflict.rejection.code, message: conflict.rejection.description)
        }
    }

    /// A `from`/`to` filter: a day (its local midnight) or a date-time.
    static func boundary(_ text: String, name: String, in zone: TimeZone) throws -> Date {
        if let day = LocalDate(iso: text) { return day.startOfDay(in: zone) }
        if let date = LocalDateTime.parse(text, in: zone) { return date }
        throw AppError(.badRequest, code: "invalid_parameter", message: "\(name) must be YYYY-MM-DD or an ISO 8601 date-time")
    }
}
