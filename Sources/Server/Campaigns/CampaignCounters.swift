import Campaigns
import Foundation

/// A campaign's counters: recipients by state, those still to finish, the answer rate, and — while it runs — its
/// recent pace and the time left at that pace (``CampaignPace``). Shown by `GET /v1/campaigns/{id}` (`counters`) and
/// in the snapshot of `GET /v1/campaigns/{id}/live`.
struct CampaignCounters: Encodable, Equatable {
    let byState: [String: Int]
    /// Recipients not finished: to be called, in a call, or with a retry scheduled.
    let remaining: Int
    /// Recipients who completed a conversation ÷ those whose calls ended answered or not; null before any ended.
    let answerRate: Double?
    /// Attempts ended per hour over the last 30 minutes (less when the campaign's first call is more recent), to one
    /// decimal; null unless the campaign is running and an attempt ended in that window.
    let attemptsPerHour: Double?
    /// Seconds until every recipient is finished at that pace (``CampaignPace/timeLeft(remaining:latestScheduled:now:)``),
    /// rounded up; null unless the campaign is running and has a pace (0 when nobody is left).
    let timeLeftSeconds: Int?

    init(_ counts: RecipientCounts, progress: CampaignProgress, state: CampaignState, now: Date) {
        byState = counts.byStateName
        remaining = progress.unfinished
        let reached = [RecipientState.completed, .busy, .noAnswer, .failed, .voicemail].reduce(0) { $0 + counts[$1] }
        answerRate = reached == 0 ? nil : Double(counts[.completed]) / Double(reached)
        guard state == .running else {
            (attemptsPerHour, timeLeftSeconds) = (nil, nil)
            return
        }
        let pace = CampaignPace(attemptsEnded: progress.attemptsEndedSince, firstAttemptAt: progress.firstAttemptAt, now: now)
        attemptsPerHour = pace.perHour.map { ($0 * 10).rounded() / 10 }
        timeLeftSeconds = pace.timeLeft(remaining: progress.unfinished, latestScheduled: progress.latestScheduled, now: now)
            .map { Int($0.rounded(.up)) }
    }

    /// The counters of `campaign` at `now`, read from `campaigns`.
    static func read(_ campaigns: any CampaignRepository, _ campaign: Campaign, counts: RecipientCounts,
                     now: Date) async throws -> CampaignCounters {
        let progress = try await campaigns.progress(campaignId: campaign.id, businessId: campaign.businessId,
                                                    since: now.addingTimeInterval(-CampaignPace.window))
        return CampaignCounters(counts, progress: progress, state: campaign.state, now: now)
    }

    enum CodingKeys: String, CodingKey { case byState, remaining, answerRate, attemptsPerHour, timeLeftSeconds }

    /// Every field present: an unknown value is `null`, not left out.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(byState, forKey: .byState)
        try container.encode(remaining, forKey: .remaining)
        try container.encode(answerRate, forKey: .answerRate)
        try container.encode(attemptsPerHour, forKey: .attemptsPerHour)
        try container.encode(timeLeftSeconds, forKey: .timeLeftSeconds)
    }
}
