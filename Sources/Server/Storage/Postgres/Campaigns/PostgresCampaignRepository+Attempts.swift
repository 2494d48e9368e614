import Campaigns
import Events
import Foundation
import Logging
import PostgresNIO

// The dialer's steps on PostgreSQL: each reads the campaign (held `FOR SHARE`, so a pause or cancel cannot pass it),
// the recipient and the attempt, applies the rule, stores the rows conditionally on their versions, and appends its
// events last.
extension PostgresCampaignRepository {
    func activeCampaigns(now: Date) async throws -> [Campaign] {
        let logger = database.logger
        return try await database.read { connection in
            try await connection.query("""
                SELECT * FROM campaigns
                WHERE state = 'running' OR (state = 'scheduled' AND (start_at IS NULL OR start_at <= \(now)))
                ORDER BY created_at, id
                """, logger: logger).rows().map(Rows.campaign)
        }
    }

    func dueRecipients(campaignId: String, businessId: String, now: Date, limit: Int) async throws -> [CampaignRecipient] {
        let logger = database.logger
        return try await database.read { connection in
            try await connection.query("""
                SELECT r.* FROM campaign_recipients r JOIN campaigns c ON c.id = r.campaign_id
                WHERE r.campaign_id = \(campaignId.lowercased()) AND r.business_id = \(businessId) AND r.attempts < c.max_attempts
                  AND ((r.state = 'pending' AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= \(now)))
                       OR (r.state IN ('busy', 'no_answer', 'failed') AND r.next_attempt_at <= \(now)))
                ORDER BY r.position LIMIT \(max(0, limit))
                """, logger: logger).rows().map(Rows.recipient)
        }
    }

    func openAttempts(campaignId: String, businessId: String) async throws -> [CampaignAttempt] {
        let logger = database.logger
        return try await database.read { connection in
            try await connection.query("""
                SELECT * FROM campaign_attempts
                WHERE campaign_id = \(campaignId.lowercased()) AND business_id = \(businessId) AND ended_at IS NULL
                ORDER BY started_at, id
                """, logger: logger).rows().map(Rows.attempt)
        }
    }

    func startAttempt(recipientId: String, businessId: String) async throws -> AttemptStart {
        let timestamp = now()
        let logger = database.logger
        return try await database.write { connection in
            guard let recipient = try await Rows.fetchRecipient(connection, id: recipientId, businessId: businessId, logger: logger),
                  let campaign = try await Rows.fetchCampaign(connection, id: recipient.campaignId, businessId: businessId,
                                                              lock: "FOR SHARE", logger: logger)
            else { throw RepositoryError.notFound }
            guard campaign.state == .running else {
                throw CampaignConflict(campaignId: campaign.id, state: campaign.state, version: campaign.version,
                                       message: "the campaign is \(campaign.state.rawValue), not running: nobody is dialled")
            }
            guard recipient.mayStartAttempt(at: timestamp, policy: campaign.retryPolicy) else {
                throw CampaignConflict(campaignId: campaign.id, state: campaign.state, version: campaign.version,
                    message: "recipient \(recipient.id) is not due for a call (\(recipient.state.rawValue), \(recipient.attempts) of \(campaign.retryPolicy.maxAttempts) attempts made)")
            }
            if let reason = try await Self.suppression(connection, phone: recipient.phone, businessId: businessId, logger: logger) {
                let move = RecipientMove(to: .optedOut, reason: reason, actor: .system)
                let (moved, event) = try move.applied(to: recipient, campaign: campaign, at: timestamp)
                try await Rows.store(connection, moved, replacing: recipient, campaign: campaign, logger: logger)
                try await PostgresEventAppender.append(connection, EventDraft(businessId: businessId, stream: .campaign(campaign.id), event),
                                                       at: timestamp, logger: logger)
                return .suppressed(try await Rows.fetchRecipient(connection, id: recipient.id, businessId: businessId, logger: logger)!,
                                   reason: reason)
            }
            let attempt = CampaignAttempt(businessId: businessId, campaignId: campaign.id, recipientId: recipient.id,
                                          number: recipient.attempts + 1, startedAt: timestamp)
            var dialing = recipient
            dialing.state = .dialing
            dialing.attempts += 1
            dialing.nextAttemptAt = nil
            dialing.updatedAt = timestamp
            dialing.version += 1
            try await Rows.store(connection, dialing, replacing: recipient, campaign: campaign, logger: logger)
            try await connection.query("""
                INSERT INTO campaign_attempts (id, business_id, campaign_id, recipient_id, number, started_at)
                VALUES (\(attempt.id), \(businessId), \(campaign.id), \(recipient.id), \(attempt.number), \(timestamp))
                """, logger: logger)
            try await PostgresEventAppender.append(connection, EventDraft(
                businessId: businessId, stream: .campaign(campaign.id), CampaignAttemptStarted(attempt, phone: recipient.phone)),
                at: timestamp, logger: logger)
            return .started(try await Rows.fetchRecipient(connection, id: recipient.id, businessId: businessId, logger: logger)!,
                            try await Rows.fetchAttempt(connection, id: attempt.id, businessId: businessId, logger: logger)!)
        }
    }

