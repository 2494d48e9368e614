import Events
import Foundation
import Maintenance
import Receptionist

extension DispatchService {
    // MARK: - Timers

    /// Runs one `dispatch.timer` (see ``DispatchTimer/Action``).
    func runTimer(_ action: DispatchTimer.Action, ticketId: String, offerId: String?, businessId: String) async throws {
        switch action {
        case .expire:
            if let offerId {
                _ = try await dispatch.resolveOffer(id: offerId, businessId: businessId, outcome: .timedOut, actor: .system,
                                                    reason: "no reply within the offer's time", effects: .none)
            }
            try await advance(ticketId: ticketId, businessId: businessId)
        case .advance:
            try await advance(ticketId: ticketId, businessId: businessId)
        case .remind, .complete, .autoClose:
            try await visitTimer(action, ticketId: ticketId, offerId: offerId, businessId: businessId)
        case .escalate:
            try await escalationStep(ticketId: ticketId, businessId: businessId)
        }
    }

    private func visitTimer(_ action: DispatchTimer.Action, ticketId: String, offerId: String?, businessId: String) async throws {
        guard let ticket = try await tickets.get(id: ticketId, businessId: businessId), ticket.state == .scheduled,
              let offerId, let offer = try await dispatch.offer(id: offerId, businessId: businessId),
              offer.state == .accepted, ticket.vendorId == offer.vendorId,
              let vendor = try await vendors.get(id: offer.vendorId, businessId: businessId),
              let business = try await businesses.get(id: businessId)
        else { return }
        let timestamp = now()
        let settings = try await dispatch.settings(businessId: businessId)
        let window = offer.window
        let job = Self.job(ticket, window: window, business: business)
        func text(_ to: String, _ body: String, _ notice: DispatchNotified.Notice, _ key: String) -> DispatchText {
            DispatchText(OutgoingText(businessId: businessId, to: to, body: body, kind: .customer,
                                      dedupeKey: "dispatch-\(notice.rawValue):\(ticket.id):\(offer.id):\(key)"),
                         ticketId: ticket.id, notice: notice)
        }
        var effects = DispatchEffects()
        switch action {
        case .remind:
            guard window.map({ $0.start > timestamp }) ?? false else { return }
            let key = "\(Int(timestamp.timeIntervalSince1970))"
            // A vendor who texted STOP keeps the job but is texted nothing.
            if !vendor.optedOut {
                effects.texts.append(text(vendor.phone, DispatchTexts.vendorReminder(job, now: timestamp), .vendorReminder, key))
            }
            if let phone = ticket.tenantPhone {
                var reminder = text(phone, DispatchTexts.tenantReminder(job, vendorName: vendor.name, now: timestamp),
                                    .tenantReminder, key)
                // The booking's CRM appointment has its own reminder (the business's reminder hours, keyed
                // `reminder:<appointment>`): the loop's first reminder takes the same key, so the tenant gets one
                // of the two, whichever is queued first, not both.
                let remaining = window.map { $0.start.timeIntervalSince(timestamp) } ?? 0
                if let appointmentId = ticket.appointmentId,
                   settings.reminderLeads.sorted(by: >).dropFirst().allSatisfy({ remaining > $0 }) {
                    reminder.text.dedupeKey = "reminder:\(appointmentId)"
                }
                effects.texts.append(reminder)
            }
            try await dispatch.record(businessId: businessId, effects: effects)
        case .complete:
            if !vendor.optedOut {
                effects.texts.append(text(vendor.phone, DispatchTexts.vendorCompletionRequest(job), .vendorCompletionRequest, "ask"))
            }
            if let phone = ticket.tenantPhone {
                effects.texts.append(text(phone, DispatchTexts.tenantCompletionRequest(job), .tenantCompletionRequest, "ask"))
            }
            if ticket.priority != .emergency {
                effects.jobs.append(try DispatchTimer.job(
                    .autoClose, ticketId: ticket.id, businessId: businessId, offerId: offer.id,
                    at: timestamp.addingTimeInterval(TimeInterval(settings.autoCloseAfterMinutes * 60))))
            }
            try await dispatch.record(businessId: businessId, effects: effects)
        case .autoClose:
            guard ticket.priority != .emergency else { return }
            if let phone = ticket.tenantPhone {
                effects.texts.append(text(phone, DispatchTexts.tenantAutoClosed(code: ticket.code), .tenantAutoClosed, "closed"))
            }
            do {
                _ = try await dispatch.move(
                    ticketId: ticket.id, businessId: businessId,
                    TicketStateChange(to: .closed, actor: .system,
                                      reason: DispatchTexts.autoClosedNote(afterMinutes: settings.autoCloseAfterMinutes),
                                      expectedState: .scheduled, expectedVersion: ticket.version),
                    effects: effects)
            } catch is TicketConflict {}
        default:
            return
        }
        queued()
    }

    // MARK: - Replies

    /// What the SMS webhook should do with a text after ``handle(reply:from:business:messageSid:)``.
    public enum ReplyHandling: Sendable, Equatable {
        /// Not about a job: handle it as an ordinary message (keywords included).
        case notDispatch
        /// A job reply or a vendor's STOP/START; any answer was queued in the outbox. `keepKeyword` says whether
        /// the text's carrier keyword (STOP, START) should still apply to the sender as a customer.
        case handled(keepKeyword: Bool)
    }

