import Campaigns
import Events
import Foundation
import GRDB

/// `CampaignRepository` on the app's SQLite database. One writer: a transaction reads the rows and changes them with
/// nothing in between; the conditional updates on (state, version) are the rule the PostgreSQL backend needs too.
public struct GRDBCampaignRepository: CampaignRepository {
    let database: AppDatabase
    let now: @Sendable () -> Date

    public init(database: AppDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    public func create(_ new: NewCampaign) async throws -> Campaign {
        let campaign = try new.campaign(at: now())  // validate before taking the write lock
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard try Int.fetchOne(db, sql: "SELECT count(*) FROM businesses WHERE id = ?", arguments: [new.businessId])! > 0
                else { throw RepositoryError.notFound }
                try Self.checkCallerNumber(db, campaign.callerNumber, businessId: campaign.businessId)
                try db.execute(sql: """
                    INSERT INTO campaigns (id, business_id, name, state, script, caller_number, start_at, window_start_minute,
                                           window_end_minute, max_concurrent_calls, max_attempts, retry_gap_seconds, voicemail,
                                           created_at, updated_at, version)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [
                        campaign.id, campaign.businessId, campaign.name, campaign.state.rawValue,
                        StoredScript.encode(campaign.script), campaign.callerNumber, campaign.startAt,
                        campaign.callingWindow.startMinute, campaign.callingWindow.endMinute,
                        campaign.pacing.maxConcurrentCalls, campaign.retryPolicy.maxAttempts,
                        Int(campaign.retryPolicy.minimumGap), campaign.voicemail.rawValue, campaign.createdAt,
                        campaign.updatedAt, campaign.version,
                    ])
                try EventAppender.append(db, EventDraft(businessId: campaign.businessId, stream: .campaign(campaign.id),
                                                        CampaignCreated(campaign, actor: new.actor)), at: campaign.createdAt)
                return try Self.fetchCampaign(db, id: campaign.id, businessId: campaign.businessId)!
            }
        }
    }

    public func get(id: String, businessId: String) async throws -> Campaign? {
        try await database.dbPool.read { db in try Self.fetchCampaign(db, id: id, businessId: businessId) }
    }

    public func list(businessId: String, state: CampaignState?, limit: Int, cursor: String?) async throws -> Page<Campaign> {
        let limit = try PageCursor.validatedLimit(limit)
        let after = try cursor.map(PageCursor.init(decoding:))
        let rows = try await database.dbPool.read { db in
            var sql = "SELECT * FROM campaigns WHERE business_id = ?"
            var arguments: StatementArguments = [businessId]
            if let state {
                sql += " AND state = ?"
                arguments += [state.rawValue]
            }
            if let after {
                sql += " AND (created_at > ? OR (created_at = ? AND id > ?))"
                arguments += [after.createdAt, after.createdAt, after.id]
            }
            sql += " ORDER BY created_at, id LIMIT ?"
            arguments += [limit + 1]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(CampaignRows.campaign)
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { PageCursor(after: $0.createdAt, id: $0.id).encoded } : nil
        return Page(items: items, nextCursor: next)
    }

    public func update(id: String, businessId: String, _ patch: CampaignPatch, actor: CampaignActor) async throws -> Campaign {
        let timestamp = now()
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard let existing = try Self.fetchCampaign(db, id: id, businessId: businessId) else { throw RepositoryError.notFound }
                let (updated, event) = try patch.applied(to: existing, actor: actor, at: timestamp)
                guard let event else { return existing }
                if updated.callerNumber != existing.callerNumber {
                    try Self.checkCallerNumber(db, updated.callerNumber, businessId: businessId)
                }
                if updated.script != existing.script {
                    try Self.checkRecipientsHaveVariables(db, campaignId: existing.id, script: updated.script)
                }
                try Self.store(db, updated, replacing: existing)
                if updated.retryPolicy.maxAttempts < existing.retryPolicy.maxAttempts {
                    // Retries beyond the new budget will never be made: those recipients are final now.
                    try db.execute(sql: """
                        UPDATE campaign_recipients SET next_attempt_at = NULL, updated_at = ?, version = version + 1
                        WHERE campaign_id = ? AND state IN ('busy', 'no_answer', 'failed') AND next_attempt_at IS NOT NULL
                          AND attempts >= ?
                        """, arguments: [timestamp, existing.id, updated.retryPolicy.maxAttempts])
                }
                try EventAppender.append(db, EventDraft(businessId: businessId, stream: .campaign(existing.id), event), at: timestamp)
                return try Self.fetchCampaign(db, id: existing.id, businessId: businessId)!
            }
        }
    }

    public func delete(id: String, businessId: String, actor: CampaignActor) async throws {
        let timestamp = now()
        try await database.dbPool.write { db in
            guard let existing = try Self.fetchCampaign(db, id: id, businessId: businessId) else { throw RepositoryError.notFound }
            guard existing.state == .draft else {
                throw CampaignConflict(campaignId: existing.id, state: existing.state, version: existing.version,
                                       message: "only a draft campaign can be deleted; this one is \(existing.state.rawValue) (cancel it instead)")
            }
            try db.execute(sql: "DELETE FROM campaigns WHERE id = ? AND business_id = ? AND version = ?",
                           arguments: [existing.id, businessId, existing.version])
            try EventAppender.append(db, EventDraft(businessId: businessId, stream: .campaign(existing.id),
                                                    CampaignDeleted(campaignId: existing.id, name: existing.name, actor: actor)),
                                     at: timestamp)
        }
    }

    public func transition(id: String, businessId: String, _ change: CampaignStateChange) async throws -> Campaign {
        let timestamp = now()
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard let existing = try Self.fetchCampaign(db, id: id, businessId: businessId) else { throw RepositoryError.notFound }
                var (moved, event) = try change.applied(to: existing, at: timestamp)
                try Self.store(db, moved, replacing: existing)
                if change.skipsWaitingRecipients {
                    try db.execute(sql: """
                        UPDATE campaign_recipients SET state = 'skipped', next_attempt_at = NULL, updated_at = ?, version = version + 1
                        WHERE campaign_id = ? AND (state = 'pending'
                              OR (state IN ('busy', 'no_answer', 'failed') AND next_attempt_at IS NOT NULL))
                        """, arguments: [timestamp, existing.id])
                    event.recipientsSkipped = db.changesCount
                }
                try EventAppender.append(db, EventDraft(businessId: businessId, stream: .campaign(existing.id), event), at: timestamp)
                moved = try Self.fetchCampaign(db, id: existing.id, businessId: businessId)!
                return moved
            }
        }
    }

    public func addRecipients(campaignId: String, businessId: String, _ upload: RecipientUpload) async throws -> RecipientsAdded {
        let timestamp = now()
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard let campaign = try Self.fetchCampaign(db, id: campaignId, businessId: businessId) else {
                    throw RepositoryError.notFound
                }
                try campaign.checkAcceptsRecipients(upload)
                let existing = try String.fetchSet(db, sql: "SELECT phone FROM campaign_recipients WHERE campaign_id = ?",
                                                   arguments: [campaign.id])
                var position = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(position), 0) FROM campaign_recipients WHERE campaign_id = ?",
                                                arguments: [campaign.id])!
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO campaign_recipients (id, business_id, campaign_id, position, phone, state, variables, time_zone,
                                                     zone_source, attempts, results, created_at, updated_at, version)
                    VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, 0, '{}', ?, ?, 1)
                    """)
                var alreadyPresent: [String] = []
                for draft in upload.recipients {
                    if existing.contains(draft.phone) {
                        alreadyPresent.append(draft.phone)
                        continue
                    }
                    position += 1
                    try insert.execute(arguments: [
                        UUID().uuidString.lowercased(), businessId, campaign.id, position, draft.phone,
                        StoredStringMap.encode(draft.variables), draft.timeZone, draft.zoneSource.rawValue, timestamp, timestamp,
                    ])
                }
                let added = upload.recipients.count - alreadyPresent.count
                let total = existing.count + added
                try EventAppender.append(db, EventDraft(
                    businessId: businessId, stream: .campaign(campaign.id),
                    CampaignRecipientsAdded(campaignId: campaign.id, rows: upload.rows, added: added, mergedRows: upload.mergedRows,
                                            alreadyPresent: alreadyPresent.count, total: total, actor: upload.actor)),
                    at: timestamp)
                return RecipientsAdded(added: added, alreadyPresent: alreadyPresent, total: total)
            }
        }
    }

    public func recipients(campaignId: String, businessId: String, state: RecipientState?, limit: Int,
                           cursor: String?) async throws -> Page<CampaignRecipient> {
        let limit = try PageCursor.validatedLimit(limit)
        let after = try cursor.map { try PageCursor(decoding: $0).position() }
        let rows = try await database.dbPool.read { db in
            var sql = "SELECT * FROM campaign_recipients WHERE campaign_id = ? AND business_id = ?"
            var arguments: StatementArguments = [campaignId.lowercased(), businessId]
            if let state {
                sql += " AND state = ?"
                arguments += [state.rawValue]
            }
            if let after {
                sql += " AND position > ?"
                arguments += [after]
            }
            sql += " ORDER BY position LIMIT ?"
            arguments += [limit + 1]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(CampaignRows.recipient)
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { PageCursor(position: $0.position, id: $0.id).encoded } : nil
        return Page(items: items, nextCursor: next)
    }

    public func recipient(id: String, businessId: String) async throws -> CampaignRecipient? {
        try await database.dbPool.read { db in try Self.fetchRecipient(db, id: id, businessId: businessId) }
    }

    public func counts(campaignId: String, businessId: String) async throws -> RecipientCounts {
        try await database.dbPool.read { db in
            var counts: [RecipientState: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT state, count(*) AS n FROM campaign_recipients WHERE campaign_id = ? AND business_id = ? GROUP BY state
                """, arguments: [campaignId.lowercased(), businessId]) {
                if let state = RecipientState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return RecipientCounts(byState: counts)
        }
    }

    public func progress(campaignId: String, businessId: String, since: Date) async throws -> CampaignProgress {
        try await database.dbPool.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT
                    (SELECT count(*) FROM campaign_recipients WHERE campaign_id = :campaign AND business_id = :business
                        AND \(CampaignProgressSQL.unfinished)) AS unfinished,
                    (SELECT max(next_attempt_at) FROM campaign_recipients WHERE campaign_id = :campaign AND business_id = :business
                        AND \(CampaignProgressSQL.unfinished)) AS latest_scheduled,
                    (SELECT count(*) FROM campaign_attempts WHERE campaign_id = :campaign AND business_id = :business
                        AND ended_at >= :since) AS ended,
                    (SELECT min(started_at) FROM campaign_attempts WHERE campaign_id = :campaign AND business_id = :business)
                        AS first_attempt_at
                """, arguments: ["campaign": campaignId.lowercased(), "business": businessId, "since": since])!
            return CampaignProgress(unfinished: row["unfinished"], latestScheduled: row["latest_scheduled"],
                                    attemptsEndedSince: row["ended"], firstAttemptAt: row["first_attempt_at"])
        }
    }

    // MARK: - Checks

    /// The caller number must be one of the business's numbers.
    static func checkCallerNumber(_ db: Database, _ number: String, businessId: String) throws {
        guard try Int.fetchOne(db, sql: "SELECT count(*) FROM business_numbers WHERE number = ? AND business_id = ?",
                               arguments: [number, businessId])! > 0 else {
            throw RepositoryError.invalid("callerNumber \(number) is not one of the business's numbers")
        }
    }

    /// Every stored recipient of the campaign must have a value for each variable `script` uses.
    static func checkRecipientsHaveVariables(_ db: Database, campaignId: String, script: CampaignScript) throws {
        guard !script.recipientVariables.isEmpty else { return }
        let cursor = try Row.fetchCursor(db, sql: "SELECT phone, variables FROM campaign_recipients WHERE campaign_id = ? ORDER BY position",
                                         arguments: [campaignId])
        while let row = try cursor.next() {
            let variables = try StoredStringMap.decode(row["variables"], column: "variables")
            if let missing = script.missingVariable(in: variables) {
                throw CampaignValidationError(field: "script",
                    "script uses {{\(missing)}}, but recipient \(PhoneMask.mask(row["phone"])) has no \(missing); upload recipients with that column first, or remove it from the script")
            }
        }
    }
}
