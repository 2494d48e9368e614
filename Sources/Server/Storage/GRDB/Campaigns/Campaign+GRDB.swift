import Campaigns
import Foundation
import GRDB

// Rows of `campaigns`, `campaign_recipients`, `campaign_attempts` and `do_not_call`, read by column name. The
// script, variables and results are JSON text; the calling window, pacing and retry policy are plain columns.

enum CampaignRows {
    /// A campaign row.
    static func campaign(_ row: Row) throws -> Campaign {
        let id: String = row["id"]
        func raw<T: RawRepresentable>(_ type: T.Type, _ column: String) throws -> T where T.RawValue == String {
            let value: String = row[column]
            guard let decoded = T(rawValue: value) else {
                throw RepositoryError.invalid("stored campaign \(id) has an unknown \(column): \(value)")
            }
            return decoded
        }
        let definition = CampaignDefinition(
            name: row["name"], script: try StoredScript.decode(row["script"]), callerNumber: row["caller_number"],
            startAt: row["start_at"],
            callingWindow: CallingWindow(startMinute: row["window_start_minute"], endMinute: row["window_end_minute"]),
            pacing: CampaignPacing(maxConcurrentCalls: row["max_concurrent_calls"]),
            retryPolicy: RetryPolicy(maxAttempts: row["max_attempts"], minimumGap: TimeInterval(row["retry_gap_seconds"] as Int)),
            voicemail: try raw(VoicemailBehaviour.self, "voicemail"))
        return Campaign(id: id, businessId: row["business_id"], definition: definition,
                        state: try raw(CampaignState.self, "state"), createdAt: row["created_at"],
                        updatedAt: row["updated_at"], version: row["version"])
    }

    /// A recipient row.
    static func recipient(_ row: Row) throws -> CampaignRecipient {
        let id: String = row["id"]
        func raw<T: RawRepresentable>(_ type: T.Type, _ column: String) throws -> T where T.RawValue == String {
            let value: String = row[column]
            guard let decoded = T(rawValue: value) else {
                throw RepositoryError.invalid("stored recipient \(id) has an unknown \(column): \(value)")
            }
            return decoded
        }
        let outcome: String? = row["last_outcome"]
        return CampaignRecipient(
            id: id, businessId: row["business_id"], campaignId: row["campaign_id"], phone: row["phone"],
            state: try raw(RecipientState.self, "state"),
            variables: try StoredStringMap.decode(row["variables"], column: "variables"),
            timeZone: row["time_zone"], zoneSource: try raw(ZoneSource.self, "zone_source"), attempts: row["attempts"],
            nextAttemptAt: row["next_attempt_at"], lastOutcome: try outcome.map { value in
                guard let decoded = AttemptOutcome(rawValue: value) else {
                    throw RepositoryError.invalid("stored recipient \(id) has an unknown last_outcome: \(value)")
                }
                return decoded
            },
            lastCallSid: row["last_call_sid"], results: try StoredStringMap.decode(row["results"], column: "results"),
            appointment: try StoredAppointment.decode(status: row["appointment_status"], id: row["appointment_id"],
                                                      note: row["appointment_note"], recipientId: id),
            position: row["position"], createdAt: row["created_at"], updatedAt: row["updated_at"], version: row["version"])
    }

    /// An attempt row.
    static func attempt(_ row: Row) throws -> CampaignAttempt {
        let id: String = row["id"]
        let outcome: String? = row["outcome"]
        return CampaignAttempt(
            id: id, businessId: row["business_id"], campaignId: row["campaign_id"], recipientId: row["recipient_id"],
            number: row["number"], callSid: row["call_sid"], startedAt: row["started_at"], endedAt: row["ended_at"],
            outcome: try outcome.map { value in
                guard let decoded = AttemptOutcome(rawValue: value) else {
                    throw RepositoryError.invalid("stored attempt \(id) has an unknown outcome: \(value)")
                }
                return decoded
            },
            answeredBy: row["answered_by"])
    }

