import Campaigns
import Events
import Foundation
import Logging
import PostgresNIO

/// `CampaignRepository` on PostgreSQL.
///
/// Several nodes: every change is an `UPDATE … WHERE version = …` of the row as it was read, so of two concurrent
/// changes one updates nothing and throws `CampaignConflict`. An upload locks its campaign's row (`FOR UPDATE`) so two
/// uploads number their recipients one after the other; starting an attempt holds the campaign `FOR SHARE`, so a pause
/// or cancel waits for it (and then sees the attempt) or is seen by it. Events are appended last in each transaction
/// (`PostgresEventAppender` serialises appends).
struct PostgresCampaignRepository: CampaignRepository {
    let database: PGDatabase
    let now: @Sendable () -> Date

    typealias Rows = PostgresCampaignRows

    func create(_ new: NewCampaign) async throws -> Campaign {
        let campaign = try new.campaign(at: now())
        let logger = database.logger
        return try await database.write { connection in
            guard try await Self.count(connection, "SELECT count(*) FROM businesses WHERE id = \(new.businessId)", logger) > 0
            else { throw RepositoryError.notFound }
            try await Self.checkCallerNumber(connection, campaign.callerNumber, businessId: campaign.businessId, logger: logger)
            try await connection.query("""
                INSERT INTO campaigns (id, business_id, name, state, script, caller_number, start_at, window_start_minute,
                                       window_end_minute, max_concurrent_calls, max_attempts, retry_gap_seconds, voicemail,
                                       created_at, updated_at, version)
                VALUES (\(campaign.id), \(campaign.businessId), \(campaign.name), \(campaign.state.rawValue),
                        \(StoredScript.encode(campaign.script)), \(campaign.callerNumber), \(campaign.startAt),
                        \(campaign.callingWindow.startMinute), \(campaign.callingWindow.endMinute),
                        \(campaign.pacing.maxConcurrentCalls), \(campaign.retryPolicy.maxAttempts),
                        \(Int(campaign.retryPolicy.minimumGap)), \(campaign.voicemail.rawValue), \(campaign.createdAt),
                        \(campaign.updatedAt), \(campaign.version))
                """, logger: logger)
            try await PostgresEventAppender.append(connection, EventDraft(
                businessId: campaign.businessId, stream: .campaign(campaign.id), CampaignCreated(campaign, actor: new.actor)),
                at: campaign.createdAt, logger: logger)
            return try await Rows.fetchCampaign(connection, id: campaign.id, businessId: campaign.businessId, logger: logger)!
        }
    }

    func get(id: String, businessId: String) async throws -> Campaign? {
        let logger = database.logger
        return try await database.read { connection in
            try await Rows.fetchCampaign(connection, id: id, businessId: businessId, logger: logger)
        }
    }

