import Events
import Foundation
import PostgresNIO

/// `CallRepository` on PostgreSQL. Webhooks of one call may reach different nodes at the same moment, so a turn's
/// transaction relies on the database, not on ordering within a process:
/// - the idempotency receipt is claimed first (`INSERT … ON CONFLICT DO NOTHING`): a redelivery that races the
///   first delivery waits on the receipt's key until that commits, then answers with its reply; if the first one
///   rolls back, the redelivery proceeds as the first;
/// - the call is written only over the version the turn was computed from (`UPDATE … WHERE version = …`, which
///   locks the row until commit; a concurrent turn waits, finds the version moved on and gets `.conflict`); a new
///   call is `INSERT … ON CONFLICT DO NOTHING`;
/// - the events go last, in SQLite's order, so the event log's lock is held only for the commit.
struct PostgresCallRepository: CallRepository {
    let database: PGDatabase
    let now: @Sendable () -> Date

    /// Thrown inside a turn's transaction to roll it back (receipt included) when the call moved on.
    private struct CallMovedOn: Error {}

    func response(forIdempotencyToken token: String) async throws -> String? {
        let logger = database.logger
        return try await database.read { connection in
            try await connection.query(
                "SELECT response FROM twilio_webhook_receipts WHERE token = \(token)", logger: logger).all(String.self).first
        }
    }

    func call(sid: String) async throws -> CallRecord? {
        let logger = database.logger
        return try await database.read { connection in
            try await Self.decodeCalls(connection.query(
                "SELECT \(unescaped: Self.callColumns) FROM calls WHERE sid = \(sid)", logger: logger)).first
        }
    }

    func write(_ write: TurnWrite) async throws -> TurnWriteResult {
        let timestamp = now()
        let logger = database.logger
        let call = write.call
        let machine = try PostgresRecordJSON.string(call.machine)
        let citations = try write.turns.map { try $0.citations.map(PostgresRecordJSON.string) }
        do {
            return try await database.write { connection -> TurnWriteResult in
                if let token = write.idempotencyToken {
                    let claimed = try await connection.query("""
                        INSERT INTO twilio_webhook_receipts (token, business_id, response, created_at)
                        VALUES (\(token), \(call.businessId), \(write.response), \(timestamp))
                        ON CONFLICT (token) DO NOTHING RETURNING token
                        """, logger: logger).all(String.self)
                    if claimed.isEmpty {
                        // Another delivery of this webhook committed it (this insert waited for that): its reply.
                        let stored = try await connection.query(
                            "SELECT response FROM twilio_webhook_receipts WHERE token = \(token)", logger: logger).all(String.self)
                        guard let response = stored.first else { throw CallMovedOn() }
                        return .duplicate(response: response)
                    }
                }
                var seq = 0
                var conversationId: String?
                var events = write.events.filter { $0.type != .callEnded }
                if write.isNewCall {
                    let inserted = try await connection.query("""
                        INSERT INTO calls (sid, business_id, caller, called, status, state, machine, version, outcome,
                            is_emergency, emergency_category, started_at, ended_at, duration_seconds, questions_answered,
                            questions_declined, caller_turns, transfer_status, cited_entries, direction, status_sequence, context)
                        VALUES (\(call.sid), \(call.businessId), \(call.caller), \(call.called), \(call.status),
                            \(call.state.rawValue), \(machine), 0, \(call.outcome?.rawValue), \(call.isEmergency),
                            \(call.emergencyCategory), \(call.startedAt), \(call.endedAt), \(call.durationSeconds),
                            \(call.questionsAnswered), \(call.questionsDeclined), \(call.callerTurns), \(call.transferStatus),
                            \(call.citedEntries), \(call.direction.rawValue), \(call.statusSequence), \(call.context))
                        ON CONFLICT (sid) DO NOTHING RETURNING sid
                        """, logger: logger).all(String.self)
                    guard !inserted.isEmpty else { throw CallMovedOn() }
                    // The other party is a customer, made or found when the call starts; the call is their voice
                    // conversation, line by line.
                    if let number = call.customerNumber, PhoneNumber.isE164(number) {
                        let customer = try await PostgresCustomerDirectory.upsert(
                            connection, businessId: call.businessId, phone: number, source: "call", at: timestamp,
                            deferringEventsTo: &events, logger: logger)
                        conversationId = try await PostgresCustomerDirectory.voiceConversation(
                            connection, customer: customer, callSid: call.sid, at: timestamp, logger: logger).id
                    }
                } else {
                    // Conditional on the version the turn was computed from; the row stays locked until commit, so
                    // the transcript's next seq and the conversation read with it cannot change under this turn.
                    let rows = try await connection.query("""
                        UPDATE calls SET status = \(call.status), state = \(call.state.rawValue), machine = \(machine),
                            version = \(call.version + 1), outcome = \(call.outcome?.rawValue), is_emergency = \(call.isEmergency),
                            emergency_category = \(call.emergencyCategory), ended_at = \(call.endedAt),
                            duration_seconds = \(call.durationSeconds), questions_answered = \(call.questionsAnswered),
                            questions_declined = \(call.questionsDeclined), caller_turns = \(call.callerTurns),
                            transfer_status = \(call.transferStatus), cited_entries = \(call.citedEntries),
                            status_sequence = \(call.statusSequence)
                        WHERE sid = \(call.sid) AND version = \(call.version)
                        RETURNING (SELECT COALESCE(MAX(seq) + 1, 0) FROM call_turns WHERE call_sid = \(call.sid)),
                                  (SELECT id FROM conversations WHERE call_sid = \(call.sid) AND channel = 'voice'
                                   ORDER BY created_at, id LIMIT 1)
                        """, logger: logger).all((Int, String?).self)
                    guard let row = rows.first else { throw CallMovedOn() }
                    (seq, conversationId) = row
                }
                try await Self.insertLines(connection, write.turns, citations: citations, firstSeq: seq,
                                           conversationId: conversationId, businessId: call.businessId, logger: logger)
                // A lead's name and number fill in (or make) its customer.
                for lead in write.leads {
                    try await connection.query("""
                        INSERT INTO leads (id, business_id, call_sid, reason, name, phone, address, notes, preferred_time,
                            preferred_start, preferred_end, category, severity, is_emergency, status, created_at)
                        VALUES (\(lead.id), \(lead.businessId), \(lead.callSid), \(lead.reason.rawValue), \(lead.name),
                            \(lead.phone), \(lead.address), \(lead.notes), \(lead.preferredTime), \(lead.preferredStart),
                            \(lead.preferredEnd), \(lead.category), \(lead.severity?.rawValue), \(lead.isEmergency),
                            \(lead.status), \(lead.createdAt))
                        """, logger: logger)
                    events.append(EventDraft(
                        businessId: call.businessId, stream: .call(call.sid),
                        LeadCaptured(leadId: lead.id, reason: lead.reason.rawValue, name: lead.name, phone: lead.phone,
                                     isEmergency: lead.isEmergency)))
                    if let phone = lead.phone, PhoneNumber.isE164(phone) {
                        _ = try await PostgresCustomerDirectory.upsert(
                            connection, businessId: call.businessId, phone: phone, name: lead.name, source: "lead",
                            at: timestamp, deferringEventsTo: &events, logger: logger)
                    }
                }
                for alert in write.alerts {
                    let ids = try await connection.query("""
                        INSERT INTO owner_alerts (business_id, call_sid, kind, callback_number, message, status, created_at)
                        VALUES (\(alert.businessId), \(alert.callSid), \(alert.kind), \(alert.callbackNumber), \(alert.message),
                                \(alert.status), \(alert.createdAt))
                        RETURNING id
                        """, logger: logger).all(Int64.self)
                    events.append(EventDraft(
                        businessId: call.businessId, stream: .call(call.sid),
                        OwnerAlertRaised(alertId: ids.first, kind: alert.kind, message: alert.message,
                                         callbackNumber: alert.callbackNumber)))
                }
                // The call's end closes its stream.
                events += write.events.filter { $0.type == .callEnded }
                try await PostgresEventAppender.append(connection, events, at: timestamp, logger: logger)
                return .stored
            }
        } catch is CallMovedOn {
            return .conflict
        }
    }

