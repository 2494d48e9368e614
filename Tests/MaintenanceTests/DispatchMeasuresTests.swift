import Foundation
import Maintenance
import Testing

@Suite struct DispatchMeasuresTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    private func at(_ minutes: Double) -> Date { t0 + minutes * 60 }

    private func offer(_ vendor: String, sent: Double, _ outcome: DispatchOfferOutcome, resolved: Double? = nil)
        -> DispatchOffer<String> {
        DispatchOffer(vendorId: vendor, sentAt: at(sent), outcome: outcome, resolvedAt: resolved.map(at))
    }

    @Test func nearestRankAgainstHandComputedValues() {
        let ten = (1...10).map(Double.init)
        #expect(DurationSummary.nearestRank(ten, percent: 50) == 5)     // ⌈5⌉ = rank 5
        #expect(DurationSummary.nearestRank(ten, percent: 90) == 9)     // ⌈9⌉ = rank 9
        #expect(DurationSummary.nearestRank(ten, percent: 91) == 10)    // ⌈9.1⌉ = rank 10
        #expect(DurationSummary.nearestRank([1, 2, 3, 4], percent: 50) == 2)
        #expect(DurationSummary.nearestRank([7], percent: 90) == 7)
        #expect(DurationSummary.nearestRank([3, 8, 20], percent: 50) == 8)   // ⌈1.5⌉ = 2
        #expect(DurationSummary.nearestRank([3, 8, 20], percent: 90) == 20)  // ⌈2.7⌉ = 3
        #expect(DurationSummary.nearestRank([], percent: 50) == nil)
        #expect(DurationSummary([40, 10, 30, 20, 50]) == DurationSummary(count: 5, median: 30, p90: 50))
        #expect(DurationSummary([]) == DurationSummary(count: 0, median: nil, p90: nil))
    }

    /// Four tickets of one business, measured by hand.
    private var tickets: [DispatchTicketFacts<String>] {
        [
            // A: plumbing at P1. Offered to ann at +2 (timed out at +17), bob at +17, YES at +20; scheduled +21,
            // closed at +600.
            DispatchTicketFacts(createdAt: at(0), scheduledAt: at(21), closedAt: at(600), priority: .emergency,
                                trade: .plumbing, property: "P1",
                                offers: [offer("ann", sent: 2, .timedOut, resolved: 17),
                                         offer("bob", sent: 17, .accepted, resolved: 20)]),
            // B: plumbing at P1. ann NO at +5 (sent +4), bob YES (sent +5, YES +65); scheduled +66.
            DispatchTicketFacts(createdAt: at(0), scheduledAt: at(66), priority: .routine, trade: .plumbing,
                                property: "P1",
                                offers: [offer("ann", sent: 4, .declined, resolved: 5),
                                         offer("bob", sent: 5, .accepted, resolved: 65)]),
            // C: an emergency electrical job at P2: cat timed out, then escalated at +30.
            DispatchTicketFacts(createdAt: at(0), escalatedAt: at(30), priority: .emergency, trade: .electrical,
                                property: "P2",
                                offers: [offer("cat", sent: 1, .timedOut, resolved: 16),
                                         offer("ann", sent: 16, .cancelled, resolved: 30)]),
            // D: routine electrical, no property, no candidate: escalated at once (+0.5), never offered.
            DispatchTicketFacts(createdAt: at(0), escalatedAt: at(0.5), priority: .routine, trade: .electrical,
                                property: nil),
        ]
    }

    @Test func theBusinessAsAWhole() {
        let measures = DispatchMeasures(tickets: tickets).business
        #expect(measures.tickets == 4)
        #expect(measures.offers == 6)
        // First offers at 2, 4, 1 minutes (D had none): sorted [1, 2, 4] → median rank 2 = 2, p90 rank 3 = 4.
        #expect(measures.timeToFirstResponse == DurationSummary(count: 3, median: 120, p90: 240))
        // Accepted offers: bob 3 min (A) and 60 min (B): median rank 1 = 3, p90 rank 2 = 60.
        #expect(measures.timeToAccept == DurationSummary(count: 2, median: 180, p90: 3600))
        #expect(measures.timeToBook == DurationSummary(count: 2, median: 21 * 60, p90: 66 * 60))
        #expect(measures.timeToClose == DurationSummary(count: 1, median: 600 * 60, p90: 600 * 60))
        // Only C is an emergency that escalated; D escalated but is routine.
        #expect(measures.emergencyEscalationTime == DurationSummary(count: 1, median: 1800, p90: 1800))
        // Decided offers: timed out ×2, accepted ×2, declined ×1 (the cancelled one is left out) = 5.
        #expect(measures.responseRate == 3.0 / 5)
        #expect(measures.acceptanceRate == 2.0 / 5)
        #expect(measures.timeoutRate == 2.0 / 5)
        #expect(measures.escalationRate == 2.0 / 4)
    }

    @Test func perVendor() {
        let byVendor = DispatchMeasures(tickets: tickets).byVendor
        #expect(Set(byVendor.keys) == ["ann", "bob", "cat"])
        let ann = byVendor["ann"]!
        // ann: offers timed out (A), declined (B), cancelled (C); booked nothing.
        #expect(ann.offers == 3)
        #expect(ann.tickets == 0)
        #expect(ann.responseRate == 0.5)
        #expect(ann.acceptanceRate == 0)
        #expect(ann.timeoutRate == 0.5)
        #expect(ann.timeToAccept.median == nil)
        #expect(ann.timeToBook == DurationSummary(count: 0, median: nil, p90: nil))
        #expect(ann.escalationRate == nil)   // no tickets: nil, not 0
        let bob = byVendor["bob"]!
        #expect(bob.tickets == 2)
        #expect(bob.acceptanceRate == 1)
        #expect(bob.timeToAccept == DurationSummary(count: 2, median: 180, p90: 3600))
        #expect(bob.timeToBook == DurationSummary(count: 2, median: 21 * 60, p90: 66 * 60))
        #expect(bob.escalationRate == 0)
        let cat = byVendor["cat"]!
        #expect(cat.timeoutRate == 1)
        #expect(cat.responseRate == 0)
    }

    @Test func perTradeAndProperty() {
        let measures = DispatchMeasures(tickets: tickets)
        #expect(Set(measures.byTrade.keys) == [.plumbing, .electrical])
        let electrical = measures.byTrade[.electrical]!
        #expect(electrical.tickets == 2)
        #expect(electrical.escalationRate == 1)
        #expect(electrical.timeToFirstResponse == DurationSummary(count: 1, median: 60, p90: 60))
        #expect(electrical.timeToBook.median == nil)
        #expect(electrical.responseRate == 0)   // one decided offer, timed out; the cancelled one is left out
        #expect(measures.byTrade[.plumbing]!.escalationRate == 0)
        #expect(Set(measures.byProperty.keys) == ["P1", "P2"])   // D has no property: in no property group
        #expect(measures.byProperty["P1"]!.tickets == 2)
        #expect(measures.byProperty["P1"]!.timeToFirstResponse == DurationSummary(count: 2, median: 120, p90: 240))
        #expect(measures.byProperty["P2"]!.emergencyEscalationTime.median == 1800)
    }

    @Test func emptyGroupsGiveNilNotZero() {
        let measures = DispatchMeasures<String>(tickets: []).business
        #expect(measures.tickets == 0)
        #expect(measures.timeToFirstResponse.median == nil)
        #expect(measures.timeToBook.p90 == nil)
        #expect(measures.responseRate == nil)
        #expect(measures.acceptanceRate == nil)
        #expect(measures.timeoutRate == nil)
        #expect(measures.escalationRate == nil)
        // Offers still open are not decided: rates stay nil rather than 0.
        let open = DispatchTicketFacts(createdAt: at(0), priority: .urgent, trade: .hvac, property: "P3",
                                       offers: [offer("dee", sent: 1, .open)])
        let openMeasures = DispatchMeasures(tickets: [open]).business
        #expect(openMeasures.responseRate == nil)
        #expect(openMeasures.escalationRate == 0)
        #expect(openMeasures.timeToFirstResponse.median == 60)
    }

    @Test func aBookingByHandCountsForTheNamedVendor() {
        let manual = DispatchTicketFacts<String>(createdAt: at(0), scheduledAt: at(90), priority: .routine, trade: .pest,
                                                 property: nil, vendorId: "eve")
        let measures = DispatchMeasures(tickets: [manual])
        #expect(measures.byVendor["eve"]?.timeToBook.median == 5400)
        #expect(measures.byVendor["eve"]?.offers == 0)
        #expect(measures.byVendor["eve"]?.responseRate == nil)
    }

    @Test func summariesEncodeNilAsNull() throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(DispatchMeasures<String>(tickets: []).business), as: UTF8.self)
        #expect(text.contains("\"time_to_first_response\":{\"count\":0,\"median\":null,\"p90\":null}"), "\(text)")
        #expect(text.contains("\"escalation_rate\":null"))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let measures = DispatchMeasures(tickets: tickets).business
        #expect(try decoder.decode(DispatchMeasureSet.self, from: encoder.encode(measures)) == measures)
    }
}