    func recordCallSid(attemptId: String, businessId: String, callSid: String) async throws -> CampaignAttempt {
        let timestamp = now()
        let sid = callSid.trimmingCharacters(in: .whitespaces)
        guard (1...64).contains(sid.count) else { throw RepositoryError.invalid("callSid must be 1–64 characters") }
        let logger = database.logger
        return try await database.write { connection in
            guard let attempt = try await Rows.fetchAttempt(connection, id: attemptId, businessId: businessId, logger: logger),
                  let recipient = try await Rows.fetchRecipient(connection, id: attempt.recipientId, businessId: businessId, logger: logger),
                  let campaign = try await Rows.fetchCampaign(connection, id: attempt.campaignId, businessId: businessId, logger: logger)
            else { throw RepositoryError.notFound }
            if attempt.callSid == sid { return attempt }
            if let stored = attempt.callSid {
                throw CampaignConflict(campaignId: campaign.id, state: campaign.state, version: campaign.version,
                                       message: "attempt \(attempt.id) already placed the call \(stored)")
            }
            let updated = try await connection.query("""
                UPDATE campaign_attempts SET call_sid = \(sid) WHERE id = \(attempt.id) AND call_sid IS NULL RETURNING id
                """, logger: logger).all(String.self)
            guard updated.count == 1 else {
                throw CampaignConflict(campaignId: campaign.id, state: campaign.state, version: campaign.version,
                                       message: "attempt \(attempt.id) was given a call sid meanwhile")
            }
            if recipient.attempts == attempt.number {
                var withSid = recipient
                withSid.lastCallSid = sid
                withSid.updatedAt = timestamp
                withSid.version += 1
                try await Rows.store(connection, withSid, replacing: recipient, campaign: campaign, logger: logger)
            }
            try await PostgresEventAppender.append(connection, EventDraft(
                businessId: businessId, stream: .campaign(campaign.id),
                CampaignAttemptDialed(campaignId: campaign.id, recipientId: recipient.id, attemptId: attempt.id, callSid: sid)),
                at: timestamp, logger: logger)
            return try await Rows.fetchAttempt(connection, id: attempt.id, businessId: businessId, logger: logger)!
        }
    }

    func markAnswered(attemptId: String, businessId: String, answeredBy: String?) async throws -> CampaignRecipient {
        let timestamp = now()
        let logger = database.logger
        return try await database.write { connection in
            guard let attempt = try await Rows.fetchAttempt(connection, id: attemptId, businessId: businessId, logger: logger),
                  let recipient = try await Rows.fetchRecipient(connection, id: attempt.recipientId, businessId: businessId, logger: logger),
                  let campaign = try await Rows.fetchCampaign(connection, id: attempt.campaignId, businessId: businessId, logger: logger)
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
            try await Rows.store(connection, answered, replacing: recipient, campaign: campaign, logger: logger)
            if let answeredBy {
                try await connection.query("UPDATE campaign_attempts SET answered_by = \(answeredBy) WHERE id = \(attempt.id)",
                                           logger: logger)
            }
            try await PostgresEventAppender.append(connection, EventDraft(
                businessId: businessId, stream: .campaign(campaign.id),
                CampaignAttemptAnswered(campaignId: campaign.id, recipientId: recipient.id, attemptId: attempt.id,
                                        callSid: attempt.callSid, answeredBy: answeredBy)), at: timestamp, logger: logger)
            return try await Rows.fetchRecipient(connection, id: recipient.id, businessId: businessId, logger: logger)!
        }
    }

