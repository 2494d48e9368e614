import Events
import Foundation
import Logging
import Maintenance
import Receptionist

/// The booking loop on the server: performs what `DispatchPlanner`, `EscalationPlan` and `DispatchTexts` decide.
///
/// Everything is driven from outside, so a simulator can run it on a virtual clock without HTTP: a new ticket
/// (``advance(ticketId:businessId:)``, called by ``DispatchConsumer`` on `ticket.opened`), a reply
/// (``handle(reply:from:business:messageSid:)``), and the timers (``runTimer(_:)``, the work queue's
/// `dispatch.timer` jobs, which `JobRunner.runDue(now:)` runs when due). Nothing sleeps: every wait is a job row
/// with `run_at`, keyed so that a restart or a second delivery never doubles it.
public struct DispatchService: Sendable {
    let tickets: any TicketRepository
    let vendors: any VendorRepository
    let dispatch: any DispatchRepository
    let businesses: any BusinessRepository
    let appointments: any AppointmentRepository
    let customers: any CustomerRepository
    let events: any EventLog
    let outboundCalls: OutboundCalls
    let logger: Logger
    let now: @Sendable () -> Date
    /// Wakes the job runner after a timer due now was queued.
    let queued: @Sendable () -> Void

    // MARK: - The loop

    /// Runs the planner for the ticket and acts on its decision: an offer (text + timeout timer), a wait (a timer at
    /// an emergency's deadline), or an escalation. Safe to call any number of times: a lost race writes nothing.
    public func advance(ticketId: String, businessId: String) async throws {
        guard let business = try await businesses.get(id: businessId), business.status == .active,
              var ticket = try await tickets.get(id: ticketId, businessId: businessId), ticket.state.isDispatching
        else { return }
        let settings = try await dispatch.settings(businessId: businessId)
        let timestamp = now()
        // An open offer whose time is up counts as timed out (its timer may be late, or not yet run).
        for offer in try await dispatch.offers(ticketId: ticket.id, businessId: businessId)
        where offer.state == .open && timestamp >= offer.expiresAt {
            _ = try await dispatch.resolveOffer(id: offer.id, businessId: businessId, outcome: .timedOut, actor: .system,
                                                reason: "no reply within the offer's time", effects: .none)
        }
        guard let fresh = try await tickets.get(id: ticketId, businessId: businessId) else { return }
        ticket = fresh
        let offers = try await dispatch.offers(ticketId: ticket.id, businessId: businessId)
        let candidates = try await dispatch.candidates(for: ticket)
        let decision = DispatchPlanner.decide(priority: ticket.priority, stage: ticket.state,
                                              candidates: candidates.map(\.id), offers: offers.map(\.planned),
                                              timeouts: settings.offerTimeouts, now: timestamp)
        switch decision {
        case let .offer(vendorId, expiresAt):
            guard let vendor = candidates.first(where: { $0.id == vendorId }) else { return }
            try await offer(ticket, to: vendor, expiresAt: expiresAt, business: business, now: timestamp)
        case let .wait(until):
            // The offer's own timer covers its expiry; an emergency's earlier deadline needs a timer of its own.
            if let open = offers.first(where: { $0.state == .open }), until < open.expiresAt {
                try await dispatch.record(businessId: businessId, effects: DispatchEffects(jobs: [
                    try DispatchTimer.job(.advance, ticketId: ticket.id, businessId: businessId, at: until),
                ]))
                queued()
            }
        case let .escalate(reason):
            try await escalate(ticket, reason: reason, business: business, settings: settings)
        case .done, .idle:
            return
        }
    }

    private func offer(_ ticket: Ticket, to vendor: Vendor, expiresAt: Date, business: Business, now: Date) async throws {
        let window = ticket.priority == .emergency ? nil : try await proposedWindow(business: business, after: now)
        let record = DispatchOfferRecord(businessId: ticket.businessId, ticketId: ticket.id, vendorId: vendor.id,
                                         code: ticket.code, sentAt: now, expiresAt: expiresAt,
                                         windowStart: window?.start, windowEnd: window?.end)
        let job = Self.job(ticket, window: window, business: business)
        let text = OutgoingText(businessId: ticket.businessId, to: vendor.phone, body: DispatchTexts.offer(job, now: now),
                                kind: .customer, dedupeKey: "dispatch-offer:\(record.id)")
        do {
            _ = try await dispatch.openOffer(
                NewDispatchOffer(offer: record, ticketVersion: ticket.version, text: text),
                effects: DispatchEffects(jobs: [try DispatchTimer.job(.expire, ticketId: ticket.id, businessId: ticket.businessId,
                                                                      offerId: record.id, at: expiresAt)]))
            queued()
            logger.info("job offered", metadata: ["ticket": "\(ticket.id)", "vendor": "\(vendor.id)",
                                                  "to": "\(PhoneMask.mask(vendor.phone))"])
        } catch is DispatchConflict {
            // Another node or delivery offered it first.
        }
    }

