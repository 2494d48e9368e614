import Foundation

/// What the measures need to know about one ticket: its milestones, what it is and where, and its offers.
public struct DispatchTicketFacts<VendorID: Hashable & Sendable>: Sendable, Equatable {
    public var createdAt: Date
    /// When the ticket became `scheduled` (nil if it never did).
    public var scheduledAt: Date?
    public var closedAt: Date?
    /// When the ticket became `escalated` (nil if it never did).
    public var escalatedAt: Date?
    public var priority: TicketPriority
    public var trade: Trade
    /// The property the ticket is about (its id); nil when unknown: such tickets are in no property's group.
    public var property: String?
    /// The vendor booked, by acceptance or by hand; nil falls back to the accepted offer's vendor.
    public var vendorId: VendorID?
    /// Every offer of this ticket (any order).
    public var offers: [DispatchOffer<VendorID>]

    public init(createdAt: Date, scheduledAt: Date? = nil, closedAt: Date? = nil, escalatedAt: Date? = nil,
                priority: TicketPriority, trade: Trade, property: String?, vendorId: VendorID? = nil,
                offers: [DispatchOffer<VendorID>] = []) {
        self.createdAt = createdAt
        self.scheduledAt = scheduledAt
        self.closedAt = closedAt
        self.escalatedAt = escalatedAt
        self.priority = priority
        self.trade = trade
        self.property = property
        self.vendorId = vendorId
        self.offers = offers
    }

    /// When the first offer went out.
    public var firstOfferSentAt: Date? { offers.map(\.sentAt).min() }

    /// The accepted offer, if any.
    public var acceptedOffer: DispatchOffer<VendorID>? { offers.first { $0.outcome == .accepted } }

    /// When a vendor said YES.
    public var acceptedAt: Date? { acceptedOffer?.resolvedAt }

    /// The vendor the ticket is booked with.
    public var bookedVendor: VendorID? { vendorId ?? acceptedOffer?.vendorId }
}
