import Foundation

/// Where a ticket came from. Raw values are public API (REST, stored rows, events).
public enum TicketSource: String, Codable, Sendable, CaseIterable {
    /// The receptionist's maintenance path on a call (`sourceRef` is the CallSid).
    case call
    /// A tenant's text to the business number (`sourceRef` is the MessageSid).
    case sms
    /// `POST /v1/tickets`.
    case rest
}

/// Who or what caused a change to a ticket, as the audit trail records it.
public struct TicketActor: Codable, Sendable, Equatable, Hashable {
    /// Raw values are public API (events, the timeline).
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// The tenant who reported the problem (their call or text).
        case tenant
        /// A vendor (their reply to an offer, their DONE).
        case vendor
        /// A landlord contact (acting on an escalation).
        case landlord
        /// Someone with the business's API key (the REST routes); `id` is the key's display prefix.
        case admin
        /// FrontDesk itself (the booking loop's timers, auto-close).
        case system
    }

    public var kind: Kind
    /// Which one: a vendor's id, a key's prefix, a tenant's phone …; nil when there is nothing more to say.
    public var id: String?

    public init(_ kind: Kind, id: String? = nil) {
        self.kind = kind
        self.id = id
    }

    public static let system = TicketActor(.system)
}

/// A maintenance job: what is wrong, where, who reported it, and where it is in the booking loop.
///
/// Row of `tickets`. Every change to the row appends an event to the ticket's stream (`ticket:<id>`) in the same
/// transaction, and ``rebuild(from:)`` turns that stream back into this value exactly.
public struct Ticket: Codable, Sendable, Equatable, Identifiable {
    /// Lower-case UUID.
    public var id: String
    public var businessId: String
    /// The 4-character job code texts use (`K7Q2`), unique among the business's open tickets (``TicketCode``).
    public var code: String
    public var state: TicketState
    public var trade: Trade
    public var priority: TicketPriority
    /// What is wrong, in the tenant's words or a short summary of them ("no hot water since this morning").
    public var problem: String
    /// Where the work is: the property's street address ("14 Elm St, Springfield").
    public var propertyAddress: String
    /// The flat or unit inside the property ("Apt 2"), if any.
    public var unit: String?
    /// The postcode or ZIP, normalised (upper-case, no spaces: ``Postcode/normalized(_:)``); vendors' service areas
    /// are matched against it. Nil when not known yet: then no vendor covers the ticket.
    public var postcode: String?
    /// When a vendor can get in, as the tenant said it ("weekdays after 3pm", "any time, key with the concierge").
    public var accessWindow: String?
    public var tenantName: String?
    /// E.164.
    public var tenantPhone: String?
    public var source: TicketSource
    /// The call's CallSid or the text's MessageSid the ticket was opened from; nil for REST. A second intake of
    /// the same source is the same ticket.
    public var sourceRef: String?
    /// The vendor booked (set with the move to `scheduled`).
    public var vendorId: String?
    /// The CRM appointment of the visit (set with the move to `scheduled`).
    public var appointmentId: String?
    public var createdAt: Date
    /// When the row last changed: the time of the newest event that changed it.
    public var updatedAt: Date
    /// When the ticket became `closed`; nil until then (a cancelled ticket is not closed).
    public var closedAt: Date?
    /// 1 when opened, +1 with every change: the number of row-changing events in the ticket's stream. A state
    /// change is conditional on it, so two concurrent changes cannot both win.
    public var version: Int

    public init(
        id: String = UUID().uuidString.lowercased(), businessId: String, code: String, state: TicketState = .new,
        trade: Trade, priority: TicketPriority, problem: String, propertyAddress: String, unit: String? = nil,
        postcode: String? = nil, accessWindow: String? = nil, tenantName: String? = nil, tenantPhone: String? = nil,
        source: TicketSource, sourceRef: String? = nil, vendorId: String? = nil, appointmentId: String? = nil,
        createdAt: Date, updatedAt: Date, closedAt: Date? = nil, version: Int = 1
    ) {
        self.id = id
        self.businessId = businessId
        self.code = code
        self.state = state
        self.trade = trade
        self.priority = priority
        self.problem = problem
        self.propertyAddress = propertyAddress
        self.unit = unit
        self.postcode = postcode
        self.accessWindow = accessWindow
        self.tenantName = tenantName
        self.tenantPhone = tenantPhone
        self.source = source
        self.sourceRef = sourceRef
        self.vendorId = vendorId
        self.appointmentId = appointmentId
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.closedAt = closedAt
        self.version = version
    }

    /// The address a vendor goes to: the property and the unit ("14 Elm St, Apt 2").
    public var fullAddress: String {
        guard let unit, !unit.isEmpty else { return propertyAddress }
        return "\(propertyAddress), \(unit)"
    }
}
