import Foundation
import Maintenance

/// A ticket to open: what is wrong and where, where it came from, and who opened it.
public struct NewTicket: Sendable, Equatable {
    public var businessId: String
    public var details: TicketDetails
    public var source: TicketSource
    /// The CallSid or MessageSid it was opened from; the same source again is the same ticket.
    public var sourceRef: String?
    public var actor: TicketActor

    public init(businessId: String, details: TicketDetails, source: TicketSource, sourceRef: String? = nil,
                actor: TicketActor) {
        self.businessId = businessId
        self.details = details
        self.source = source
        self.sourceRef = sourceRef
        self.actor = actor
    }
}

/// Which tickets a listing returns. Every condition given must hold.
public struct TicketFilter: Sendable, Equatable {
    public var state: TicketState?
    public var trade: Trade?
    public var priority: TicketPriority?
    /// The property address contains this text (ASCII letters in either case; `%` and `_` are literal).
    public var property: String?
    /// Created at or after this instant.
    public var createdFrom: Date?
    /// Created before this instant.
    public var createdTo: Date?

    public init(state: TicketState? = nil, trade: Trade? = nil, priority: TicketPriority? = nil, property: String? = nil,
                createdFrom: Date? = nil, createdTo: Date? = nil) {
        self.state = state
        self.trade = trade
        self.priority = priority
        self.property = property
        self.createdFrom = createdFrom
        self.createdTo = createdTo
    }
}

extension TicketFilter {
    /// The `LIKE` pattern of "the address contains `property`", its wildcards and escape character escaped with a
    /// backslash; nil when there is no property filter.
    var propertyPattern: String? {
        guard let property, !property.isEmpty else { return nil }
        return "%" + property.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
    }
}

/// What a client may change on a ticket's details: nil leaves a field alone, `.some(nil)` clears an optional one.
/// The state is never patched: it moves only through ``TicketRepository/transition(id:businessId:_:)``.
public struct TicketPatch: Sendable, Equatable {
    public var trade: Trade?
    public var priority: TicketPriority?
    public var problem: String?
    public var propertyAddress: String?
    public var unit: String??
    public var postcode: String??
    public var accessWindow: String??
    public var tenantName: String??
    public var tenantPhone: String??

    public init(trade: Trade? = nil, priority: TicketPriority? = nil, problem: String? = nil,
                propertyAddress: String? = nil, unit: String?? = nil, postcode: String?? = nil,
                accessWindow: String?? = nil, tenantName: String?? = nil, tenantPhone: String?? = nil) {
        self.trade = trade
        self.priority = priority
        self.problem = problem
        self.propertyAddress = propertyAddress
        self.unit = unit
        self.postcode = postcode
        self.accessWindow = accessWindow
        self.tenantName = tenantName
        self.tenantPhone = tenantPhone
    }
}

/// A move of a ticket to another state, with who made it and why.
///
/// The booking loop passes what it expects (`expectedState`, and `expectedVersion` when it read the ticket): when
/// the ticket is no longer so — another vendor's YES won, a timer fired, someone cancelled — the move is not made
/// and ``TicketConflict`` is thrown. Two concurrent moves of one ticket never both succeed.
public struct TicketStateChange: Sendable, Equatable {
    public var to: TicketState
    public var actor: TicketActor
    /// Why, in words; at most 500 characters.
    public var reason: String?
    /// Move only from this state.
    public var expectedState: TicketState?
    /// Move only at this version.
    public var expectedVersion: Int?
    /// Set (`.some(id)`), clear (`.some(nil)`) or keep (nil) the booked vendor with the move; the vendor must be the
    /// business's.
    public var vendorId: String??
    /// Set, clear or keep the visit's appointment with the move; the appointment must be the business's.
    public var appointmentId: String??

    public init(to: TicketState, actor: TicketActor, reason: String? = nil, expectedState: TicketState? = nil,
                expectedVersion: Int? = nil, vendorId: String?? = nil, appointmentId: String?? = nil) {
        self.to = to
        self.actor = actor
        self.reason = reason
        self.expectedState = expectedState
        self.expectedVersion = expectedVersion
        self.vendorId = vendorId
        self.appointmentId = appointmentId
    }

    public static let maxReasonLength = 500
}

/// The ticket was not as a state change expected (or changed while it ran): nothing was written. `state` and
/// `version` are the ticket's now.
public struct TicketConflict: Error, Sendable, Equatable, CustomStringConvertible {
    public let ticketId: String
    public let state: TicketState
    public let version: Int

    public var description: String {
        "ticket \(ticketId) changed meanwhile: it is \(state.rawValue) at version \(version)"
    }
}

/// Storage of maintenance tickets. Every write stores the row and appends its event to `ticket:<id>` in one
/// transaction (`ticket.opened`, `ticket.updated`, `ticket.state_changed`), so `Ticket.rebuild(from:)` of the stream
/// is the row.
///
/// Errors: `RepositoryError.notFound` for an unknown (or another business's) ticket, `.invalid` for bad fields
/// (the message starts with the field's Swift name), `IllegalTicketTransition` for a move the table forbids,
/// `TicketConflict` when a move lost to another change.
public protocol TicketRepository: Sendable {
    /// Opens a ticket in state `new`, with a job code unique among the business's open tickets. When the business
    /// already has a ticket from the same `source` and `sourceRef` (a redelivered call or text), that ticket is
    /// returned and nothing is written.
    func create(_ ticket: NewTicket) async throws -> Ticket
    func get(id: String, businessId: String) async throws -> Ticket?
    /// The business's open ticket with this job code (case-insensitive), if any: how replies find their job.
    func openTicket(code: String, businessId: String) async throws -> Ticket?
    /// Tickets in creation order (then id), paginated.
    func list(businessId: String, filter: TicketFilter, limit: Int, cursor: String?) async throws -> Page<Ticket>
    /// Applies `patch` to the details; appends `ticket.updated` (and raises the version) only when something changed.
    func update(id: String, businessId: String, _ patch: TicketPatch, actor: TicketActor) async throws -> Ticket
    /// Moves the ticket when the transition table allows it and it is as `change` expects, conditionally on the
    /// state and version it was read at; appends `ticket.state_changed`.
    func transition(id: String, businessId: String, _ change: TicketStateChange) async throws -> Ticket
}
