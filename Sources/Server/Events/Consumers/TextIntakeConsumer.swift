import Events
import Foundation
import Logging
import Maintenance
import Receptionist

/// Maintenance reports by text (issue 12), for businesses with `maintenance_intake` on: a tenant's text that is no
/// carrier keyword, no reply naming a job (`DispatchReply`) and not from one of the business's vendors becomes a ticket
/// draft (`MaintenanceTextIntake`); what is missing is asked by text, and the ticket opens once the address (and
/// unit) is known. A text that names no problem, with nothing pending, is an ordinary message.
///
/// The draft between texts is an event on the customer's stream (`intake.pending`, then `intake.ended`), so the
/// conversation is its own audit trail and survives restarts; a draft older than ``pendingLifetime`` is dropped.
/// Redelivery-safe: each step records the text it answered; a text already answered only re-queues its reply
/// (deduplicated by MessageSid), and the ticket is keyed by the text that completed it.
struct TextIntakeConsumer: EventConsumer {
    let name = "text-intake"
    let types: Set<EventType> = [.smsReceived]

    static let pendingLifetime: TimeInterval = 24 * 3600

    let businesses: any BusinessRepository
    let vendors: any VendorRepository
    let tickets: any TicketRepository
    let events: any EventLog
    let outbox: SMSOutbox
    let logger: Logger
    let queued: @Sendable () -> Void

    func handle(_ event: StoredEvent) async throws {
        guard let businessId = event.businessId, let business = try await businesses.get(id: businessId),
              business.settings.maintenanceIntake else { return }
        let text: SMSReceived
        do { text = try event.decode(SMSReceived.self) } catch {
            throw UnhandleableEvent("\(event.type.rawValue) \(event.id): \(error)")
        }
        // A reply naming a job ("DONE K7Q2") is the booking loop's; a bare verb is read here only for what it says
        // ("No. The heat is off" reports a problem; a lone "yes" names none and stays an ordinary message).
        guard text.keyword == nil, DispatchReply(parsing: text.body).code == nil,
              try await vendors.vendor(phone: text.from, businessId: businessId) == nil else { return }
        let stream = EventStream.customer(text.customerId)
        let last = try await lastStep(stream: stream, businessId: businessId)
        if let last, last.messageSid == text.messageSid {
            // Answered already (the consumer stopped before its checkpoint): only make sure the reply is queued.
            try await reply(last.reply, to: text, business: business)
            return
        }
        let triage = MaintenanceTriage(emergencyPhrases: business.settings.emergencyPhrases)
        let pending: MaintenanceTextIntake.Pending
        if let previous = last?.pending, event.createdAt.timeIntervalSince(last?.at ?? .distantPast) < Self.pendingLifetime {
            pending = MaintenanceTextIntake.fold(text.body, into: previous, triage: triage)
        } else if let started = MaintenanceTextIntake.start(text.body, from: text.from, triage: triage) {
            pending = started
        } else {
            return
        }
        let step: EventDraft
        let replyText: String
        switch MaintenanceTextIntake.next(pending, emergencyNumber: business.settings.emergencyNumber) {
        case .ask(let question, let waiting):
            let json = String(decoding: try JSONEncoder().encode(waiting), as: UTF8.self)
            step = EventDraft(businessId: businessId, stream: stream,
                              TextIntakePending(messageSid: text.messageSid, pending: json, reply: question))
            replyText = question
        case .ready(let draft, let acknowledgement):
            let ticket = try await tickets.create(NewTicket(
                businessId: businessId, details: try Self.details(of: draft), source: .sms, sourceRef: text.messageSid,
                actor: TicketActor(.tenant, id: text.from)))
            logger.info("ticket opened from a text", metadata: [
                "ticket": "\(ticket.id)", "code": "\(ticket.code)", "from": "\(PhoneMask.mask(text.from))"])
            step = EventDraft(businessId: businessId, stream: stream, TextIntakeEnded(
                messageSid: text.messageSid, outcome: "opened", ticketId: ticket.id, reply: acknowledgement))
            replyText = acknowledgement
        case .unresolved(_, let handOver):
            step = EventDraft(businessId: businessId, stream: stream, TextIntakeEnded(
                messageSid: text.messageSid, outcome: "unresolved", ticketId: nil, reply: handOver))
            replyText = handOver
            try await outbox.enqueueOwnerAlert(
                business: business, body: "\(business.name): a maintenance text from \(text.from) has no address yet: \(pending.draft.problem)",
                dedupeKey: "intake-unresolved:\(business.id):\(text.messageSid)")
        }
        _ = try await events.append([step])
        try await reply(replyText, to: text, business: business)
    }

    /// The customer's latest intake step, with its draft when one is pending.
    private func lastStep(stream: EventStream, businessId: String) async throws
        -> (messageSid: String, reply: String, pending: MaintenanceTextIntake.Pending?, at: Date)? {
        var after: Int64 = 0
        var last: StoredEvent?
        while true {
            let page = try await events.events(EventQuery(businessId: businessId, after: after, stream: stream,
                                                          types: [.textIntakePending, .textIntakeEnded], limit: 100))
            guard let end = page.last else { break }
            last = end
            after = end.id
            if page.count < 100 { break }
        }
        guard let last else { return nil }
        if last.type == .textIntakeEnded {
            let ended = try last.decode(TextIntakeEnded.self)
            return (ended.messageSid, ended.reply, nil, last.createdAt)
        }
        let waiting = try last.decode(TextIntakePending.self)
        let pending = try JSONDecoder().decode(MaintenanceTextIntake.Pending.self, from: Data(waiting.pending.utf8))
        return (waiting.messageSid, waiting.reply, pending, last.createdAt)
    }

    private func reply(_ body: String, to text: SMSReceived, business: Business) async throws {
        if try await outbox.enqueue(businessId: business.id, to: text.from, body: body, kind: .customer,
                                    dedupeKey: "intake-reply:\(business.id):\(text.messageSid)") != nil {
            queued()
        }
    }

    static func details(of draft: TicketDraft) throws -> TicketDetails {
        guard let address = draft.address else { throw UnhandleableEvent("a text intake without an address") }
        return TicketDetails(trade: draft.trade, priority: draft.priority, problem: draft.problem, propertyAddress: address,
                             unit: draft.unit, postcode: draft.postcode, accessWindow: draft.accessWindow,
                             tenantName: draft.name, tenantPhone: draft.phone)
    }
}
