import Events
import Foundation

/// A ticket was opened (`ticket.opened`, the first event of `ticket:<id>`): everything the row holds but its times
/// and version, which come from the event itself.
public struct TicketOpened: EventPayload {
    public static let type = EventType.ticketOpened
    public var ticketId: String
    public var code: String
    public var state: TicketState
    public var trade: Trade
    public var priority: TicketPriority
    public var problem: String
    public var propertyAddress: String
    public var unit: String?
    public var postcode: String?
    public var accessWindow: String?
    public var tenantName: String?
    public var tenantPhone: String?
    public var source: TicketSource
    public var sourceRef: String?
    public var vendorId: String?
    public var appointmentId: String?
    /// Who opened it: the tenant (call, text) or an API key holder.
    public var actor: TicketActor

    public init(_ ticket: Ticket, actor: TicketActor) {
        ticketId = ticket.id
        code = ticket.code
        state = ticket.state
        trade = ticket.trade
        priority = ticket.priority
        problem = ticket.problem
        propertyAddress = ticket.propertyAddress
        unit = ticket.unit
        postcode = ticket.postcode
        accessWindow = ticket.accessWindow
        tenantName = ticket.tenantName
        tenantPhone = ticket.tenantPhone
        source = ticket.source
        sourceRef = ticket.sourceRef
        vendorId = ticket.vendorId
        appointmentId = ticket.appointmentId
        self.actor = actor
    }
}

/// Some of a ticket's details were edited (`ticket.updated`): which ones, and every detail as it is after the edit
/// (an absent optional detail is now empty), so the stream alone says what the ticket held at any point.
public struct TicketUpdated: EventPayload {
    public static let type = EventType.ticketUpdated
    public var ticketId: String
    /// The fields that changed, as the API names them (`tenant_phone`, `priority`, …), in ``fieldNames`` order.
    public var changed: [String]
    public var trade: Trade
    public var priority: TicketPriority
    public var problem: String
    public var propertyAddress: String
    public var unit: String?
    public var postcode: String?
    public var accessWindow: String?
    public var tenantName: String?
    public var tenantPhone: String?
    public var actor: TicketActor

    /// The editable fields by their API names, in the order ``changed`` lists them.
    public static let fieldNames = ["trade", "priority", "problem", "property_address", "unit", "postcode",
                                    "access_window", "tenant_name", "tenant_phone"]

    public init(ticketId: String, before: TicketDetails, after: TicketDetails, actor: TicketActor) {
        self.ticketId = ticketId
        changed = Self.changedFields(before, after)
        trade = after.trade
        priority = after.priority
        problem = after.problem
        propertyAddress = after.propertyAddress
        unit = after.unit
        postcode = after.postcode
        accessWindow = after.accessWindow
        tenantName = after.tenantName
        tenantPhone = after.tenantPhone
        self.actor = actor
    }

    /// The details after the edit.
    public var details: TicketDetails {
        TicketDetails(trade: trade, priority: priority, problem: problem, propertyAddress: propertyAddress, unit: unit,
                      postcode: postcode, accessWindow: accessWindow, tenantName: tenantName, tenantPhone: tenantPhone)
    }

    /// The API names of the fields that differ between `before` and `after`.
    public static func changedFields(_ before: TicketDetails, _ after: TicketDetails) -> [String] {
        let differs = [
            before.trade != after.trade, before.priority != after.priority, before.problem != after.problem,
            before.propertyAddress != after.propertyAddress, before.unit != after.unit, before.postcode != after.postcode,
            before.accessWindow != after.accessWindow, before.tenantName != after.tenantName,
            before.tenantPhone != after.tenantPhone,
        ]
        return zip(fieldNames, differs).filter(\.1).map(\.0)
    }
}

