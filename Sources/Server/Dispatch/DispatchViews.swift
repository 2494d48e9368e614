import Foundation
import Hummingbird
import Maintenance

/// A ticket as the API returns it: every field present, null when unset.
struct TicketView: Encodable {
    let ticket: Ticket

    enum CodingKeys: String, CodingKey {
        case id, code, state, trade, priority, problem, propertyAddress, unit, postcode, accessWindow, tenantName,
             tenantPhone, source, sourceRef, vendorId, appointmentId, createdAt, updatedAt, closedAt, version
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ticket.id, forKey: .id)
        try c.encode(ticket.code, forKey: .code)
        try c.encode(ticket.state, forKey: .state)
        try c.encode(ticket.trade, forKey: .trade)
        try c.encode(ticket.priority, forKey: .priority)
        try c.encode(ticket.problem, forKey: .problem)
        try c.encode(ticket.propertyAddress, forKey: .propertyAddress)
        try c.encode(ticket.unit, forKey: .unit)
        try c.encode(ticket.postcode, forKey: .postcode)
        try c.encode(ticket.accessWindow, forKey: .accessWindow)
        try c.encode(ticket.tenantName, forKey: .tenantName)
        try c.encode(ticket.tenantPhone, forKey: .tenantPhone)
        try c.encode(ticket.source, forKey: .source)
        try c.encode(ticket.sourceRef, forKey: .sourceRef)
        try c.encode(ticket.vendorId, forKey: .vendorId)
        try c.encode(ticket.appointmentId, forKey: .appointmentId)
        try c.encode(ticket.createdAt, forKey: .createdAt)
        try c.encode(ticket.updatedAt, forKey: .updatedAt)
        try c.encode(ticket.closedAt, forKey: .closedAt)
        try c.encode(ticket.version, forKey: .version)
    }
}

/// A vendor as the API returns it: `working_hours` null means any time.
struct VendorView: Encodable {
    let vendor: Vendor

    enum CodingKeys: String, CodingKey {
        case id, name, phone, trades, serviceAreas, workingHours, active, optedOut, createdAt, updatedAt
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(vendor.id, forKey: .id)
        try c.encode(vendor.name, forKey: .name)
        try c.encode(vendor.phone, forKey: .phone)
        try c.encode(vendor.trades, forKey: .trades)
        try c.encode(vendor.serviceAreas, forKey: .serviceAreas)
        try c.encode(vendor.workingHours, forKey: .workingHours)
        try c.encode(vendor.active, forKey: .active)
        try c.encode(vendor.optedOut, forKey: .optedOut)
        try c.encode(vendor.createdAt, forKey: .createdAt)
        try c.encode(vendor.updatedAt, forKey: .updatedAt)
    }
}

/// `GET /v1/tickets/{id}/timeline`: the ticket now, and every event of its stream in order.
struct TicketTimelineView: Encodable {
    let ticket: TicketView
    let events: [EventView]
}

/// A 409 for a move the transition table forbids: the usual error object, and the rule with the two states at the
/// top level, `{"error": {"code": "illegal_transition", "message": …}, "rule": …, "from": …, "to": …}`.
struct IllegalTransitionResponse: HTTPResponseError {
    let transition: IllegalTicketTransition

    var status: HTTPResponse.Status { .conflict }

    struct Body: Encodable {
        struct Inner: Encodable { let code: String; let message: String }
        let error: Inner
        let rule: String
        let from: String
        let to: String
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(error: .init(code: "illegal_transition",
                                     message: "cannot move a \(transition.from.rawValue) ticket to \(transition.to.rawValue): \(transition.rule)"),
                        rule: transition.rule, from: transition.from.rawValue, to: transition.to.rawValue)
        return try JSONResponse.make(body, status: .conflict)
    }
}
