import Campaigns
import Events
import Foundation
import GRDB

// The dialer's steps: each reads the campaign, the recipient and the attempt, applies the rule and stores the rows
// with their events in one transaction.
extension GRDBCampaignRepository {
    public func activeCampaigns(now: Date) async throws -> [Campaign] {
        try await database.dbPool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM campaigns
                WHERE state = 'running' OR (state = 'scheduled' AND (start_at IS NULL OR start_at <= ?))
                ORDER BY created_at, id
                """, arguments: [now]).map(CampaignRows.campaign)
        }
    }

    public func dueRecipients(campaignId: String, businessId: String, now: Date, limit: Int) async throws -> [CampaignRecipient] {
        try await database.dbPool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.* FROM campaign_recipients r JOIN campaigns c ON c.id = r.campaign_id
                WHERE r.campaign_id = ? AND r.business_id = ? AND r.attempts < c.max_attempts
                  AND ((r.state = 'pending' AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= ?))
                       OR (r.state IN ('busy', 'no_answer', 'failed') AND r.next_attempt_at <= ?))
                ORDER BY r.position LIMIT ?
                """, arguments: [campaignId.lowercased(), businessId, now, now, max(0, limit)]).map(CampaignRows.recipient)
        }
    }

    public func openAttempts(campaignId: String, businessId: String) async throws -> [CampaignAttempt] {
        try await database.dbPool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM campaign_attempts WHERE campaign_id = ? AND business_id = ? AND ended_at IS NULL
                ORDER BY started_at, id
                """, arguments: [campaignId.lowercased(), businessId]).map(CampaignRows.attempt)
        }
    }

    public func startAttempt(recipientId: String, businessId: String) async throws -> AttemptStart {
        let timestamp = now()
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard let recipient = try Self.fetchRecipient(db, id: recipientId, businessId: businessId),
                      let campaign = try Self.fetchCampaign(db, id: recipient.campaignId, businessId: businessId)
                else { throw RepositoryError.notFound }
                guard campaign.state == .running else {
                    throw CampaignConflict(campaignId: campaign.id, state: campaign.state, version: campaign.version,
                                           message: "the campaign is \(campaign.state.rawValue), not running: nobody is dialled")
                }
                guard recipient.mayStartAttempt(at: timestamp, policy: campaign.retryPolicy) else {
                    throw CampaignConflict(campaignId: campaign.id, state: campaign.state, version: campaign.version,
                        message: "recipient \(recipient.id) is not due for a call (\(recipient.state.rawValue), \(recipient.attempts) of \(campaign.retryPolicy.maxAttempts) attempts made)")
                }
                if let reason = try Self.suppression(db, phone: recipient.phone, businessId: businessId) {
                    let move = RecipientMove(to: .optedOut, reason: reason, actor: .system)
                    let (moved, event) = try move.applied(to: recipient, campaign: campaign, at: timestamp)
                    try Self.store(db, moved, replacing: recipient, campaign: campaign)
                    try EventAppender.append(db, EventDraft(businessId: businessId, stream: .campaign(campaign.id), event), at: timestamp)
                    return .suppressed(try Self.fetchRecipient(db, id: recipient.id, businessId: businessId)!, reason: reason)
                }
                let attempt = CampaignAttempt(businessId: businessId, campaignId: campaign.id, recipientId: recipient.id,
                                              number: recipient.attempts + 1, startedAt: timestamp)
                var dialing = recipient
                dialing.state = .dialing
                dialing.attempts += 1
                dialing.nextAttemptAt = nil
                dialing.updatedAt = timestamp
                dialing.version += 1
                try Self.store(db, dialing, replacing: recipient, campaign: campaign)
                try db.execute(sql: """
                    INSERT INTO campaign_attempts (id, business_id, campaign_id, recipient_id, number, started_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [attempt.id, businessId, campaign.id, recipient.id, attempt.number, timestamp])
                try EventAppender.append(db, EventDraft(businessId: businessId, stream: .campaign(campaign.id),
                                                        CampaignAttemptStarted(attempt, phone: recipient.phone)), at: timestamp)
                return .started(try Self.fetchRecipient(db, id: recipient.id, businessId: businessId)!,
                                try Self.fetchAttempt(db, id: attempt.id, businessId: businessId)!)
            }
        }
    }

    public func recordCallSid(attemptId: String, businessId: String, callSid: String) async throws -> CampaignAttempt {
        let timestamp = now()
        let sid = callSid.trimmingCharacters(in: .whitespaces)
        guard (1...64).contains(sid.count) else { throw RepositoryError.invalid("callSid must be 1–64 characters") }
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard let attempt = try Self.fetchAttempt(db, id: attemptId, businessId: businessId),
                      let recipient = try Self.fetchRecipient(db, id: attempt.recipientId, businessId: businessId),
                      let campaign = try Self.fetchCampaign(db, id: attempt.campaignId, businessId: businessId)
                else { throw RepositoryError.notFound }
                if attempt.callSid == sid { return attempt }
                if let stored = attempt.callSid {
                    throw CampaignConflict(campaignId: campaign.id, state: campaign.state, version: campaign.version,
                                           message: "attempt \(attempt.id) already placed the call \(stored)")
                }
                try db.execute(sql: "UPDATE campaign_attempts SET call_sid = ? WHERE id = ? AND call_sid IS NULL",
                               arguments: [sid, attempt.id])
                var updated = recipient
                if recipient.attempts == attempt.number {
                    updated.lastCallSid = sid
                    updated.updatedAt = timestamp
                    updated.version += 1
                    try Self.store(db, updated, replacing: recipient, campaign: campaign)
                }
                try EventAppender.append(db, EventDraft(
                    businessId: businessId, stream: .campaign(campaign.id),
                    CampaignAttemptDialed(campaignId: campaign.id, recipientId: recipient.id, attemptId: attempt.id, callSid: sid)),
                    at: timestamp)
                return try Self.fetchAttempt(db, id: attempt.id, businessId: businessId)!
            }
        }
    }

    public func markAnswered(attemptId: String, businessId: String, answeredBy: String?) async throws -> CampaignRecipient {
        let timestamp = now()
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard let attempt = try Self.fetchAttempt(db, id: attemptId, businessId: businessId),
                      let recipient = try Self.fetchRecipient(db, id: attempt.recipientId, businessId: businessId),
                      let campaign = try Self.fetchCampaign(db, id: attempt.campaignId, businessId: businessId)
                else { throw RepositoryError.notFound }
                if recipient.state == .inProgress || attempt.endedAt != nil { return recipient }
                guard recipient.state == .dialing, recipient.attempts == attempt.number else {
                    throw CampaignConflict(campaignId: campaign.id, state: campaign.state, version: campaign.version,
                                           message: "recipient \(recipient.id) is \(recipient.state.rawValue), not dialing")
                }
                var answered = recipient
                answered.state = .inProgress
                answered.updatedAt = timestamp
                answered.version += 1
                try Self.store(db, answered, replacing: recipient, campaign: campaign)
                if let answeredBy {
                    try db.execute(sql: "UPDATE campaign_attempts SET answered_by = ? WHERE id = ?", arguments: [answeredBy, attempt.id])
                }
                try EventAppender.append(db, EventDraft(
                    businessId: businessId, stream: .campaign(campaign.id),
                    CampaignAttemptAnswered(campaignId: campaign.id, recipientId: recipient.id, attemptId: attempt.id,
                                            callSid: attempt.callSid, answeredBy: answeredBy)), at: timestamp)
                return try Self.fetchRecipient(db, id: recipient.id, businessId: businessId)!
            }
        }
    }

    public func finishAttempt(attemptId: String, businessId: String, _ end: AttemptEnd) async throws -> CampaignRecipient {
        let timestamp = now()
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard let attempt = try Self.fetchAttempt(db, id: attemptId, businessId: businessId),
                      let recipient = try Self.fetchRecipient(db, id: attempt.recipientId, businessId: businessId),
                      let campaign = try Self.fetchCampaign(db, id: attempt.campaignId, businessId: businessId)
                else { throw RepositoryError.notFound }
                if attempt.endedAt != nil { return recipient }
                try campaign.script.checkResults(end.results)
                guard recipient.state.isActive, recipient.attempts == attempt.number else {
                    throw CampaignConflict(campaignId: campaign.id, state: campaign.state, version: campaign.version,
                                           message: "recipient \(recipient.id) is \(recipient.state.rawValue): attempt \(attempt.id) is not its call in progress")
                }
                let finished = recipient.finished(end, policy: campaign.retryPolicy, at: timestamp)
                try Self.store(db, finished, replacing: recipient, campaign: campaign)
                let answeredBy = end.answeredBy ?? attempt.answeredBy
                try db.execute(sql: "UPDATE campaign_attempts SET ended_at = ?, outcome = ?, answered_by = ? WHERE id = ?",
                               arguments: [timestamp, end.outcome.rawValue, answeredBy, attempt.id])
                try EventAppender.append(db, EventDraft(
                    businessId: businessId, stream: .campaign(campaign.id),
                    CampaignAttemptEnded(campaignId: campaign.id, recipientId: recipient.id, attemptId: attempt.id,
                                         callSid: attempt.callSid, outcome: end.outcome, answeredBy: answeredBy,
                                         state: finished.state, nextAttemptAt: finished.nextAttemptAt,
                                         results: end.results.isEmpty ? nil : end.results)), at: timestamp)
                if end.outcome == .optedOut {
                    _ = try GRDBDoNotCallRepository.insert(
                        db, businessId: businessId, phone: recipient.phone,
                        reason: "asked not to be called (campaign \(campaign.name))",
                        actor: CampaignActor(.callee, id: attempt.callSid), at: timestamp)
                }
                return try Self.fetchRecipient(db, id: recipient.id, businessId: businessId)!
            }
        }
    }

    public func withdrawAttempt(attemptId: String, businessId: String, notBefore: Date, reason: String) async throws
        -> CampaignRecipient? {
        let timestamp = now()
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard let attempt = try Self.fetchAttempt(db, id: attemptId, businessId: businessId) else { return nil }
                guard let recipient = try Self.fetchRecipient(db, id: attempt.recipientId, businessId: businessId),
                      let campaign = try Self.fetchCampaign(db, id: attempt.campaignId, businessId: businessId)
                else { throw RepositoryError.notFound }
                guard let withdrawn = recipient.withdrawing(attempt, campaign: campaign, notBefore: notBefore,
                                                            at: timestamp)
                else {
                    throw CampaignConflict(campaignId: campaign.id, state: campaign.state, version: campaign.version,
                                           message: "attempt \(attempt.id) was dialled or has ended: it cannot be taken back")
                }
                try Self.store(db, withdrawn, replacing: recipient, campaign: campaign)
                try db.execute(sql: "DELETE FROM campaign_attempts WHERE id = ? AND call_sid IS NULL AND ended_at IS NULL",
                               arguments: [attempt.id])
                try EventAppender.append(db, EventDraft(
                    businessId: businessId, stream: .campaign(campaign.id),
                    CampaignAttemptWithdrawn(campaignId: campaign.id, recipientId: recipient.id, attemptId: attempt.id,
                                             state: withdrawn.state, nextAttemptAt: withdrawn.nextAttemptAt, reason: reason)),
                    at: timestamp)
                return try Self.fetchRecipient(db, id: recipient.id, businessId: businessId)!
            }
        }
    }

    public func moveRecipient(id: String, businessId: String, _ move: RecipientMove) async throws -> CampaignRecipient {
        let timestamp = now()
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard let recipient = try Self.fetchRecipient(db, id: id, businessId: businessId),
                      let campaign = try Self.fetchCampaign(db, id: recipient.campaignId, businessId: businessId)
                else { throw RepositoryError.notFound }
                let (moved, event) = try move.applied(to: recipient, campaign: campaign, at: timestamp)
                try Self.store(db, moved, replacing: recipient, campaign: campaign)
                try EventAppender.append(db, EventDraft(businessId: businessId, stream: .campaign(campaign.id), event), at: timestamp)
                return try Self.fetchRecipient(db, id: recipient.id, businessId: businessId)!
            }
        }
    }

    public func recordAppointment(recipientId: String, businessId: String, attemptId: String,
                                  _ appointment: RecipientAppointment) async throws -> CampaignRecipient {
        let timestamp = now()
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard let recipient = try Self.fetchRecipient(db, id: recipientId, businessId: businessId),
                      let attempt = try Self.fetchAttempt(db, id: attemptId, businessId: businessId),
                      attempt.recipientId == recipient.id,
                      let campaign = try Self.fetchCampaign(db, id: recipient.campaignId, businessId: businessId)
                else { throw RepositoryError.notFound }
                if recipient.appointment == appointment { return recipient }
                try db.execute(sql: """
                    UPDATE campaign_recipients SET appointment_status = ?, appointment_id = ?, appointment_note = ?,
                        updated_at = ?, version = version + 1
                    WHERE id = ? AND business_id = ?
                    """, arguments: [appointment.status.rawValue, appointment.appointmentId, appointment.note, timestamp,
                                     recipient.id, businessId])
                try EventAppender.append(db, EventDraft(
                    businessId: businessId, stream: .campaign(campaign.id),
                    CampaignAppointmentRecorded(campaignId: campaign.id, recipientId: recipient.id, attemptId: attempt.id,
                                                callSid: attempt.callSid, action: campaign.script.appointmentQuestion?.appointment,
                                                appointment)), at: timestamp)
                return try Self.fetchRecipient(db, id: recipient.id, businessId: businessId)!
            }
        }
    }

    public func attempts(recipientId: String, businessId: String) async throws -> [CampaignAttempt] {
        try await database.dbPool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM campaign_attempts WHERE recipient_id = ? AND business_id = ? ORDER BY number",
                             arguments: [recipientId.lowercased(), businessId]).map(CampaignRows.attempt)
        }
    }

    public func attempt(callSid: String, businessId: String) async throws -> CampaignAttempt? {
        try await database.dbPool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM campaign_attempts WHERE call_sid = ? AND business_id = ?",
                             arguments: [callSid, businessId]).map(CampaignRows.attempt)
        }
    }

    /// Why `phone` must not be called by the business now, or nil: the do-not-call list, a customer's opt-out.
    static func suppression(_ db: Database, phone: String, businessId: String) throws -> String? {
        if try Int.fetchOne(db, sql: "SELECT count(*) FROM do_not_call WHERE business_id = ? AND phone = ?",
                            arguments: [businessId, phone])! > 0 {
            return "on the do-not-call list"
        }
        if try Int.fetchOne(db, sql: "SELECT count(*) FROM customers WHERE business_id = ? AND phone = ? AND sms_opt_out = 1",
                            arguments: [businessId, phone])! > 0 {
            return "the customer opted out (STOP)"
        }
        return nil
    }
}
