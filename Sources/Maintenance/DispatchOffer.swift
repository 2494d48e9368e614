import Foundation

/// How a job offer to one vendor ended (or that it has not). Raw values are public API (stored rows, events).
public enum DispatchOfferOutcome: String, Codable, Sendable, CaseIterable {
    /// Sent, waiting for the vendor.
    case open
    /// The vendor replied YES and won the job.
    case accepted
    /// The vendor replied NO.
    case declined
    /// The offer's time ran out without a reply. A late YES still wins while nobody has the job (the offer then
    /// becomes `accepted`); once someone has it, the answer is "already taken".
    case timedOut = "timed_out"
    /// Withdrawn before the vendor answered: the ticket was cancelled or escalated, or the vendor texted STOP.
    case cancelled

    /// Whether a YES to an offer in this state can take the job: open, or timed out (a late YES).
    public var isAcceptable: Bool { self == .open || self == .timedOut }

    /// Whether the vendor answered (YES or NO).
    public var isReply: Bool { self == .accepted || self == .declined }
}

/// One offer of a ticket to a vendor, as the planner and the measures see it.
public struct DispatchOffer<VendorID: Hashable & Sendable>: Sendable, Equatable {
    public var vendorId: VendorID
    /// When the offer text was sent.
    public var sentAt: Date
    public var outcome: DispatchOfferOutcome
    /// When the outcome was reached (the reply, the timeout, the cancellation); nil while open.
    public var resolvedAt: Date?

    public init(vendorId: VendorID, sentAt: Date, outcome: DispatchOfferOutcome, resolvedAt: Date? = nil) {
        self.vendorId = vendorId
        self.sentAt = sentAt
        self.outcome = outcome
        self.resolvedAt = resolvedAt
    }
}
