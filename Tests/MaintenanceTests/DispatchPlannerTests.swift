import Foundation
import Maintenance
import Testing

@Suite struct DispatchPlannerTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let timeouts = OfferTimeouts()

    private func decide(
        _ priority: TicketPriority = .routine, stage: DispatchPlanner.Stage = .vendorContacting,
        candidates: [Int], offers: [DispatchOffer<Int>], at minutes: Double
    ) -> DispatchPlanner.Decision<Int> {
        DispatchPlanner.decide(priority: priority, stage: stage, candidates: candidates, offers: offers,
                               timeouts: timeouts, now: t0 + minutes * 60)
    }

    private func offer(_ vendor: Int, at minutes: Double, _ outcome: DispatchOfferOutcome) -> DispatchOffer<Int> {
        DispatchOffer(vendorId: vendor, sentAt: t0 + minutes * 60, outcome: outcome)
    }

    @Test func theFirstCandidateGetsTheFirstOfferWithThePrioritysTimeout() {
        #expect(decide(candidates: [4, 2], offers: [], at: 0) == .offer(4, expiresAt: t0 + 4 * 3600))
        #expect(decide(.urgent, candidates: [4], offers: [], at: 0) == .offer(4, expiresAt: t0 + 3600))
        #expect(decide(.emergency, stage: .new, candidates: [4], offers: [], at: 0) == .offer(4, expiresAt: t0 + 900))
    }

    @Test func anOpenOfferIsWaitedOut() {
        #expect(decide(candidates: [4, 2], offers: [offer(4, at: 0, .open)], at: 10) == .wait(until: t0 + 4 * 3600))
    }

    @Test func anExpiredOpenOfferCountsAsTimedOutAndTheNextVendorIsOffered() {
        let decision = decide(.urgent, candidates: [4, 2], offers: [offer(4, at: 0, .open)], at: 60)
        #expect(decision == .offer(2, expiresAt: t0 + 2 * 3600))
    }

    @Test func aDeclineMovesOnAtOnce() {
        #expect(decide(candidates: [4, 2, 9], offers: [offer(4, at: 0, .declined)], at: 1) == .offer(2, expiresAt: t0 + 60 + 4 * 3600))
    }

    @Test func noVendorIsOfferedTheSameTicketTwice() {
        // 4 declined, 2 timed out, 9 was cancelled (STOP): the store's rotation lists them again, in a new order.
        let offers = [offer(4, at: 0, .declined), offer(2, at: 1, .timedOut), offer(9, at: 300, .cancelled)]
        #expect(decide(candidates: [2, 9, 4, 7], offers: offers, at: 400) == .offer(7, expiresAt: t0 + 400 * 60 + 4 * 3600))
        #expect(decide(candidates: [2, 9, 4], offers: offers, at: 400) == .escalate(.allDeclinedOrTimedOut))
    }

    @Test func anEmptyPoolEscalatesAtOnce() {
        #expect(decide(candidates: [], offers: [], at: 0) == .escalate(.noCandidates))
        #expect(decide(.emergency, stage: .new, candidates: [], offers: [], at: 0) == .escalate(.noCandidates))
    }

    @Test func theLastDeclineEscalatesWithoutWaiting() {
        let offers = [offer(4, at: 0, .timedOut), offer(2, at: 240, .declined)]
        #expect(decide(candidates: [4, 2], offers: offers, at: 241) == .escalate(.allDeclinedOrTimedOut))
        // Candidates gone since (deactivated): still "all declined or timed out", since offers were made.
        #expect(decide(candidates: [], offers: offers, at: 241) == .escalate(.allDeclinedOrTimedOut))
    }

    @Test func anAcceptedOfferIsDoneWhateverTheStage() {
        let offers = [offer(4, at: 0, .timedOut), offer(2, at: 15, .accepted)]
        for stage in DispatchPlanner.Stage.allCases {
            #expect(decide(stage: stage, candidates: [4, 2, 9], offers: offers, at: 20) == .done)
        }
    }

    @Test(arguments: [DispatchPlanner.Stage.scheduled, .closed, .escalated, .cancelled])
    func ticketsNotBeingDispatchedAreIdle(stage: DispatchPlanner.Stage) {
        #expect(decide(stage: stage, candidates: [4], offers: [], at: 0) == .idle)
        #expect(!stage.isDispatching)
    }

    @Test func anEmergencyEscalatesTwoTimeoutsAfterItsFirstOffer() {
        // First offer at 0 timed out at 15; the second vendor was offered at 15 and has not answered.
        let offers = [offer(4, at: 0, .timedOut), offer(2, at: 15, .open)]
        #expect(decide(.emergency, candidates: [4, 2, 9], offers: offers, at: 29) == .wait(until: t0 + 30 * 60))
        #expect(decide(.emergency, candidates: [4, 2, 9], offers: offers, at: 30) == .escalate(.emergencyNotAccepted))
    }

    @Test func anEmergencyWaitsForTheDeadlineWhenItComesBeforeTheOffersExpiry() {
        // Two quick declines, then vendor 9 offered at 20: its offer would expire at 35, the deadline is 30.
        let offers = [offer(4, at: 0, .declined), offer(2, at: 5, .declined), offer(9, at: 20, .open)]
        #expect(decide(.emergency, candidates: [4, 2, 9, 7], offers: offers, at: 21) == .wait(until: t0 + 30 * 60))
        // Even with vendors left, the deadline escalates.
        let declined = [offer(4, at: 0, .declined), offer(2, at: 5, .declined), offer(9, at: 20, .declined)]
        #expect(decide(.emergency, candidates: [4, 2, 9, 7], offers: declined, at: 30) == .escalate(.emergencyNotAccepted))
        #expect(decide(.emergency, candidates: [4, 2, 9, 7], offers: declined, at: 29) == .offer(7, expiresAt: t0 + 44 * 60))
    }

    @Test func nonEmergenciesHaveNoOverallDeadline() {
        let offers = (0..<5).map { offer($0, at: Double($0) * 240, .timedOut) }
        #expect(decide(candidates: Array(0..<6), offers: offers, at: 1200) == .offer(5, expiresAt: t0 + 1200 * 60 + 4 * 3600))
    }

    /// Walks a whole loop the way the server would (the planner's decision applied, the clock moved to the next
    /// due time) over random pools and replies: the planner never opens two offers, never repeats a vendor and
    /// always ends in done or an escalation.
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func randomLoopsKeepTheInvariants(seed: UInt64) {
        var rng = SplitMix(seed: seed)
        for _ in 0..<200 {
            let priority = TicketPriority.allCases[Int(rng.next() % 3)]
            let candidates = Array(0..<Int(rng.next() % 6)).shuffled(using: &rng)
            var offers: [DispatchOffer<Int>] = []
            var now = t0
            var steps = 0
            loop: while true {
                steps += 1
                #expect(steps < 50)
                switch DispatchPlanner.decide(priority: priority, stage: .vendorContacting, candidates: candidates,
                                              offers: offers, timeouts: timeouts, now: now) {
                case let .offer(vendor, expiresAt):
                    #expect(!offers.contains { $0.vendorId == vendor })
                    #expect(!offers.contains { $0.outcome == .open })
                    #expect(expiresAt == now + timeouts.timeout(for: priority))
                    // The vendor says YES, NO, or nothing (the timer fires at expiry).
                    switch rng.next() % 3 {
                    case 0: offers.append(DispatchOffer(vendorId: vendor, sentAt: now, outcome: .accepted))
                    case 1: offers.append(DispatchOffer(vendorId: vendor, sentAt: now, outcome: .declined))
                            now += Double(rng.next() % 600)
                    default: offers.append(DispatchOffer(vendorId: vendor, sentAt: now, outcome: .open))
                    }
                case let .wait(until):
                    #expect(until > now)
                    now = until
                    // The timer job marks the expired offer timed out before asking again.
                    for index in offers.indices where offers[index].outcome == .open
                        && now >= offers[index].sentAt + timeouts.timeout(for: priority) {
                        offers[index].outcome = .timedOut
                    }
                case .done:
                    #expect(offers.filter { $0.outcome == .accepted }.count == 1)
                    break loop
                case let .escalate(reason):
                    switch reason {
                    case .noCandidates: #expect(candidates.isEmpty && offers.isEmpty)
                    case .allDeclinedOrTimedOut: #expect(offers.count == candidates.count && !offers.isEmpty)
                    case .emergencyNotAccepted:
                        #expect(priority == .emergency)
                        #expect(now.timeIntervalSince(offers.map(\.sentAt).min()!) >= 30 * 60)
                    }
                    break loop
                case .idle:
                    Issue.record("idle while dispatching")
                    break loop
                }
            }
        }
    }
}

/// A small seeded generator so the random walks are reproducible.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
