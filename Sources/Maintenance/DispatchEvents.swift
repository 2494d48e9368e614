import Events
import Foundation

// The booking loop's events. Each is appended to the ticket's stream (`ticket:<id>`) in the transaction of the
// change it describes, so `GET /v1/tickets/{id}/timeline` tells the whole story; none changes the ticket's row
// (``Ticket/rebuild(from:)`` skips them).

/// A job offer went to a vendor (`dispatch.offer_sent`): the offer text is queued in the same transaction and its
/// timeout is a timer job due at `expiresAt`.
public struct DispatchOfferSent: EventPayload {
    public static let type = EventType.dispatchOfferSent
    public var ticketId: String
    public var offerId: String
    public var vendorId: String
    public var code: String
    public var expiresAt: Date
    /// The visit window offered; absent for an emergency (ASAP).
    public var windowStart: Date?
    public var windowEnd: Date?

    public init(ticketId: String, offerId: String, vendorId: String, code: String, expiresAt: Date,
                windowStart: Date?, windowEnd: Date?) {
        self.ticketId = ticketId
        self.offerId = offerId
        self.vendorId = vendorId
        self.code = code
        self.expiresAt = expiresAt
        self.windowStart = windowStart
        self.windowEnd = windowEnd
    }
}

/// An open offer ended (`dispatch.offer_resolved`): accepted, declined, timed out or withdrawn.
public struct DispatchOfferResolved: EventPayload {
    public static let type = EventType.dispatchOfferResolved
    public var ticketId: String
    public var offerId: String
    public var vendorId: String
    public var outcome: DispatchOfferOutcome
    public var actor: TicketActor
    public var reason: String?

    public init(ticketId: String, offerId: String, vendorId: String, outcome: DispatchOfferOutcome, actor: TicketActor,
                reason: String?) {
        self.ticketId = ticketId
        self.offerId = offerId
        self.vendorId = vendorId
        self.outcome = outcome
        self.actor = actor
        self.reason = reason
    }
}

/// A reply about this job that changed nothing (`dispatch.reply`): a late or losing YES, a DONE for a job not
/// awaiting one. Replies that change something show as the offer's outcome or the state change instead.
public struct DispatchReplyRecorded: EventPayload {
    public static let type = EventType.dispatchReply
    public var ticketId: String
    public var actor: TicketActor
    /// `accept`, `decline`, `done`.
    public var verb: String
    /// What came of it: `already_taken`, `not_open`.
    public var result: String

    public init(ticketId: String, actor: TicketActor, verb: String, result: String) {
        self.ticketId = ticketId
        self.actor = actor
        self.verb = verb
        self.result = result
    }
}

/// A text about the job was queued (`dispatch.notified`): who it went to and which text it was.
public struct DispatchNotified: EventPayload {
    public static let type = EventType.dispatchNotified
    /// Raw values are public API (events, the timeline).
    public enum Notice: String, Codable, Sendable, CaseIterable {
        case vendorBooked = "vendor_booked"
        case tenantConfirmation = "tenant_confirmation"
        case landlordNotice = "landlord_notice"
        case vendorReminder = "vendor_reminder"
        case tenantReminder = "tenant_reminder"
        case vendorCompletionRequest = "vendor_completion_request"
        case tenantCompletionRequest = "tenant_completion_request"
        case tenantAutoClosed = "tenant_auto_closed"
    }

    public var ticketId: String
    public var notice: Notice
    /// The outbox row of the text.
    public var outboxId: Int64?

    public init(ticketId: String, notice: Notice, outboxId: Int64?) {
        self.ticketId = ticketId
        self.notice = notice
        self.outboxId = outboxId
    }
}

/// One step of an escalation was performed (`dispatch.escalation_step`): a text or a call to a landlord contact.
/// ``EscalationPlan/next(after:startedAt:)`` reads these back as the steps made.
public struct DispatchEscalationStep: EventPayload {
    public static let type = EventType.dispatchEscalationStep
    public var ticketId: String
    public var name: String
    public var phone: String
    public var channel: EscalationPlan.Channel
    public var attempt: Int

    public init(ticketId: String, name: String, phone: String, channel: EscalationPlan.Channel, attempt: Int) {
        self.ticketId = ticketId
        self.name = name
        self.phone = phone
        self.channel = channel
        self.attempt = attempt
    }
}