    /// The visit window offered with a non-emergency job: the first slot the business's booking rules allow in the
    /// next 14 days, or nil when there is none (the offer then says ASAP and the booking is made on acceptance).
    func proposedWindow(business: Business, after now: Date) async throws -> VisitWindow? {
        let rules = business.bookingRules
        let held = try await appointments.heldIntervals(businessId: business.id, from: now, to: now.addingTimeInterval(15 * 86_400))
        var day = LocalDate(now, in: business.zone)
        for _ in 0..<14 {
            if let slot = rules.availability(on: day, existing: held, now: now).first {
                return VisitWindow(start: slot.start, end: slot.end)
            }
            day = day.next
        }
        return nil
    }

    // MARK: - Acceptance

    /// What a vendor's YES did.
    public enum AcceptOutcome: Sendable, Equatable {
        case booked(Ticket)
        /// Someone else has the job, or it no longer needs a vendor: "already taken".
        case alreadyTaken
        /// This vendor has the job already (a second YES): "already yours".
        case alreadyYours
    }

    /// Accepts an offer: books the visit in the CRM under the business's booking rules, moves the ticket to
    /// `scheduled` (first YES wins), texts the vendor, the tenant and the landlord contacts, and sets the reminder
    /// and completion timers — all in the acceptance's transaction.
    ///
    /// The window is the one offered (an emergency's is now, one slot long). When the booking rules refuse it
    /// (the slot was taken meanwhile, the day is full), the job still goes to the vendor who said YES — they are
    /// the scarce party — without a CRM appointment, and the refusal is the state change's reason.
    ///
    /// A YES to an offer that timed out still books the job while nobody has it (the ticket is looking for a vendor
    /// or escalated) and the window it offered has not begun: the vendor is as welcome late as on time. Then the offer open with the next vendor is withdrawn
    /// (they are told), and of two YES at once — the late one and the next vendor's — exactly one wins: the ticket's
    /// move is conditional.
    public func accept(offerId: String, businessId: String) async throws -> AcceptOutcome {
        guard let offer = try await dispatch.offer(id: offerId, businessId: businessId),
              let ticket = try await tickets.get(id: offer.ticketId, businessId: businessId)
        else { return .alreadyTaken }
        let timestamp = now()
        // A late YES holds only while the window it was offered is still ahead (an emergency's is "now").
        let stillAhead = offer.window.map { $0.start > timestamp } ?? true
        guard offer.state.isAcceptable, ticket.state.isBookable, offer.state == .open || stillAhead,
              let vendor = try await vendors.get(id: offer.vendorId, businessId: businessId),
              let business = try await businesses.get(id: businessId)
        else { return Self.refusal(ticket, vendorId: offer.vendorId) }
        let others = try await dispatch.offers(ticketId: ticket.id, businessId: businessId)
            .filter { $0.state == .open && $0.id != offer.id }
        let window = offer.window ?? VisitWindow(
            start: timestamp, end: timestamp.addingTimeInterval(TimeInterval(max(business.settings.slotMinutes, 30) * 60)))
        var reason = offer.state == .open ? "\(vendor.name) accepted the offer"
            : "\(vendor.name) accepted after the offer had timed out"
        var appointmentId: String?
        if let phone = ticket.tenantPhone {
            let customer = try await customer(phone: phone, name: ticket.tenantName, address: ticket.fullAddress,
                                              businessId: businessId)
            let service = "\(ticket.trade.rawValue) - job \(ticket.code)"
            do {
                appointmentId = try await appointments.create(
                    Appointment(businessId: businessId, customerId: customer.id, startAt: window.start, endAt: window.end,
                                service: service, isEmergency: ticket.priority == .emergency,
                                notes: "Job \(ticket.code): \(ticket.problem)", createdAt: timestamp, updatedAt: timestamp),
                    rules: business.bookingRules, now: timestamp).id
            } catch let conflict as BookingConflict {
                // Two YES at once both book the window; the second is refused by the first's appointment, which is
                // this ticket's all the same: whoever wins the ticket keeps it (the loser withdraws only an
                // appointment the ticket does not hold).
                let held = try await appointments.list(
                    businessId: businessId, filter: AppointmentFilter(from: window.start.addingTimeInterval(-3600), to: window.end,
                                                                      customerId: customer.id),
                    limit: 20, cursor: nil).items
                if let same = held.first(where: { $0.service == service && $0.status.holdsTime }) {
                    appointmentId = same.id
                } else {
                    reason += "; no CRM appointment: the booking rules refused the window (\(conflict.rejection))"
                }
            }
        }
        let settings = try await dispatch.settings(businessId: businessId)
        var job = Self.job(ticket, window: window, business: business)
        job.window = window
        var texts = [DispatchText(OutgoingText(businessId: businessId, to: vendor.phone,
                                               body: DispatchTexts.vendorBooked(job, tenantName: ticket.tenantName,
                                                                                tenantPhone: ticket.tenantPhone, now: timestamp),
                                               kind: .customer, dedupeKey: "dispatch-booked:\(ticket.id):\(offer.id)"),
                                  ticketId: ticket.id, notice: .vendorBooked)]
        if let phone = ticket.tenantPhone {
            texts.append(DispatchText(OutgoingText(businessId: businessId, to: phone,
                                                   body: DispatchTexts.tenantConfirmation(job, vendorName: vendor.name, now: timestamp),
                                                   kind: .customer, dedupeKey: "dispatch-confirm:\(ticket.id):\(offer.id)"),
                                      ticketId: ticket.id, notice: .tenantConfirmation))
        }
        for other in others {
            guard let withdrawn = try await vendors.get(id: other.vendorId, businessId: businessId) else { continue }
            texts.append(DispatchText(OutgoingText(businessId: businessId, to: withdrawn.phone,
                                                   body: DispatchTexts.withdrawn(code: other.code), kind: .customer,
                                                   dedupeKey: "dispatch-withdrawn:\(other.id)"),
                                      ticketId: ticket.id, notice: nil))
        }
        for contact in settings.landlordContacts {
            texts.append(DispatchText(OutgoingText(businessId: businessId, to: contact.phone,
                                                   body: DispatchTexts.landlordNotice(job, vendorName: vendor.name, now: timestamp),
                                                   kind: .owner, dedupeKey: "dispatch-landlord:\(ticket.id):\(offer.id):\(contact.phone)"),
                                      ticketId: ticket.id, notice: .landlordNotice))
        }
        var jobs: [NewJob] = []
        for lead in settings.reminderLeads where window.start.addingTimeInterval(-lead) > timestamp {
            jobs.append(try DispatchTimer.job(.remind, ticketId: ticket.id, businessId: businessId, offerId: offer.id,
                                              at: window.start.addingTimeInterval(-lead), tag: "\(Int(lead))"))
        }
        jobs.append(try DispatchTimer.job(.complete, ticketId: ticket.id, businessId: businessId, offerId: offer.id,
                                          at: window.end))
        do {
            let booked = try await dispatch.accept(offerId: offer.id, businessId: businessId, appointmentId: appointmentId,
                                                   reason: reason, effects: DispatchEffects(texts: texts, jobs: jobs))
            queued()
            return .booked(booked)
        } catch is DispatchConflict {
            // Lost the race: the appointment made for this YES is withdrawn, unless the winner holds it.
            let now = try await tickets.get(id: ticket.id, businessId: businessId)
            if let appointmentId, now?.appointmentId != appointmentId {
                _ = try? await appointments.update(id: appointmentId, businessId: businessId,
                                                   AppointmentPatch(status: .cancelled), rules: business.bookingRules,
                                                   now: timestamp)
            }
            guard let now else { return .alreadyTaken }
            return Self.refusal(now, vendorId: offer.vendorId)
        }
    }

