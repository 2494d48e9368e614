import Foundation

/// Median and p90 of a set of durations, in seconds; nil when the set is empty (never 0: no data is not "instant").
public struct DurationSummary: Codable, Sendable, Equatable {
    /// How many durations there were.
    public var count: Int
    public var median: TimeInterval?
    public var p90: TimeInterval?

    public init(_ durations: [TimeInterval]) {
        let sorted = durations.sorted()
        count = sorted.count
        median = Self.nearestRank(sorted, percent: 50)
        p90 = Self.nearestRank(sorted, percent: 90)
    }

    public init(count: Int, median: TimeInterval?, p90: TimeInterval?) {
        self.count = count
        self.median = median
        self.p90 = p90
    }

    /// Writes a missing median or p90 as `null` (explicitly "no data"), not by leaving the key out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(count, forKey: .count)
        try container.encode(median, forKey: .median)
        try container.encode(p90, forKey: .p90)
    }

    /// Nearest-rank percentile: the `percent`-th percentile (1…100) of n ascending values is the value at rank
    /// ⌈percent·n/100⌉ (1-based) — always an observed value, no interpolation; the median of an even count is the
    /// lower middle value (p50 of [1, 2, 3, 4] is 2). Nil when empty. The same method as `Analytics.Quantiles`.
    public static func nearestRank(_ sorted: [Double], percent: Int) -> Double? {
        precondition((1...100).contains(percent), "percent must be 1…100")
        guard !sorted.isEmpty else { return nil }
        let rank = (percent * sorted.count + 99) / 100   // ⌈percent · n / 100⌉ in integers
        return sorted[max(rank, 1) - 1]
    }
}

/// The booking loop's measures for one group of tickets (a business, a vendor, a trade or a property).
///
/// Durations (seconds):
/// - `timeToFirstResponse`: ticket created → first offer sent;
/// - `timeToAccept`: the accepted offer sent → the vendor's YES (how fast the winning vendor answers);
/// - `timeToBook`: ticket created → `scheduled`;
/// - `timeToClose`: ticket created → `closed`;
/// - `emergencyEscalationTime`: emergency ticket created → `escalated`, over emergencies that escalated.
///
/// Rates (0…1) are over the group's *answered-or-expired* offers — accepted, declined or timed out; open offers
/// (no outcome yet) and cancelled ones (withdrawn before the vendor could answer) are left out:
/// `responseRate` = (accepted + declined) ÷ those, `acceptanceRate` = accepted ÷ those, `timeoutRate` = timed out
/// ÷ those. `escalationRate` = tickets escalated ÷ tickets. A rate with a zero denominator is nil.
public struct DispatchMeasureSet: Codable, Sendable, Equatable {
    public var tickets: Int
    /// Every offer in the group, whatever its outcome.
    public var offers: Int
    public var timeToFirstResponse: DurationSummary
    public var timeToAccept: DurationSummary
    public var timeToBook: DurationSummary
    public var timeToClose: DurationSummary
    public var emergencyEscalationTime: DurationSummary
    public var responseRate: Double?
    public var acceptanceRate: Double?
    public var timeoutRate: Double?
    public var escalationRate: Double?

