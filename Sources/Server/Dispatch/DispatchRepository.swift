import Events
import Foundation
import Maintenance

/// One offer of a ticket to a vendor. Row of `dispatch_offers`.
public struct DispatchOfferRecord: Codable, Sendable, Equatable, Identifiable {
    /// Lower-case UUID.
    public var id: String
    public var businessId: String
    public var ticketId: String
    public var vendorId: String
    /// The ticket's job code when the offer went out.
    public var code: String
    public var sentAt: Date
    /// When the offer times out: its timer job is due then.
    public var expiresAt: Date
    /// `open`, then `accepted`, `declined`, `timed_out` or `cancelled` (withdrawn: the ticket escalated, was
    /// cancelled or closed, or the vendor texted STOP).
    public var state: DispatchOfferOutcome
    public var resolvedAt: Date?
    /// The offer text's row in the SMS outbox.
    public var outboxId: Int64?
    /// The visit window offered; nil for an emergency (ASAP).
    public var windowStart: Date?
    public var windowEnd: Date?

    public init(id: String = UUID().uuidString.lowercased(), businessId: String, ticketId: String, vendorId: String,
                code: String, sentAt: Date, expiresAt: Date, state: DispatchOfferOutcome = .open, resolvedAt: Date? = nil,
                outboxId: Int64? = nil, windowStart: Date? = nil, windowEnd: Date? = nil) {
        self.id = id
        self.businessId = businessId
        self.ticketId = ticketId
        self.vendorId = vendorId
        self.code = code
        self.sentAt = sentAt
        self.expiresAt = expiresAt
        self.state = state
        self.resolvedAt = resolvedAt
        self.outboxId = outboxId
        self.windowStart = windowStart
        self.windowEnd = windowEnd
    }

    /// The window offered, when there is one.
    public var window: VisitWindow? {
        guard let windowStart, let windowEnd else { return nil }
        return VisitWindow(start: windowStart, end: windowEnd)
    }

    /// The offer as the planner sees it.
    public var planned: DispatchOffer<String> {
        DispatchOffer(vendorId: vendorId, sentAt: sentAt, outcome: state, resolvedAt: resolvedAt)
    }
}

/// A text the booking loop queues with a change, and the `dispatch.notified` event to record it under (nil: none,
/// e.g. the offer text itself, which `dispatch.offer_sent` records).
public struct DispatchText: Sendable, Equatable {
    public var text: OutgoingText
    public var ticketId: String
    public var notice: DispatchNotified.Notice?

    public init(_ text: OutgoingText, ticketId: String, notice: DispatchNotified.Notice?) {
        self.text = text
        self.ticketId = ticketId
        self.notice = notice
    }
}

/// What a dispatch change writes besides its rows, in the same transaction: texts (outbox rows with their
/// `sms.send` jobs), timer jobs of the work queue, and extra events. A change that loses its race writes none of it.
public struct DispatchEffects: Sendable, Equatable {
    public var texts: [DispatchText]
    public var jobs: [NewJob]
    public var events: [EventDraft]

    public init(texts: [DispatchText] = [], jobs: [NewJob] = [], events: [EventDraft] = []) {
        self.texts = texts
        self.jobs = jobs
        self.events = events
    }

    public static let none = DispatchEffects()
}

/// An offer to open: the offer text goes out with it, and its timeout timer (in `effects.jobs`).
public struct NewDispatchOffer: Sendable, Equatable {
    public var offer: DispatchOfferRecord
    /// The ticket's version the decision was made at: the offer opens only while the ticket is still so.
    public var ticketVersion: Int
    /// The offer text to the vendor.
    public var text: OutgoingText

    public init(offer: DispatchOfferRecord, ticketVersion: Int, text: OutgoingText) {
        self.offer = offer
        self.ticketVersion = ticketVersion
        self.text = text
    }
}