    func list(businessId: String, state: CampaignState?, limit: Int, cursor: String?) async throws -> Page<Campaign> {
        let limit = try PageCursor.validatedLimit(limit)
        let after = try cursor.map(PageCursor.init(decoding:))
        let key = try after?.postgresMicroseconds()
        let logger = database.logger
        let rows = try await database.read { connection in
            try await connection.query("""
                SELECT * FROM campaigns
                WHERE business_id = \(businessId)
                  AND (\(state?.rawValue)::text IS NULL OR state = \(state?.rawValue))
                  AND (\(key)::bigint IS NULL
                       OR (\(unescaped: PGDatabase.microsecondsSQL("created_at")), id) > (\(key), \(after?.id)::text))
                ORDER BY created_at, id LIMIT \(limit + 1)
                """, logger: logger).rows().map(Rows.campaign)
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { PageCursor(postgresAfter: $0.createdAt, id: $0.id).encoded } : nil
        return Page(items: items, nextCursor: next)
    }

    func update(id: String, businessId: String, _ patch: CampaignPatch, actor: CampaignActor) async throws -> Campaign {
        let timestamp = now()
        let logger = database.logger
        return try await database.write { connection in
            guard let existing = try await Rows.fetchCampaign(connection, id: id, businessId: businessId, lock: "FOR UPDATE",
                                                              logger: logger)
            else { throw RepositoryError.notFound }
            let (updated, event) = try patch.applied(to: existing, actor: actor, at: timestamp)
            guard let event else { return existing }
            if updated.callerNumber != existing.callerNumber {
                try await Self.checkCallerNumber(connection, updated.callerNumber, businessId: businessId, logger: logger)
            }
            if updated.script != existing.script {
                try await Self.checkRecipientsHaveVariables(connection, campaignId: existing.id, script: updated.script, logger: logger)
            }
            try await Rows.store(connection, updated, replacing: existing, logger: logger)
            if updated.retryPolicy.maxAttempts < existing.retryPolicy.maxAttempts {
                try await connection.query("""
                    UPDATE campaign_recipients SET next_attempt_at = NULL, updated_at = \(timestamp), version = version + 1
                    WHERE campaign_id = \(existing.id) AND state IN ('busy', 'no_answer', 'failed')
                      AND next_attempt_at IS NOT NULL AND attempts >= \(updated.retryPolicy.maxAttempts)
                    """, logger: logger)
            }
            try await PostgresEventAppender.append(connection, EventDraft(businessId: businessId, stream: .campaign(existing.id), event),
                                                   at: timestamp, logger: logger)
            return try await Rows.fetchCampaign(connection, id: existing.id, businessId: businessId, logger: logger)!
        }
    }

    func delete(id: String, businessId: String, actor: CampaignActor) async throws {
        let timestamp = now()
        let logger = database.logger
        try await database.write { connection in
            guard let existing = try await Rows.fetchCampaign(connection, id: id, businessId: businessId, lock: "FOR UPDATE",
                                                              logger: logger)
            else { throw RepositoryError.notFound }
            guard existing.state == .draft else {
                throw CampaignConflict(campaignId: existing.id, state: existing.state, version: existing.version,
                                       message: "only a draft campaign can be deleted; this one is \(existing.state.rawValue) (cancel it instead)")
            }
            try await connection.query("DELETE FROM campaigns WHERE id = \(existing.id) AND business_id = \(businessId)",
                                       logger: logger)
            try await PostgresEventAppender.append(connection, EventDraft(
                businessId: businessId, stream: .campaign(existing.id),
                CampaignDeleted(campaignId: existing.id, name: existing.name, actor: actor)), at: timestamp, logger: logger)
        }
    }

    func transition(id: String, businessId: String, _ change: CampaignStateChange) async throws -> Campaign {
        let timestamp = now()
        let logger = database.logger
        return try await database.write { connection in
            guard let existing = try await Rows.fetchCampaign(connection, id: id, businessId: businessId, logger: logger)
            else { throw RepositoryError.notFound }
            var (moved, event) = try change.applied(to: existing, at: timestamp)
            try await Rows.store(connection, moved, replacing: existing, logger: logger)
            if change.skipsWaitingRecipients {
                let skipped = try await connection.query("""
                    UPDATE campaign_recipients SET state = 'skipped', next_attempt_at = NULL, updated_at = \(timestamp),
                        version = version + 1
                    WHERE campaign_id = \(existing.id) AND (state = 'pending'
                          OR (state IN ('busy', 'no_answer', 'failed') AND next_attempt_at IS NOT NULL))
                    RETURNING id
                    """, logger: logger).all(String.self)
                event.recipientsSkipped = skipped.count
            }
            try await PostgresEventAppender.append(connection, EventDraft(businessId: businessId, stream: .campaign(existing.id), event),
                                                   at: timestamp, logger: logger)
            moved = try await Rows.fetchCampaign(connection, id: existing.id, businessId: businessId, logger: logger)!
            return moved
        }
    }

    func addRecipients(campaignId: String, businessId: String, _ upload: RecipientUpload) async throws -> RecipientsAdded {
        let timestamp = now()
        let logger = database.logger
        return try await database.write { connection in
            guard let campaign = try await Rows.fetchCampaign(connection, id: campaignId, businessId: businessId,
                                                              lock: "FOR UPDATE", logger: logger)
            else { throw RepositoryError.notFound }
            try campaign.checkAcceptsRecipients(upload)
            let existing = Set(try await connection.query(
                "SELECT phone FROM campaign_recipients WHERE campaign_id = \(campaign.id)", logger: logger).all(String.self))
            var position = try await connection.query(
                "SELECT COALESCE(MAX(position), 0)::bigint FROM campaign_recipients WHERE campaign_id = \(campaign.id)",
                logger: logger).all(Int.self).first ?? 0
            var alreadyPresent: [String] = []
            var fresh: [(position: Int, draft: RecipientDraft)] = []
            for draft in upload.recipients {
                if existing.contains(draft.phone) {
                    alreadyPresent.append(draft.phone)
                } else {
                    position += 1
                    fresh.append((position, draft))
                }
            }
            // Multi-row inserts of at most 1,000 rows (9 parameters each, well under PostgreSQL's 65,535).
            var start = 0
            while start < fresh.count {
                let batch = fresh[start..<min(start + 1_000, fresh.count)]
                var statement = PostgresStatement()
                var values: [String] = []
                for (position, draft) in batch {
                    values.append("""
                        (\(try statement.bind(UUID().uuidString.lowercased(), "text")), \(try statement.bind(businessId, "text")),
                         \(try statement.bind(campaign.id, "text")), \(try statement.bind(position, "bigint")),
                         \(try statement.bind(draft.phone, "text")), 'pending',
                         \(try statement.bind(StoredStringMap.encode(draft.variables), "text")),
                         \(try statement.bind(draft.timeZone, "text")), \(try statement.bind(draft.zoneSource.rawValue, "text")),
                         0, '{}', \(try statement.bind(timestamp, "timestamptz")), \(try statement.bind(timestamp, "timestamptz")), 1)
                        """)
                }
                try await connection.query(statement.query("""
                    INSERT INTO campaign_recipients (id, business_id, campaign_id, position, phone, state, variables, time_zone,
                                                     zone_source, attempts, results, created_at, updated_at, version)
                    VALUES \(values.joined(separator: ",\n"))
                    """), logger: logger)
                start += 1_000
            }
            let total = existing.count + fresh.count
            try await PostgresEventAppender.append(connection, EventDraft(
                businessId: businessId, stream: .campaign(campaign.id),
                CampaignRecipientsAdded(campaignId: campaign.id, rows: upload.rows, added: fresh.count,
                                        mergedRows: upload.mergedRows, alreadyPresent: alreadyPresent.count, total: total,
                                        actor: upload.actor)), at: timestamp, logger: logger)
            return RecipientsAdded(added: fresh.count, alreadyPresent: alreadyPresent, total: total)
        }
    }

    func recipients(campaignId: String, businessId: String, state: RecipientState?, limit: Int,
                    cursor: String?) async throws -> Page<CampaignRecipient> {
        let limit = try PageCursor.validatedLimit(limit)
        let after = try cursor.map { try PageCursor(decoding: $0).position() }
        let logger = database.logger
        let rows = try await database.read { connection in
            try await connection.query("""
                SELECT * FROM campaign_recipients
                WHERE campaign_id = \(campaignId.lowercased()) AND business_id = \(businessId)
                  AND (\(state?.rawValue)::text IS NULL OR state = \(state?.rawValue))
                  AND position > \(after ?? 0)
                ORDER BY position LIMIT \(limit + 1)
                """, logger: logger).rows().map(Rows.recipient)
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { PageCursor(position: $0.position, id: $0.id).encoded } : nil
        return Page(items: items, nextCursor: next)
    }

    func recipient(id: String, businessId: String) async throws -> CampaignRecipient? {
        let logger = database.logger
        return try await database.read { connection in
            try await Rows.fetchRecipient(connection, id: id, businessId: businessId, logger: logger)
        }
    }

    func counts(campaignId: String, businessId: String) async throws -> RecipientCounts {
        let logger = database.logger
        let rows = try await database.read { connection in
            try await connection.query("""
                SELECT state, count(*)::bigint FROM campaign_recipients
                WHERE campaign_id = \(campaignId.lowercased()) AND business_id = \(businessId) GROUP BY state
                """, logger: logger).all((String, Int).self)
        }
        var counts: [RecipientState: Int] = [:]
        for (state, count) in rows { if let state = RecipientState(rawValue: state) { counts[state] = count } }
        return RecipientCounts(byState: counts)
    }

    func progress(campaignId: String, businessId: String, since: Date) async throws -> CampaignProgress {
        let logger = database.logger
        let campaign = campaignId.lowercased()
        let rows = try await database.read { connection in
            try await connection.query("""
                SELECT
                    (SELECT count(*)::bigint FROM campaign_recipients WHERE campaign_id = \(campaign)
                        AND business_id = \(businessId) AND \(unescaped: CampaignProgressSQL.unfinished)),
                    (SELECT max(next_attempt_at) FROM campaign_recipients WHERE campaign_id = \(campaign)
                        AND business_id = \(businessId) AND \(unescaped: CampaignProgressSQL.unfinished)),
                    (SELECT count(*)::bigint FROM campaign_attempts WHERE campaign_id = \(campaign)
                        AND business_id = \(businessId) AND ended_at >= \(since)),
                    (SELECT min(started_at) FROM campaign_attempts WHERE campaign_id = \(campaign) AND business_id = \(businessId))
                """, logger: logger).all((Int, Date?, Int, Date?).self)
        }
        let (unfinished, latest, ended, first) = rows.first ?? (0, nil, 0, nil)
        return CampaignProgress(unfinished: unfinished, latestScheduled: latest, attemptsEndedSince: ended, firstAttemptAt: first)
    }

    // MARK: - Checks

    static func count(_ connection: PostgresConnection, _ query: PostgresQuery, _ logger: Logger) async throws -> Int64 {
        try await connection.query(query, logger: logger).all(Int64.self).first ?? 0
    }

    static func checkCallerNumber(_ connection: PostgresConnection, _ number: String, businessId: String,
                                  logger: Logger) async throws {
        guard try await count(connection, """
            SELECT count(*) FROM business_numbers WHERE number = \(number) AND business_id = \(businessId)
            """, logger) > 0 else {
            throw RepositoryError.invalid("callerNumber \(number) is not one of the business's numbers")
        }
    }

    static func checkRecipientsHaveVariables(_ connection: PostgresConnection, campaignId: String, script: CampaignScript,
                                             logger: Logger) async throws {
        guard !script.recipientVariables.isEmpty else { return }
        let rows = try await connection.query("""
            SELECT phone, variables FROM campaign_recipients WHERE campaign_id = \(campaignId) ORDER BY position
            """, logger: logger).all((String, String).self)
        for (phone, text) in rows {
            if let missing = script.missingVariable(in: try StoredStringMap.decode(text, column: "variables")) {
                throw CampaignValidationError(field: "script",
                    "script uses {{\(missing)}}, but recipient \(PhoneMask.mask(phone)) has no \(missing); upload recipients with that column first, or remove it from the script")
            }
        }
    }
}