    func finishAttempt(attemptId: String, businessId: String, _ end: AttemptEnd) async throws -> CampaignRecipient {
        let timestamp = now()
        let logger = database.logger
        return try await database.write { connection in
            guard let attempt = try await Rows.fetchAttempt(connection, id: attemptId, businessId: businessId, logger: logger),
                  let recipient = try await Rows.fetchRecipient(connection, id: attempt.recipientId, businessId: businessId, logger: logger),
                  let campaign = try await Rows.fetchCampaign(connection, id: attempt.campaignId, businessId: businessId, logger: logger)
            else { throw RepositoryError.notFound }
            if attempt.endedAt != nil { return recipient }
            try campaign.script.checkResults(end.results)
            guard recipient.state.isActive, recipient.attempts == attempt.number else {
                throw CampaignConflict(campaignId: campaign.id, state: campaign.state, version: campaign.version,
                                       message: "recipient \(recipient.id) is \(recipient.state.rawValue): attempt \(attempt.id) is not its call in progress")
            }
            let finished = recipient.finished(end, policy: campaign.retryPolicy, at: timestamp)
            try await Rows.store(connection, finished, replacing: recipient, campaign: campaign, logger: logger)
            let answeredBy = end.answeredBy ?? attempt.answeredBy
            let ended = try await connection.query("""
                UPDATE campaign_attempts SET ended_at = \(timestamp), outcome = \(end.outcome.rawValue), answered_by = \(answeredBy)
                WHERE id = \(attempt.id) AND ended_at IS NULL RETURNING id
                """, logger: logger).all(String.self)
            guard ended.count == 1 else {
                throw CampaignConflict(campaignId: campaign.id, state: campaign.state, version: campaign.version,
                                       message: "attempt \(attempt.id) ended meanwhile")
            }
            var drafts = [EventDraft(
                businessId: businessId, stream: .campaign(campaign.id),
                CampaignAttemptEnded(campaignId: campaign.id, recipientId: recipient.id, attemptId: attempt.id,
                                     callSid: attempt.callSid, outcome: end.outcome, answeredBy: answeredBy,
                                     state: finished.state, nextAttemptAt: finished.nextAttemptAt,
                                     results: end.results.isEmpty ? nil : end.results))]
            if end.outcome == .optedOut {
                let listed = try await PostgresDoNotCallRepository.insertIfAbsent(
                    connection, businessId: businessId, phone: recipient.phone,
                    reason: "asked not to be called (campaign \(campaign.name))", at: timestamp, logger: logger)
                if listed {
                    drafts.append(EventDraft(businessId: businessId, stream: .doNotCall(businessId: businessId), type: .doNotCallAdded,
                                             DoNotCallChanged(phone: recipient.phone, reason: "asked not to be called (campaign \(campaign.name))",
                                                              actor: CampaignActor(.callee, id: attempt.callSid))))
                }
            }
            try await PostgresEventAppender.append(connection, drafts, at: timestamp, logger: logger)
            return try await Rows.fetchRecipient(connection, id: recipient.id, businessId: businessId, logger: logger)!
        }
    }

    func withdrawAttempt(attemptId: String, businessId: String, notBefore: Date, reason: String) async throws
        -> CampaignRecipient? {
        let timestamp = now()
        let logger = database.logger
        return try await database.write { connection in
            guard let attempt = try await Rows.fetchAttempt(connection, id: attemptId, businessId: businessId, logger: logger)
            else { return nil }
            guard let recipient = try await Rows.fetchRecipient(connection, id: attempt.recipientId, businessId: businessId, logger: logger),
                  let campaign = try await Rows.fetchCampaign(connection, id: attempt.campaignId, businessId: businessId, logger: logger)
            else { throw RepositoryError.notFound }
            guard let withdrawn = recipient.withdrawing(attempt, campaign: campaign, notBefore: notBefore,
                                                        at: timestamp)
            else {
                throw CampaignConflict(campaignId: campaign.id, state: campaign.state, version: campaign.version,
                                       message: "attempt \(attempt.id) was dialled or has ended: it cannot be taken back")
            }
            try await Rows.store(connection, withdrawn, replacing: recipient, campaign: campaign, logger: logger)
            let deleted = try await connection.query("""
                DELETE FROM campaign_attempts WHERE id = \(attempt.id) AND call_sid IS NULL AND ended_at IS NULL RETURNING id
                """, logger: logger).all(String.self)
            guard deleted.count == 1 else {
                throw CampaignConflict(campaignId: campaign.id, state: campaign.state, version: campaign.version,
                                       message: "attempt \(attempt.id) was dialled or ended meanwhile")
            }
            try await PostgresEventAppender.append(connection, EventDraft(
                businessId: businessId, stream: .campaign(campaign.id),
                CampaignAttemptWithdrawn(campaignId: campaign.id, recipientId: recipient.id, attemptId: attempt.id,
                                         state: withdrawn.state, nextAttemptAt: withdrawn.nextAttemptAt, reason: reason)),
                at: timestamp, logger: logger)
            return try await Rows.fetchRecipient(connection, id: recipient.id, businessId: businessId, logger: logger)!
        }
    }