/// A ticket moved from one state to another (`ticket.state_changed`): who or what moved it and why, and the
/// booking it holds after the move (an absent `vendor_id` / `appointment_id` means none).
public struct TicketStateChanged: EventPayload {
    public static let type = EventType.ticketStateChanged
    public var ticketId: String
    public var from: TicketState
    public var to: TicketState
    public var actor: TicketActor
    /// Why, in words ("tenant fixed it", "no vendor covers the trade and area"); absent when none was given.
    public var reason: String?
    public var vendorId: String?
    public var appointmentId: String?

    public init(ticketId: String, from: TicketState, to: TicketState, actor: TicketActor, reason: String?,
                vendorId: String?, appointmentId: String?) {
        self.ticketId = ticketId
        self.from = from
        self.to = to
        self.actor = actor
        self.reason = reason
        self.vendorId = vendorId
        self.appointmentId = appointmentId
    }
}

/// Why a ticket stream cannot be turned back into a ticket.
public struct TicketRebuildError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension Ticket {
    /// The event types that change a ticket's row: ``rebuild(from:)`` applies these and skips any other type found
    /// on the stream (the booking loop's offers, say, which do not change the row).
    public static let rowEventTypes: Set<EventType> = [.ticketOpened, .ticketUpdated, .ticketStateChanged]

    /// The ticket as its events leave it: exactly the stored row, times and version included.
    ///
    /// `events` is the ticket's stream (`ticket:<id>`), in any order (it is read by `sequence`); it must start with
    /// `ticket.opened` — a stream whose opening was pruned cannot be rebuilt. Times come from the events: created at
    /// the opening, updated at the newest row-changing event, closed at the move to `closed`; the version counts the
    /// row-changing events.
    /// - Throws: ``TicketRebuildError`` for an empty stream, one that does not open with `ticket.opened`, events of
    ///   several streams, or a state change whose `from` is not the state the ticket was in.
    public static func rebuild(from events: [StoredEvent]) throws -> Ticket {
        let ordered = events.sorted { $0.sequence < $1.sequence }
        guard let first = ordered.first else { throw TicketRebuildError("no events") }
        guard first.type == .ticketOpened else {
            throw TicketRebuildError("the stream \(first.stream) starts with \(first.type.rawValue), not ticket.opened")
        }
        guard ordered.allSatisfy({ $0.stream == first.stream }) else {
            throw TicketRebuildError("events of several streams")
        }
        guard let businessId = first.businessId else { throw TicketRebuildError("ticket.opened without a business") }
        let opened = try first.decode(TicketOpened.self)
        var ticket = Ticket(
            id: opened.ticketId, businessId: businessId, code: opened.code, state: opened.state, trade: opened.trade,
            priority: opened.priority, problem: opened.problem, propertyAddress: opened.propertyAddress, unit: opened.unit,
            postcode: opened.postcode, accessWindow: opened.accessWindow, tenantName: opened.tenantName,
            tenantPhone: opened.tenantPhone, source: opened.source, sourceRef: opened.sourceRef, vendorId: opened.vendorId,
            appointmentId: opened.appointmentId, createdAt: first.createdAt, updatedAt: first.createdAt,
            closedAt: opened.state == .closed ? first.createdAt : nil, version: 1)
        for event in ordered.dropFirst() {
            switch event.type {
            case .ticketOpened:
                throw TicketRebuildError("a second ticket.opened at sequence \(event.sequence)")
            case .ticketUpdated:
                ticket.details = try event.decode(TicketUpdated.self).details
            case .ticketStateChanged:
                let change = try event.decode(TicketStateChanged.self)
                guard change.from == ticket.state else {
                    throw TicketRebuildError("sequence \(event.sequence) moves from \(change.from.rawValue), but the ticket is \(ticket.state.rawValue)")
                }
                ticket.state = change.to
                ticket.vendorId = change.vendorId
                ticket.appointmentId = change.appointmentId
                if change.to == .closed { ticket.closedAt = event.createdAt }
            default:
                continue
            }
            ticket.updatedAt = event.createdAt
            ticket.version += 1
        }
        return ticket
    }
}
