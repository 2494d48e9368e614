import Events
import Foundation
import Logging
import Maintenance

/// Opens the maintenance ticket a caller confirmed (`call.ticket_requested`, appended with the turn that promised
/// it). Idempotent: the ticket's source is the call (`sourceRef` = CallSid), and the repository returns the
/// existing ticket for a source it has seen, so a second delivery opens nothing. The opened ticket's own
/// `ticket.opened` event starts the booking loop.
struct TicketIntakeConsumer: EventConsumer {
    let name = "ticket-intake"
    let types: Set<EventType> = [.ticketRequested]

    let tickets: any TicketRepository
    let logger: Logger

    func handle(_ event: StoredEvent) async throws {
        guard let businessId = event.businessId, event.stream.kind == "call" else { return }
        let request: TicketRequested
        do { request = try event.decode(TicketRequested.self) } catch {
            throw UnhandleableEvent("\(event.type.rawValue) \(event.id): \(error)")
        }
        let details = try Self.details(of: request)
        do {
            let ticket = try await tickets.create(NewTicket(
                businessId: businessId, details: details, source: .call, sourceRef: event.stream.id,
                actor: TicketActor(.tenant, id: request.phone)))
            logger.info("ticket opened from a call", metadata: [
                "ticket": "\(ticket.id)", "code": "\(ticket.code)", "priority": "\(ticket.priority.rawValue)"])
        } catch let error as RepositoryError {
            // Fields the ticket rules refuse can never be stored by trying again.
            if case .invalid(let message) = error { throw UnhandleableEvent("\(event.id): \(message)") }
            throw error
        }
    }

    /// The ticket's details from the caller's report. A report without an address (the machine asks for one before
    /// its read-back, so only an old or hand-made event lacks it) cannot become a ticket.
    static func details(of request: TicketRequested) throws -> TicketDetails {
        guard let trade = Trade(parsing: request.trade), let priority = TicketPriority(parsing: request.priority) else {
            throw UnhandleableEvent("unknown trade \"\(request.trade)\" or priority \"\(request.priority)\"")
        }
        guard let address = request.address?.trimmingCharacters(in: .whitespaces), !address.isEmpty else {
            throw UnhandleableEvent("a maintenance report without an address")
        }
        return TicketDetails(trade: trade, priority: priority, problem: request.problem, propertyAddress: address,
                             unit: request.unit, postcode: request.postcode, accessWindow: request.accessWindow,
                             tenantName: request.name, tenantPhone: request.phone)
    }
}