    /// Inserts the turn's transcript lines, numbered from `firstSeq`, and, when the call is a customer's
    /// conversation, appends each line that says something there as a message: one statement however many lines
    /// (rows of a multi-row `VALUES` are inserted, and take their ids, in order).
    private static func insertLines(_ connection: PostgresConnection, _ turns: [CallTurn], citations: [String?],
                                    firstSeq: Int, conversationId: String?, businessId: String,
                                    logger: Logger) async throws {
        guard !turns.isEmpty else { return }
        var binds = PostgresBindings(capacity: turns.count * 16)
        /// Binds `value` and returns its placeholder, cast to `type` (rows of a multi-row VALUES get no type from
        /// the target columns, so a NULL needs one).
        func bind<Value: PostgresEncodable>(_ value: Value?, _ type: String) throws -> String {
            try binds.append(value)
            return "$\(binds.count)::\(type)"
        }
        var lines: [String] = []
        var messages: [String] = []
        var lastMessageAt: String?
        for (index, (turn, citations)) in zip(turns, citations).enumerated() {
            let text = try bind(turn.text, "text")
            let createdAt = try bind(turn.createdAt, "timestamptz")
            lines.append("""
                (\(try bind(turn.callSid, "text")), \(try bind(firstSeq + index, "integer")), \(try bind(turn.speaker.rawValue, "text")),
                 \(text), \(try bind(turn.event, "text")), \(try bind(turn.asrConfidence, "double precision")),
                 \(try bind(turn.state.rawValue, "text")), \(try bind(citations, "text")),
                 \(try bind(turn.answerConfidence, "double precision")), \(try bind(turn.declined, "boolean")),
                 \(try bind(turn.latencyMs, "double precision")), \(createdAt))
                """)
            if let conversationId, !turn.text.isEmpty {
                let direction: MessageDirection = turn.speaker == .caller ? .inbound : .outbound
                messages.append("""
                    (\(try bind(conversationId, "text")), \(try bind(businessId, "text")),
                     \(try bind(direction.rawValue, "text")), \(text), \(createdAt))
                    """)
                lastMessageAt = createdAt
            }
        }
        let insertLines = """
            INSERT INTO call_turns (call_sid, seq, speaker, text, event, asr_confidence, state, citations, answer_confidence,
                                    declined, latency_ms, created_at)
            VALUES \(lines.joined(separator: ", "))
            """
        var sql = insertLines
        if let conversationId, let lastMessageAt {
            // As SQLite appends them one by one: each message moves the conversation's `updated_at`; the last wins.
            sql = """
                WITH lines AS (\(insertLines)), messages AS (
                    INSERT INTO messages (conversation_id, business_id, direction, body, created_at)
                    VALUES \(messages.joined(separator: ", "))
                )
                UPDATE conversations SET updated_at = \(lastMessageAt) WHERE id = \(try bind(conversationId, "text"))
                """
        }
        try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
    }
}