    /// Why a YES from `vendorId` cannot book `ticket`: it is theirs already, or not to be had.
    static func refusal(_ ticket: Ticket, vendorId: String) -> AcceptOutcome {
        ticket.vendorId == vendorId && (ticket.state == .scheduled || ticket.state == .closed) ? .alreadyYours : .alreadyTaken
    }

    private func customer(phone: String, name: String?, address: String, businessId: String) async throws -> Customer {
        func existing() async throws -> Customer? {
            try await customers.list(businessId: businessId, phone: phone, text: nil, limit: 1, cursor: nil).items.first
        }
        if let customer = try await existing() { return customer }
        do {
            return try await customers.create(businessId: businessId, CustomerFields(name: .some(name), phone: phone,
                                                                                     address: .some(address)))
        } catch RepositoryError.conflict {
            // Created meanwhile (a second YES for the same tenant at the same moment).
            guard let customer = try await existing() else { throw RepositoryError.conflict("customer \(phone) vanished") }
            return customer
        }
    }

    // MARK: - Escalation

    func escalate(_ ticket: Ticket, reason: DispatchPlanner.EscalationReason, business: Business,
                  settings: DispatchSettings) async throws {
        do {
            _ = try await dispatch.move(
                ticketId: ticket.id, businessId: ticket.businessId,
                TicketStateChange(to: .escalated, actor: .system, reason: reason.rawValue, expectedState: ticket.state,
                                  expectedVersion: ticket.version),
                effects: DispatchEffects(jobs: [try DispatchTimer.job(.escalate, ticketId: ticket.id,
                                                                      businessId: ticket.businessId, at: now(), tag: "0")]))
            queued()
            logger.notice("ticket escalated", metadata: ["ticket": "\(ticket.id)", "reason": "\(reason.rawValue)"])
        } catch is TicketConflict {
            // Someone moved it meanwhile.
        }
    }

