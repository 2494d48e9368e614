import Foundation

/// The one table of legal ticket moves, and the rule each illegal one breaks (said in a 409's `rule`).
///
/// | from | to | when |
/// |---|---|---|
/// | new | vendor_contacting | the first offer goes to a vendor |
/// | new | scheduled | booked directly (by hand, or a vendor assigned on opening) |
/// | new | escalated | no vendor covers the trade and area |
/// | new | cancelled | withdrawn before any vendor was asked |
/// | vendor_contacting | scheduled | a vendor accepted |
/// | vendor_contacting | escalated | every vendor declined or timed out, or an emergency waited too long |
/// | vendor_contacting | cancelled | withdrawn while vendors were being asked |
/// | scheduled | closed | the work is done |
/// | scheduled | vendor_contacting | the booked vendor dropped out: the job goes out again |
/// | scheduled | escalated | the booked vendor dropped out and nobody else can come |
/// | scheduled | cancelled | withdrawn after booking |
/// | escalated | vendor_contacting | the landlord asks for vendors to be tried again |
/// | escalated | scheduled | the landlord booked someone |
/// | escalated | closed | the landlord dealt with it |
/// | escalated | cancelled | withdrawn while escalated |
///
/// Every other move is illegal; ``rule(from:to:)`` says why, checking in this order: staying put ("the ticket is
/// already closed"), leaving a final state ("a closed ticket cannot be reopened; open a new ticket"), going back to
/// `new`, closing a ticket that was never booked or escalated.
public enum TicketTransitions {
    /// A legal move and what it means.
    public struct Move: Sendable, Equatable, Hashable {
        public let from: TicketState
        public let to: TicketState
        /// When the move happens, for the docs and the timeline.
        public let meaning: String
    }

    /// Every legal move.
    public static let legal: [Move] = [
        Move(from: .new, to: .vendorContacting, meaning: "the first offer goes to a vendor"),
        Move(from: .new, to: .scheduled, meaning: "booked directly"),
        Move(from: .new, to: .escalated, meaning: "no vendor covers the trade and area"),
        Move(from: .new, to: .cancelled, meaning: "withdrawn before any vendor was asked"),
        Move(from: .vendorContacting, to: .scheduled, meaning: "a vendor accepted"),
        Move(from: .vendorContacting, to: .escalated, meaning: "no vendor took the job in time"),
        Move(from: .vendorContacting, to: .cancelled, meaning: "withdrawn while vendors were being asked"),
        Move(from: .scheduled, to: .closed, meaning: "the work is done"),
        Move(from: .scheduled, to: .vendorContacting, meaning: "the booked vendor dropped out: the job goes out again"),
        Move(from: .scheduled, to: .escalated, meaning: "the booked vendor dropped out and nobody else can come"),
        Move(from: .scheduled, to: .cancelled, meaning: "withdrawn after booking"),
        Move(from: .escalated, to: .vendorContacting, meaning: "vendors are tried again"),
        Move(from: .escalated, to: .scheduled, meaning: "the landlord booked someone"),
        Move(from: .escalated, to: .closed, meaning: "the landlord dealt with it"),
        Move(from: .escalated, to: .cancelled, meaning: "withdrawn while escalated"),
    ]

    private static let legalPairs: Set<[TicketState]> = Set(legal.map { [$0.from, $0.to] })

    /// Whether `from → to` is a legal move.
    public static func isLegal(from: TicketState, to: TicketState) -> Bool { legalPairs.contains([from, to]) }

    /// The rule `from → to` breaks, or nil when the move is legal.
    public static func rule(from: TicketState, to: TicketState) -> String? {
        if isLegal(from: from, to: to) { return nil }
        if from == to { return "the ticket is already \(from.rawValue)" }
        if from == .closed { return "a closed ticket cannot be reopened; open a new ticket" }
        if from == .cancelled { return "a cancelled ticket cannot be reopened; open a new ticket" }
        if to == .new { return "a ticket never goes back to new" }
        if to == .closed {
            return "only a scheduled or escalated ticket can be closed; cancel a ticket that was never booked"
        }
        // Every pair is covered above; kept so a future state cannot fall through silently.
        return "a \(from.rawValue) ticket cannot become \(to.rawValue)"
    }

    /// Throws ``IllegalTicketTransition`` when `from → to` is not a legal move.
    public static func check(from: TicketState, to: TicketState) throws(IllegalTicketTransition) {
        if let rule = rule(from: from, to: to) { throw IllegalTicketTransition(from: from, to: to, rule: rule) }
    }
}

/// A move the transition table does not allow: where the ticket was, where it was asked to go, and why not.
public struct IllegalTicketTransition: Error, Sendable, Equatable, CustomStringConvertible {
    public let from: TicketState
    public let to: TicketState
    /// The rule broken, e.g. "a closed ticket cannot be reopened; open a new ticket".
    public let rule: String

    public init(from: TicketState, to: TicketState, rule: String) {
        self.from = from
        self.to = to
        self.rule = rule
    }

    public var description: String { "\(from.rawValue) → \(to.rawValue): \(rule)" }
}
