import Campaigns
import Foundation
import Logging
import PostgresNIO

// Rows of `campaigns`, `campaign_recipients`, `campaign_attempts` and `do_not_call` on PostgreSQL, read by column
// name, and the conditional writes both the campaign and recipient repositories make.
enum PostgresCampaignRows {
    static func campaign(_ row: PostgresRow) throws -> Campaign {
        let cells = row.makeRandomAccess()
        let id = try cells["id"].decode(String.self)
        func raw<T: RawRepresentable>(_ type: T.Type, _ column: String) throws -> T where T.RawValue == String {
            let value = try cells[column].decode(String.self)
            guard let decoded = T(rawValue: value) else {
                throw RepositoryError.invalid("stored campaign \(id) has an unknown \(column): \(value)")
            }
            return decoded
        }
        let definition = CampaignDefinition(
            name: try cells["name"].decode(String.self), script: try StoredScript.decode(cells["script"].decode(String.self)),
            callerNumber: try cells["caller_number"].decode(String.self), startAt: try cells["start_at"].decode(Date?.self),
            callingWindow: CallingWindow(startMinute: try cells["window_start_minute"].decode(Int.self),
                                         endMinute: try cells["window_end_minute"].decode(Int.self)),
            pacing: CampaignPacing(maxConcurrentCalls: try cells["max_concurrent_calls"].decode(Int.self)),
            retryPolicy: RetryPolicy(maxAttempts: try cells["max_attempts"].decode(Int.self),
                                     minimumGap: TimeInterval(try cells["retry_gap_seconds"].decode(Int.self))),
            voicemail: try raw(VoicemailBehaviour.self, "voicemail"))
        return Campaign(id: id, businessId: try cells["business_id"].decode(String.self), definition: definition,
                        state: try raw(CampaignState.self, "state"), createdAt: try cells["created_at"].decode(Date.self),
                        updatedAt: try cells["updated_at"].decode(Date.self), version: try cells["version"].decode(Int.self))
    }

    static func recipient(_ row: PostgresRow) throws -> CampaignRecipient {
        let cells = row.makeRandomAccess()
        let id = try cells["id"].decode(String.self)
        func raw<T: RawRepresentable>(_ type: T.Type, _ value: String?, _ column: String) throws -> T? where T.RawValue == String {
            guard let value else { return nil }
            guard let decoded = T(rawValue: value) else {
                throw RepositoryError.invalid("stored recipient \(id) has an unknown \(column): \(value)")
            }
            return decoded
        }
        return CampaignRecipient(
            id: id, businessId: try cells["business_id"].decode(String.self),
            campaignId: try cells["campaign_id"].decode(String.self), phone: try cells["phone"].decode(String.self),
            state: try raw(RecipientState.self, cells["state"].decode(String.self), "state")!,
            variables: try StoredStringMap.decode(cells["variables"].decode(String.self), column: "variables"),
            timeZone: try cells["time_zone"].decode(String.self),
            zoneSource: try raw(ZoneSource.self, cells["zone_source"].decode(String.self), "zone_source")!,
            attempts: try cells["attempts"].decode(Int.self), nextAttemptAt: try cells["next_attempt_at"].decode(Date?.self),
            lastOutcome: try raw(AttemptOutcome.self, cells["last_outcome"].decode(String?.self), "last_outcome"),
            lastCallSid: try cells["last_call_sid"].decode(String?.self),
            results: try StoredStringMap.decode(cells["results"].decode(String.self), column: "results"),
            appointment: try StoredAppointment.decode(status: cells["appointment_status"].decode(String?.self),
                                                      id: cells["appointment_id"].decode(String?.self),
                                                      note: cells["appointment_note"].decode(String?.self), recipientId: id),
            position: try cells["position"].decode(Int.self), createdAt: try cells["created_at"].decode(Date.self),
            updatedAt: try cells["updated_at"].decode(Date.self), version: try cells["version"].decode(Int.self))
    }

    static func attempt(_ row: PostgresRow) throws -> CampaignAttempt {
        let cells = row.makeRandomAccess()
        let id = try cells["id"].decode(String.self)
        let outcome = try cells["outcome"].decode(String?.self)
        return CampaignAttempt(
            id: id, businessId: try cells["business_id"].decode(String.self),
            campaignId: try cells["campaign_id"].decode(String.self), recipientId: try cells["recipient_id"].decode(String.self),
            number: try cells["number"].decode(Int.self), callSid: try cells["call_sid"].decode(String?.self),
            startedAt: try cells["started_at"].decode(Date.self), endedAt: try cells["ended_at"].decode(Date?.self),
            outcome: try outcome.map { value in
                guard let decoded = AttemptOutcome(rawValue: value) else {
                    throw RepositoryError.invalid("stored attempt \(id) has an unknown outcome: \(value)")
                }
                return decoded
            },
            answeredBy: try cells["answered_by"].decode(String?.self))
    }