    /// A do-not-call row.
    static func doNotCall(_ row: Row) -> DoNotCallEntry {
        DoNotCallEntry(businessId: row["business_id"], phone: row["phone"], reason: row["reason"], createdAt: row["created_at"])
    }
}

extension GRDBCampaignRepository {
    static func fetchCampaign(_ db: Database, id: String, businessId: String) throws -> Campaign? {
        try Row.fetchOne(db, sql: "SELECT * FROM campaigns WHERE id = ? AND business_id = ?",
                         arguments: [id.lowercased(), businessId]).map(CampaignRows.campaign)
    }

    static func fetchRecipient(_ db: Database, id: String, businessId: String) throws -> CampaignRecipient? {
        try Row.fetchOne(db, sql: "SELECT * FROM campaign_recipients WHERE id = ? AND business_id = ?",
                         arguments: [id.lowercased(), businessId]).map(CampaignRows.recipient)
    }

    static func fetchAttempt(_ db: Database, id: String, businessId: String) throws -> CampaignAttempt? {
        try Row.fetchOne(db, sql: "SELECT * FROM campaign_attempts WHERE id = ? AND business_id = ?",
                         arguments: [id.lowercased(), businessId]).map(CampaignRows.attempt)
    }

    /// Writes `campaign` over `existing` only while the row is still at `existing`'s state and version; otherwise
    /// throws `CampaignConflict`.
    static func store(_ db: Database, _ campaign: Campaign, replacing existing: Campaign) throws {
        try db.execute(sql: """
            UPDATE campaigns SET name = ?, state = ?, script = ?, caller_number = ?, start_at = ?, window_start_minute = ?,
                window_end_minute = ?, max_concurrent_calls = ?, max_attempts = ?, retry_gap_seconds = ?, voicemail = ?,
                updated_at = ?, version = ?
            WHERE id = ? AND business_id = ? AND state = ? AND version = ?
            """, arguments: [
                campaign.name, campaign.state.rawValue, StoredScript.encode(campaign.script), campaign.callerNumber,
                campaign.startAt, campaign.callingWindow.startMinute, campaign.callingWindow.endMinute,
                campaign.pacing.maxConcurrentCalls, campaign.retryPolicy.maxAttempts, Int(campaign.retryPolicy.minimumGap),
                campaign.voicemail.rawValue, campaign.updatedAt, campaign.version,
                existing.id, existing.businessId, existing.state.rawValue, existing.version,
            ])
        guard db.changesCount == 1 else {
            let current = try fetchCampaign(db, id: existing.id, businessId: existing.businessId)
            throw CampaignConflict(campaignId: existing.id, state: current?.state ?? existing.state,
                                   version: current?.version ?? existing.version)
        }
    }

    /// Writes `recipient` over `existing` only while the row is still at `existing`'s version.
    static func store(_ db: Database, _ recipient: CampaignRecipient, replacing existing: CampaignRecipient,
                      campaign: Campaign) throws {
        try db.execute(sql: """
            UPDATE campaign_recipients SET state = ?, attempts = ?, next_attempt_at = ?, last_outcome = ?, last_call_sid = ?,
                results = ?, updated_at = ?, version = ?
            WHERE id = ? AND business_id = ? AND version = ?
            """, arguments: [
                recipient.state.rawValue, recipient.attempts, recipient.nextAttemptAt, recipient.lastOutcome?.rawValue,
                recipient.lastCallSid, StoredStringMap.encode(recipient.results), recipient.updatedAt, recipient.version,
                existing.id, existing.businessId, existing.version,
            ])
        guard db.changesCount == 1 else {
            throw CampaignConflict(campaignId: campaign.id, state: campaign.state, version: campaign.version,
                                   message: "recipient \(existing.id) changed meanwhile; read it and try again")
        }
    }
}