    /// Writes a rate without a denominator as `null`, not by leaving the key out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tickets, forKey: .tickets)
        try container.encode(offers, forKey: .offers)
        try container.encode(timeToFirstResponse, forKey: .timeToFirstResponse)
        try container.encode(timeToAccept, forKey: .timeToAccept)
        try container.encode(timeToBook, forKey: .timeToBook)
        try container.encode(timeToClose, forKey: .timeToClose)
        try container.encode(emergencyEscalationTime, forKey: .emergencyEscalationTime)
        try container.encode(responseRate, forKey: .responseRate)
        try container.encode(acceptanceRate, forKey: .acceptanceRate)
        try container.encode(timeoutRate, forKey: .timeoutRate)
        try container.encode(escalationRate, forKey: .escalationRate)
    }

    /// Measures `tickets` (their ticket milestones) and `offers` (which may be a subset of their offers: a vendor's).
    init<VendorID>(tickets: [DispatchTicketFacts<VendorID>], offers: [DispatchOffer<VendorID>]) {
        self.tickets = tickets.count
        self.offers = offers.count
        timeToFirstResponse = DurationSummary(tickets.compactMap { ticket in
            ticket.firstOfferSentAt.map { $0.timeIntervalSince(ticket.createdAt) }
        })
        timeToAccept = DurationSummary(offers.compactMap { offer in
            offer.outcome == .accepted ? offer.resolvedAt.map { $0.timeIntervalSince(offer.sentAt) } : nil
        })
        timeToBook = DurationSummary(tickets.compactMap { ticket in ticket.scheduledAt.map { $0.timeIntervalSince(ticket.createdAt) } })
        timeToClose = DurationSummary(tickets.compactMap { ticket in ticket.closedAt.map { $0.timeIntervalSince(ticket.createdAt) } })
        emergencyEscalationTime = DurationSummary(tickets.compactMap { ticket in
            ticket.priority == .emergency ? ticket.escalatedAt.map { $0.timeIntervalSince(ticket.createdAt) } : nil
        })
        let decided = offers.filter { $0.outcome == .accepted || $0.outcome == .declined || $0.outcome == .timedOut }
        func share(_ outcome: (DispatchOfferOutcome) -> Bool) -> Double? {
            decided.isEmpty ? nil : Double(decided.filter { outcome($0.outcome) }.count) / Double(decided.count)
        }
        responseRate = share(\.isReply)
        acceptanceRate = share { $0 == .accepted }
        timeoutRate = share { $0 == .timedOut }
        escalationRate = tickets.isEmpty ? nil
            : Double(tickets.filter { $0.escalatedAt != nil }.count) / Double(tickets.count)
    }
}

/// The "Measures", per business, vendor, trade and property, from per-ticket facts.
///
/// Groups: the business is every ticket given; a trade's or a property's group is its tickets and their offers; a
/// vendor's group is the tickets booked with that vendor (for the ticket durations and the escalation rate) and
/// every offer made to that vendor (for `timeToAccept` and the rates). Percentiles are nearest-rank
/// (``DurationSummary/nearestRank(_:percent:)``), as in `/v1/analytics`.
public struct DispatchMeasures<VendorID: Hashable & Sendable>: Sendable {
    public var business: DispatchMeasureSet
    public var byVendor: [VendorID: DispatchMeasureSet]
    public var byTrade: [Trade: DispatchMeasureSet]
    public var byProperty: [String: DispatchMeasureSet]

    public init(tickets: [DispatchTicketFacts<VendorID>]) {
        business = DispatchMeasureSet(tickets: tickets, offers: tickets.flatMap(\.offers))
        byTrade = Dictionary(grouping: tickets, by: \.trade).mapValues {
            DispatchMeasureSet(tickets: $0, offers: $0.flatMap(\.offers))
        }
        var properties: [String: [DispatchTicketFacts<VendorID>]] = [:]
        for ticket in tickets { if let property = ticket.property { properties[property, default: []].append(ticket) } }
        byProperty = properties.mapValues { DispatchMeasureSet(tickets: $0, offers: $0.flatMap(\.offers)) }
        var booked: [VendorID: [DispatchTicketFacts<VendorID>]] = [:]
        var offered: [VendorID: [DispatchOffer<VendorID>]] = [:]
        for ticket in tickets {
            if let vendor = ticket.bookedVendor { booked[vendor, default: []].append(ticket) }
            for offer in ticket.offers { offered[offer.vendorId, default: []].append(offer) }
        }
        var byVendor: [VendorID: DispatchMeasureSet] = [:]
        for vendor in Set(booked.keys).union(offered.keys) {
            byVendor[vendor] = DispatchMeasureSet(tickets: booked[vendor] ?? [], offers: offered[vendor] ?? [])
        }
        self.byVendor = byVendor
    }
}