    /// Performs the escalation's next due step (a text or a call to a landlord contact) and sets the timer of the
    /// one after; stops once the ticket has left `escalated` (someone acted) or the plan is exhausted.
    func escalationStep(ticketId: String, businessId: String) async throws {
        guard let ticket = try await tickets.get(id: ticketId, businessId: businessId), ticket.state == .escalated,
              let business = try await businesses.get(id: businessId)
        else { return }
        let settings = try await dispatch.settings(businessId: businessId)
        let stream = try await events.events(EventQuery(businessId: businessId, stream: .ticket(ticket.id), limit: 1_000))
        guard let escalation = stream.last(where: {
            $0.type == .ticketStateChanged && (try? $0.decode(TicketStateChanged.self).to) == .escalated
        }) else { return }
        let made = try stream.filter { $0.type == .dispatchEscalationStep && $0.sequence > escalation.sequence }.map {
            let step = try $0.decode(DispatchEscalationStep.self)
            return EscalationAttempt(phone: step.phone, channel: step.channel, at: $0.createdAt)
        }
        let reason = (try? escalation.decode(TicketStateChanged.self).reason).flatMap { $0 }
            .flatMap(DispatchPlanner.EscalationReason.init(rawValue:)) ?? .allDeclinedOrTimedOut
        let timestamp = now()
        guard case .attempt(let step) = settings.escalationPlan.next(after: made, startedAt: escalation.createdAt) else {
            return
        }
        let tag = "\(escalation.sequence):\(made.count)"
        // A step due within the next second is taken now: times come back from storage rounded to the millisecond,
        // so the first step (due at the escalation's stored time) can read as a fraction of a millisecond ahead of
        // the clock that stored it, and its `:due` timer, run at once, would find it not due and — keyed like
        // itself — schedule nothing: the landlord would never be contacted. Steps are minutes apart.
        guard step.at <= timestamp.addingTimeInterval(Self.stepTolerance) else {
            try await dispatch.record(businessId: businessId, effects: DispatchEffects(jobs: [
                try DispatchTimer.job(.escalate, ticketId: ticket.id, businessId: businessId, at: step.at, tag: tag + ":due"),
            ]))
            return
        }
        var texts: [DispatchText] = []
        if step.channel == .sms {
            let body = DispatchTexts.escalation(Self.job(ticket, window: nil, business: business), reason: reason,
                                                tenantName: ticket.tenantName, tenantPhone: ticket.tenantPhone,
                                                emergencyWindowMinutes: Int(settings.emergencyEscalationWindow / 60))
            texts.append(DispatchText(OutgoingText(businessId: businessId, to: step.contact.phone, body: body, kind: .owner,
                                                   dedupeKey: "dispatch-escalate:\(ticket.id):\(tag)"),
                                      ticketId: ticket.id, notice: nil))
        } else {
            let greeting = DispatchTexts.escalationCall(
                Self.job(ticket, window: nil, business: business), businessName: business.name, reason: reason,
                tenantName: ticket.tenantName, emergencyWindowMinutes: Int(settings.emergencyEscalationWindow / 60))
            do {
                _ = try await outboundCalls.place(businessId: businessId, to: step.contact.phone,
                                                  context: .init(greeting: greeting, purpose: "ticket:\(ticket.id)"))
            } catch let error as RepositoryError {
                logger.warning("escalation call not placed", metadata: ["ticket": "\(ticket.id)", "error": "\(error)"])
            }
        }
        let event = EventDraft(businessId: businessId, stream: .ticket(ticket.id), DispatchEscalationStep(
            ticketId: ticket.id, name: step.contact.name, phone: step.contact.phone, channel: step.channel,
            attempt: step.attempt))
        try await dispatch.record(businessId: businessId, effects: DispatchEffects(
            texts: texts, jobs: [try DispatchTimer.job(.escalate, ticketId: ticket.id, businessId: businessId, at: timestamp,
                                                       tag: "\(escalation.sequence):\(made.count + 1)")],
            events: [event]))
        queued()
    }

    // MARK: - Helpers

    /// How early an escalation step may be taken (see ``escalationStep(ticketId:businessId:)``).
    static let stepTolerance: TimeInterval = 1

    static func job(_ ticket: Ticket, window: VisitWindow?, business: Business) -> DispatchJob {
        DispatchJob(code: ticket.code, problem: ticket.problem, address: ticket.fullAddress, priority: ticket.priority,
                    window: window, timeZone: business.zone)
    }
}
