import Events
import Foundation
import Maintenance

/// The booking loop's timers: one work-queue job kind, `dispatch.timer`, due at its `run_at`. Each is keyed by what
/// it is for (`dispatch-timer:<action>:<ticket>:<offer or tag>`), so a redelivered event, a retried write or a
/// restart never sets one twice, and each re-reads the ticket when it fires: a timer for something that already
/// happened does nothing.
struct DispatchTimer: JobHandler {
    static let kind = "dispatch.timer"
    var kind: String { Self.kind }

    enum Action: String, Codable, Sendable {
        /// The offer's time is up: timed out if still open, then the next vendor.
        case expire
        /// Run the planner again (an emergency's deadline).
        case advance
        /// A reminder to tenant and vendor before the visit.
        case remind
        /// The visit window ended: ask tenant and vendor to reply DONE.
        case complete
        /// No DONE in time: close a non-emergency ticket with a note.
        case autoClose = "auto_close"
        /// The escalation's next step.
        case escalate
    }

    struct Payload: Codable, Sendable {
        var action: Action
        var ticketId: String
        var offerId: String?
    }

    let service: DispatchService

    static func job(_ action: Action, ticketId: String, businessId: String, offerId: String? = nil, at: Date,
                    tag: String? = nil) throws -> NewJob {
        let key = ["dispatch-timer", action.rawValue, ticketId, offerId ?? "-", tag ?? "-"].joined(separator: ":")
        return try NewJob(kind: kind, businessId: businessId, payload: Payload(action: action, ticketId: ticketId, offerId: offerId),
                          dedupeKey: key, runAt: at)
    }

    func run(_ job: Job) async throws {
        let payload: Payload
        do { payload = try job.decode(Payload.self) } catch { throw PermanentJobError("bad payload: \(error)") }
        guard let businessId = job.businessId else { throw PermanentJobError("a dispatch timer without a business") }
        try await service.runTimer(payload.action, ticketId: payload.ticketId, offerId: payload.offerId,
                                   businessId: businessId)
    }
}

/// Starts the booking loop for every new ticket, however it was opened (REST, a call, a text): on `ticket.opened`
/// it runs the planner. Idempotent: a second delivery finds the offer open (or the ticket moved) and writes nothing.
struct DispatchConsumer: EventConsumer {
    let name = "dispatch"
    let types: Set<EventType> = [.ticketOpened]
    let service: DispatchService

    func handle(_ event: StoredEvent) async throws {
        guard let businessId = event.businessId else {
            throw UnhandleableEvent("\(event.type.rawValue) \(event.id) belongs to no business")
        }
        let opened: TicketOpened
        do { opened = try event.decode(TicketOpened.self) } catch {
            throw UnhandleableEvent("\(event.type.rawValue) \(event.id): \(error)")
        }
        guard opened.state == .new else { return }
        try await service.advance(ticketId: opened.ticketId, businessId: businessId)
    }
}
