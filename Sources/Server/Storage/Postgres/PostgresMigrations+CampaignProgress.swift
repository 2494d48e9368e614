import Foundation

extension PGDatabase {
    /// SQLite's v10: the indexes a campaign's live counters read its pace through (attempts ended in the last 30
    /// minutes, the first attempt's start).
    static let campaignAttemptTimesMigration = PostgresMigration(id: "p6-campaign-attempt-times", statements: [
        "CREATE INDEX campaign_attempts_by_end ON campaign_attempts(campaign_id, ended_at) WHERE ended_at IS NOT NULL",
        "CREATE INDEX campaign_attempts_by_start ON campaign_attempts(campaign_id, started_at)",
    ])
}
