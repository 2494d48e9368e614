import Campaigns
import Foundation
import Testing

/// The pace and time left of a campaign's live counters, as values.
@Suite struct CampaignPaceEstimateTests {
    static let now = Date(timeIntervalSince1970: 1_900_000_000)

    @Test func nothingEndedIsNoPace() {
        let pace = CampaignPace(attemptsEnded: 0, firstAttemptAt: Self.now - 600, now: Self.now)
        #expect(pace.perHour == nil)
        #expect(pace.timeLeft(remaining: 5, latestScheduled: nil, now: Self.now) == nil)
        #expect(pace.timeLeft(remaining: 0, latestScheduled: nil, now: Self.now) == 0, "nobody left is done")
    }

    @Test func aYoungCampaignIsMeasuredFromItsFirstCall() {
        // 3 attempts ended in the 10 minutes since the first call: 18 an hour, not 6 (as over a full half hour).
        let pace = CampaignPace(attemptsEnded: 3, firstAttemptAt: Self.now - 600, now: Self.now)
        #expect(pace.measuredOver == 600 && pace.perHour == 18)
        #expect(pace.timeLeft(remaining: 9, latestScheduled: nil, now: Self.now) == 1800)
    }

    @Test func anOlderCampaignIsMeasuredOverTheLastHalfHour() {
        let pace = CampaignPace(attemptsEnded: 30, firstAttemptAt: Self.now - 7200, now: Self.now)
        #expect(pace.measuredOver == CampaignPace.window && pace.perHour == 60)
        #expect(pace.timeLeft(remaining: 120, latestScheduled: nil, now: Self.now) == 7200)
    }

    @Test func aRetryAlreadyScheduledBoundsTheEstimate() {
        let pace = CampaignPace(attemptsEnded: 30, firstAttemptAt: Self.now - 7200, now: Self.now)
        #expect(pace.timeLeft(remaining: 1, latestScheduled: Self.now + 5400, now: Self.now) == 5400)
        #expect(pace.timeLeft(remaining: 120, latestScheduled: Self.now + 5400, now: Self.now) == 7200, "the pace is later")
        #expect(pace.timeLeft(remaining: 1, latestScheduled: Self.now - 60, now: Self.now) == 60, "a due retry waits nothing")
    }
}