    func moveRecipient(id: String, businessId: String, _ move: RecipientMove) async throws -> CampaignRecipient {
        let timestamp = now()
        let logger = database.logger
        return try await database.write { connection in
            guard let recipient = try await Rows.fetchRecipient(connection, id: id, businessId: businessId, logger: logger),
                  let campaign = try await Rows.fetchCampaign(connection, id: recipient.campaignId, businessId: businessId,
                                                              logger: logger)
            else { throw RepositoryError.notFound }
            let (moved, event) = try move.applied(to: recipient, campaign: campaign, at: timestamp)
            try await Rows.store(connection, moved, replacing: recipient, campaign: campaign, logger: logger)
            try await PostgresEventAppender.append(connection, EventDraft(businessId: businessId, stream: .campaign(campaign.id), event),
                                                   at: timestamp, logger: logger)
            return try await Rows.fetchRecipient(connection, id: recipient.id, businessId: businessId, logger: logger)!
        }
    }

    func recordAppointment(recipientId: String, businessId: String, attemptId: String,
                           _ appointment: RecipientAppointment) async throws -> CampaignRecipient {
        let timestamp = now()
        let logger = database.logger
        return try await database.write { connection in
            guard let recipient = try await Rows.fetchRecipient(connection, id: recipientId, businessId: businessId, logger: logger),
                  let attempt = try await Rows.fetchAttempt(connection, id: attemptId, businessId: businessId, logger: logger),
                  attempt.recipientId == recipient.id,
                  let campaign = try await Rows.fetchCampaign(connection, id: recipient.campaignId, businessId: businessId,
                                                              logger: logger)
            else { throw RepositoryError.notFound }
            if recipient.appointment == appointment { return recipient }
            try await connection.query("""
                UPDATE campaign_recipients SET appointment_status = \(appointment.status.rawValue),
                    appointment_id = \(appointment.appointmentId), appointment_note = \(appointment.note),
                    updated_at = \(timestamp), version = version + 1
                WHERE id = \(recipient.id) AND business_id = \(businessId)
                """, logger: logger)
            try await PostgresEventAppender.append(connection, EventDraft(
                businessId: businessId, stream: .campaign(campaign.id),
                CampaignAppointmentRecorded(campaignId: campaign.id, recipientId: recipient.id, attemptId: attempt.id,
                                            callSid: attempt.callSid, action: campaign.script.appointmentQuestion?.appointment,
                                            appointment)), at: timestamp, logger: logger)
            return try await Rows.fetchRecipient(connection, id: recipient.id, businessId: businessId, logger: logger)!
        }
    }

    func attempts(recipientId: String, businessId: String) async throws -> [CampaignAttempt] {
        let logger = database.logger
        return try await database.read { connection in
            try await connection.query("""
                SELECT * FROM campaign_attempts WHERE recipient_id = \(recipientId.lowercased()) AND business_id = \(businessId)
                ORDER BY number
                """, logger: logger).rows().map(Rows.attempt)
        }
    }

    func attempt(callSid: String, businessId: String) async throws -> CampaignAttempt? {
        let logger = database.logger
        return try await database.read { connection in
            try await connection.query("""
                SELECT * FROM campaign_attempts WHERE call_sid = \(callSid) AND business_id = \(businessId)
                """, logger: logger).rows().first.map(Rows.attempt)
        }
    }

    /// Why `phone` must not be called by the business now, or nil: the do-not-call list, a customer's opt-out.
    static func suppression(_ connection: PostgresConnection, phone: String, businessId: String,
                            logger: Logger) async throws -> String? {
        if try await count(connection, "SELECT count(*) FROM do_not_call WHERE business_id = \(businessId) AND phone = \(phone)",
                           logger) > 0 {
            return "on the do-not-call list"
        }
        if try await count(connection, """
            SELECT count(*) FROM customers WHERE business_id = \(businessId) AND phone = \(phone) AND sms_opt_out
            """, logger) > 0 {
            return "the customer opted out (STOP)"
        }
        return nil
    }
}
