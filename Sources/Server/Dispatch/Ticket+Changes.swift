import Foundation
import Maintenance

// The rules of every ticket write, in one place for every storage backend: each backend reads the row, applies one
// of these, and stores the result with its event in one transaction.

extension NewTicket {
    /// The ticket to store: details validated and tidied, state `new`, version 1.
    func ticket(code: String, at timestamp: Date) throws -> Ticket {
        let details = try validatingTicket { try self.details.validated() }
        if let sourceRef, sourceRef.isEmpty || sourceRef.count > 64 {
            throw RepositoryError.invalid("sourceRef must be 1–64 characters")
        }
        var ticket = Ticket(businessId: businessId, code: code, trade: details.trade, priority: details.priority,
                            problem: details.problem, propertyAddress: details.propertyAddress, source: source,
                            sourceRef: sourceRef, createdAt: timestamp, updatedAt: timestamp)
        ticket.details = details
        return ticket
    }
}

extension TicketPatch {
    /// `ticket` with this patch applied at `timestamp`, and its `ticket.updated` event — nil (and the ticket unchanged)
    /// when the patch changes nothing.
    func applied(to ticket: Ticket, actor: TicketActor, at timestamp: Date) throws -> (ticket: Ticket, event: TicketUpdated?) {
        var details = ticket.details
        if let trade { details.trade = trade }
        if let priority { details.priority = priority }
        if let problem { details.problem = problem }
        if let propertyAddress { details.propertyAddress = propertyAddress }
        if let unit { details.unit = unit }
        if let postcode { details.postcode = postcode }
        if let accessWindow { details.accessWindow = accessWindow }
        if let tenantName { details.tenantName = tenantName }
        if let tenantPhone { details.tenantPhone = tenantPhone }
        details = try validatingTicket { try details.validated() }
        guard details != ticket.details else { return (ticket, nil) }
        var updated = ticket
        updated.details = details
        updated.updatedAt = timestamp
        updated.version += 1
        return (updated, TicketUpdated(ticketId: ticket.id, before: ticket.details, after: details, actor: actor))
    }
}

extension TicketStateChange {
    /// `ticket` after this move at `timestamp`, and its `ticket.state_changed` event.
    /// - Throws: `TicketConflict` when the ticket is not in the expected state or version; `IllegalTicketTransition`
    ///   when the table forbids the move; `RepositoryError.invalid` for a reason that is too long.
    func applied(to ticket: Ticket, at timestamp: Date) throws -> (ticket: Ticket, event: TicketStateChanged) {
        if let expectedState, expectedState != ticket.state {
            throw TicketConflict(ticketId: ticket.id, state: ticket.state, version: ticket.version)
        }
        if let expectedVersion, expectedVersion != ticket.version {
            throw TicketConflict(ticketId: ticket.id, state: ticket.state, version: ticket.version)
        }
        try TicketTransitions.check(from: ticket.state, to: to)
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let reason, reason.count > Self.maxReasonLength {
            throw RepositoryError.invalid("reason must be at most \(Self.maxReasonLength) characters")
        }
        var moved = ticket
        moved.state = to
        if let vendorId { moved.vendorId = vendorId?.lowercased() }
        if let appointmentId { moved.appointmentId = appointmentId?.lowercased() }
        if to == .closed { moved.closedAt = timestamp }
        moved.updatedAt = timestamp
        moved.version += 1
        let event = TicketStateChanged(ticketId: ticket.id, from: ticket.state, to: to, actor: actor,
                                       reason: reason.flatMap { $0.isEmpty ? nil : $0 },
                                       vendorId: moved.vendorId, appointmentId: moved.appointmentId)
        return (moved, event)
    }

    /// The vendor and appointment this move newly sets, which the backend checks belong to the business.
    var assigned: (vendorId: String?, appointmentId: String?) {
        (vendorId.flatMap { $0?.lowercased() }, appointmentId.flatMap { $0?.lowercased() })
    }
}

/// Runs `body`, turning a `TicketValidationError` into `RepositoryError.invalid` with the same message.
func validatingTicket<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as TicketValidationError {
        throw RepositoryError.invalid(error.message)
    }
}
