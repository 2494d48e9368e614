import Foundation

/// Where a maintenance ticket is in its life. Raw values are public API (REST fields and filters, stored rows,
/// events): never rename one.
///
/// `new → vendor_contacting → scheduled → closed`, with `escalated` (the landlord takes over) and `cancelled` on
/// the side. Which moves are legal, and the rule an illegal one breaks, is ``TicketTransitions``.
public enum TicketState: String, Codable, Sendable, CaseIterable {
    /// Opened; no vendor asked yet.
    case new
    /// The booking loop is offering the job to vendors, one at a time.
    case vendorContacting = "vendor_contacting"
    /// A vendor took the job; the visit is booked.
    case scheduled
    /// The work is done (confirmed, or closed by hand or after the visit). Final.
    case closed
    /// No vendor took the job (none covers it, all declined or timed out, an emergency waited too long): the
    /// landlord contacts are asked to act.
    case escalated
    /// Withdrawn: not needed any more, a duplicate, opened by mistake. Final.
    case cancelled

    /// Parses a value from a request or a row, ignoring case and surrounding spaces.
    public init?(parsing raw: String) {
        self.init(rawValue: raw.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// Whether the ticket is still open: everything but `closed` and `cancelled`. Job codes are unique among a
    /// business's open tickets.
    public var isOpen: Bool { self != .closed && self != .cancelled }

    /// Whether the booking loop is looking for a vendor in this state (`new`, `vendor_contacting`).
    public var isDispatching: Bool { self == .new || self == .vendorContacting }

    /// Whether a vendor's YES can book the ticket in this state: while vendors are asked, and once escalated
    /// (a late YES spares the landlord finding someone).
    public var isBookable: Bool { self == .vendorContacting || self == .escalated }

    /// The states a ticket can never leave.
    public var isFinal: Bool { !isOpen }
}