/// A dispatch change that lost its race (the offer is no longer open, the ticket moved, another offer is open):
/// nothing was written.
public struct DispatchConflict: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Storage of the booking loop: offers, the round-robin rotation, dispatch settings, and the vendor's opt-out.
///
/// Every write is one transaction holding the offer change, the ticket's move (through the same conditional
/// update `TicketRepository` uses), their events on `ticket:<id>`, and the change's ``DispatchEffects``. The
/// conditions make a race harmless: one open offer per ticket, the first YES wins, and a timer, a NO or a STOP for
/// an offer no longer open changes nothing.
public protocol DispatchRepository: Sendable {
    /// The business's settings; the defaults when it never saved any.
    func settings(businessId: String) async throws -> DispatchSettings
    /// Validates and stores the business's settings (`RepositoryError.invalid` naming the field).
    func saveSettings(_ settings: DispatchSettings, businessId: String) async throws -> DispatchSettings

    /// The vendors that may be offered `ticket` (active, not opted out, the ticket's trade, the postcode in one of
    /// their areas), in round-robin order: never offered a job of the trade first (oldest vendor first), then the
    /// least recently offered.
    func candidates(for ticket: Ticket) async throws -> [Vendor]

    /// Every offer of the ticket, oldest first.
    func offers(ticketId: String, businessId: String) async throws -> [DispatchOfferRecord]
    func offer(id: String, businessId: String) async throws -> DispatchOfferRecord?
    /// The open offers, across tickets, of the business's vendor with this phone: what a bare YES may answer.
    func openOffers(phone: String, businessId: String) async throws -> [DispatchOfferRecord]
    /// The business's scheduled tickets whose tenant or booked vendor has this phone: what a DONE may answer.
    func scheduledTickets(phone: String, businessId: String) async throws -> [Ticket]

    /// Opens an offer, queues its text (the offer's `outboxId`) and `effects`, moves a `new` ticket to
    /// `vendor_contacting`, advances the vendor's rotation, appends `dispatch.offer_sent`.
    /// - Throws: ``DispatchConflict`` when the ticket is not dispatching or not at `ticketVersion`, or has an open
    ///   offer, or the vendor was offered it before.
    func openOffer(_ new: NewDispatchOffer, effects: DispatchEffects) async throws -> DispatchOfferRecord

    /// Ends an open offer as `declined`, `timed_out` or `cancelled`, with `effects`; nil, writing nothing, when it is
    /// not open any more (a second timer, a NO after the timeout).
    func resolveOffer(id: String, businessId: String, outcome: DispatchOfferOutcome, actor: TicketActor, reason: String?,
                      effects: DispatchEffects) async throws -> DispatchOfferRecord?

    /// The first YES: the offer (open, or timed out for a late YES) is accepted and the ticket moves
    /// `vendor_contacting` (or `escalated`) `→ scheduled` with the vendor and `appointmentId`; any other open offer of
    /// the ticket is withdrawn (`cancelled`); all in one transaction with `effects`.
    /// - Throws: ``DispatchConflict`` when the offer is not open or timed out, or the ticket is not
    ///   `vendor_contacting` or `escalated` (someone else won).
    func accept(offerId: String, businessId: String, appointmentId: String?, reason: String,
                effects: DispatchEffects) async throws -> Ticket

    /// Moves the ticket (`change`, conditional as `TicketRepository.transition`), withdrawing any open offer
    /// (`cancelled`, with `change.reason`), with `effects`: an escalation, an auto-close, a DONE.
    func move(ticketId: String, businessId: String, _ change: TicketStateChange,
              effects: DispatchEffects) async throws -> Ticket

    /// Writes `effects` alone (a reminder, an escalation step).
    func record(businessId: String, effects: DispatchEffects) async throws

    /// Sets the vendor's opt-out (a STOP, a START), appending `vendor.changed` when it changes; opting out withdraws
    /// their open offers (`cancelled`), which are returned so the loop can move those tickets on.
    func setOptedOut(vendorId: String, businessId: String, optedOut: Bool) async throws
        -> (vendor: Vendor, withdrawn: [DispatchOfferRecord])
}