    static func doNotCall(_ row: PostgresRow) throws -> DoNotCallEntry {
        let cells = row.makeRandomAccess()
        return DoNotCallEntry(businessId: try cells["business_id"].decode(String.self), phone: try cells["phone"].decode(String.self),
                              reason: try cells["reason"].decode(String?.self), createdAt: try cells["created_at"].decode(Date.self))
    }

    // MARK: - Reads inside a transaction

    /// The business's campaign; `lock` takes a row lock (`FOR UPDATE` or `FOR SHARE`) until the transaction ends.
    static func fetchCampaign(_ connection: PostgresConnection, id: String, businessId: String, lock: String = "",
                              logger: Logger) async throws -> Campaign? {
        try await connection.query(PostgresQuery(unsafeSQL: "SELECT * FROM campaigns WHERE id = $1 AND business_id = $2 \(lock)",
                                                 binds: binds(id.lowercased(), businessId)), logger: logger)
            .rows().first.map(campaign)
    }

    static func fetchRecipient(_ connection: PostgresConnection, id: String, businessId: String,
                               logger: Logger) async throws -> CampaignRecipient? {
        try await connection.query("""
            SELECT * FROM campaign_recipients WHERE id = \(id.lowercased()) AND business_id = \(businessId)
            """, logger: logger).rows().first.map(recipient)
    }

    static func fetchAttempt(_ connection: PostgresConnection, id: String, businessId: String,
                             logger: Logger) async throws -> CampaignAttempt? {
        try await connection.query("""
            SELECT * FROM campaign_attempts WHERE id = \(id.lowercased()) AND business_id = \(businessId)
            """, logger: logger).rows().first.map(attempt)
    }

    static func binds(_ values: String...) -> PostgresBindings {
        var bindings = PostgresBindings()
        for value in values { bindings.append(value) }
        return bindings
    }

    // MARK: - Conditional writes

    /// Writes `campaign` over `existing` only while the row is still at `existing`'s state and version; otherwise (a
    /// concurrent change committed first) throws `CampaignConflict` with the row as it is now.
    static func store(_ connection: PostgresConnection, _ campaign: Campaign, replacing existing: Campaign,
                      logger: Logger) async throws {
        let updated = try await connection.query("""
            UPDATE campaigns SET name = \(campaign.name), state = \(campaign.state.rawValue),
                script = \(StoredScript.encode(campaign.script)), caller_number = \(campaign.callerNumber),
                start_at = \(campaign.startAt), window_start_minute = \(campaign.callingWindow.startMinute),
                window_end_minute = \(campaign.callingWindow.endMinute),
                max_concurrent_calls = \(campaign.pacing.maxConcurrentCalls), max_attempts = \(campaign.retryPolicy.maxAttempts),
                retry_gap_seconds = \(Int(campaign.retryPolicy.minimumGap)), voicemail = \(campaign.voicemail.rawValue),
                updated_at = \(campaign.updatedAt), version = \(campaign.version)
            WHERE id = \(existing.id) AND business_id = \(existing.businessId) AND state = \(existing.state.rawValue)
              AND version = \(existing.version)
            RETURNING id
            """, logger: logger).all(String.self)
        guard updated.count == 1 else {
            let current = try await fetchCampaign(connection, id: existing.id, businessId: existing.businessId, logger: logger)
            throw CampaignConflict(campaignId: existing.id, state: current?.state ?? existing.state,
                                   version: current?.version ?? existing.version)
        }
    }

    /// Writes `recipient` over `existing` only while the row is still at `existing`'s version.
    static func store(_ connection: PostgresConnection, _ recipient: CampaignRecipient, replacing existing: CampaignRecipient,
                      campaign: Campaign, logger: Logger) async throws {
        let updated = try await connection.query("""
            UPDATE campaign_recipients SET state = \(recipient.state.rawValue), attempts = \(recipient.attempts),
                next_attempt_at = \(recipient.nextAttemptAt), last_outcome = \(recipient.lastOutcome?.rawValue),
                last_call_sid = \(recipient.lastCallSid), results = \(StoredStringMap.encode(recipient.results)),
                updated_at = \(recipient.updatedAt), version = \(recipient.version)
            WHERE id = \(existing.id) AND business_id = \(existing.businessId) AND version = \(existing.version)
            RETURNING id
            """, logger: logger).all(String.self)
        guard updated.count == 1 else {
            throw CampaignConflict(campaignId: campaign.id, state: campaign.state, version: campaign.version,
                                   message: "recipient \(existing.id) changed meanwhile; read it and try again")
        }
    }
}