    /// Handles an inbound text that may be a vendor's YES/NO/STOP/START or a tenant's or vendor's DONE. Called once
    /// per MessageSid (the webhook stores the text first and skips redeliveries); answers go through the outbox
    /// keyed by the MessageSid.
    ///
    /// A single-word YES from a vendor with an open offer is an acceptance, never a carrier opt-in to a customer
    /// conversation; from anyone else it stays what the SMS layer makes of it.
    public func handle(reply body: String, from phone: String, business: Business, messageSid: String) async throws
        -> ReplyHandling {
        let vendor = try await vendors.vendor(phone: phone, businessId: business.id)
        let keyword = SMSKeyword.classify(body)
        let word = body.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters)).uppercased()
        if let vendor {
            if keyword == .optOut {
                let (_, withdrawn) = try await dispatch.setOptedOut(vendorId: vendor.id, businessId: business.id, optedOut: true)
                for offer in withdrawn { try await advance(ticketId: offer.ticketId, businessId: business.id) }
                return .handled(keepKeyword: true)
            }
            if keyword == .optIn, word != "YES" || vendor.optedOut {
                _ = try await dispatch.setOptedOut(vendorId: vendor.id, businessId: business.id, optedOut: false)
                return .handled(keepKeyword: true)
            }
        }
        let reply = DispatchReply(parsing: body)
        guard let verb = reply.verb else { return .notDispatch }
        func answer(_ text: String) async throws {
            try await dispatch.record(businessId: business.id, effects: DispatchEffects(texts: [DispatchText(
                OutgoingText(businessId: business.id, to: phone, body: text, kind: .customer,
                             dedupeKey: "dispatch-reply:\(messageSid)"), ticketId: "", notice: nil)]))
            queued()
        }
        func answerRefusal(_ outcome: AcceptOutcome, code: String) async throws {
            switch outcome {
            case .booked: return
            case .alreadyTaken: try await answer(DispatchTexts.alreadyTaken(code: code))
            case .alreadyYours: try await answer(DispatchTexts.alreadyYours(code: code))
            }
        }
        switch verb {
        case .accept, .decline:
            guard let vendor else { return .notDispatch }
            let open = try await dispatch.openOffers(phone: phone, businessId: business.id)
            switch reply.match(openCodes: open.map(\.code)) {
            case let .matched(verb, code):
                guard let offer = open.first(where: { $0.code == code }) else { return .notDispatch }
                if verb == .accept {
                    try await answerRefusal(try await accept(offerId: offer.id, businessId: business.id), code: code)
                } else {
                    if try await dispatch.resolveOffer(id: offer.id, businessId: business.id, outcome: .declined,
                                                       actor: TicketActor(.vendor, id: vendor.id), reason: "replied NO",
                                                       effects: .none) != nil {
                        try await answer(DispatchTexts.declined(code: code))
                        try await advance(ticketId: offer.ticketId, businessId: business.id)
                    }
                }
            case .unmatched(.codeNotOpen(let verb, let code, _)) where verb == .accept:
                // A YES for a job this vendor was offered whose offer is no longer open: a late YES books it while
                // nobody has it; otherwise "already taken" (or "already yours" to the vendor who has it).
                if let ticket = try await tickets.openTicket(code: code, businessId: business.id),
                   let mine = try await dispatch.offers(ticketId: ticket.id, businessId: business.id)
                       .last(where: { $0.vendorId == vendor.id }) {
                    let outcome = try await accept(offerId: mine.id, businessId: business.id)
                    if outcome == .alreadyTaken {
                        try await dispatch.record(businessId: business.id, effects: DispatchEffects(events: [EventDraft(
                            businessId: business.id, stream: .ticket(ticket.id),
                            DispatchReplyRecorded(ticketId: ticket.id, actor: TicketActor(.vendor, id: vendor.id),
                                                  verb: "accept", result: "already_taken"))]))
                    }
                    try await answerRefusal(outcome, code: code)
                } else if let text = DispatchTexts.unmatched(.codeNotOpen(verb, code: code, open: open.map(\.code))) {
                    try await answer(text)
                }
            case .unmatched(let reason):
                if let text = DispatchTexts.unmatched(reason) { try await answer(text) }
            }
            return .handled(keepKeyword: false)
        case .done:
            let scheduled = try await dispatch.scheduledTickets(phone: phone, businessId: business.id)
            guard case let .matched(_, code) = reply.match(openCodes: scheduled.map(\.code)),
                  let ticket = scheduled.first(where: { $0.code == code })
            else { return vendor == nil ? .notDispatch : .handled(keepKeyword: false) }
            let actor = ticket.tenantPhone == phone ? TicketActor(.tenant, id: phone) : TicketActor(.vendor, id: vendor?.id)
            do {
                _ = try await dispatch.move(ticketId: ticket.id, businessId: business.id,
                                            TicketStateChange(to: .closed, actor: actor, reason: "replied DONE",
                                                              expectedState: .scheduled),
                                            effects: .none)
            } catch is TicketConflict {}
            return .handled(keepKeyword: false)
        }
    }
}

extension DispatchService {
    /// Whether `body` from `phone` is for the booking loop: anything a vendor of the business texts that is a job
    /// reply or STOP/START, and a DONE from someone with a scheduled job. The webhook asks before storing the text,
    /// so a vendor's YES is not stored as a carrier opt-in.
    public func claims(body: String, from phone: String, businessId: String) async throws -> Bool {
        let verb = DispatchReply(parsing: body).verb
        if try await vendors.vendor(phone: phone, businessId: businessId) != nil {
            return verb != nil || SMSKeyword.classify(body) == .optOut || SMSKeyword.classify(body) == .optIn
        }
        guard verb == .done else { return false }
        return try await !dispatch.scheduledTickets(phone: phone, businessId: businessId).isEmpty
    }
}

/// Lets services built before the job runner wake it once it exists.
final class JobWakeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var wakeUp: (@Sendable () -> Void)?

    func set(_ wake: @escaping @Sendable () -> Void) { lock.withLock { wakeUp = wake } }
    func wake() { lock.withLock { wakeUp }?() }
}
