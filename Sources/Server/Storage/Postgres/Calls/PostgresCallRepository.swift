import Events
import Foundation
import PostgresNIO

/// `CallRepository` on PostgreSQL. Webhooks of one call may reach different nodes at the same moment, so a turn's
/// transaction relies on the database, not on ordering within a process:
/// - the idempotency receipt is claimed with the write (`INSERT … ON CONFLICT DO NOTHING`): a redelivery that races
///   the first delivery waits on the receipt's key until that commits, then answers with its reply; if the first one
///   rolls back, the redelivery proceeds as the first;
/// - the call is written only over the version the turn was computed from (`UPDATE … WHERE version = …`, which
///   locks the row until commit; a concurrent turn waits, finds the version moved on and gets `.conflict`); a new
///   call is `INSERT … ON CONFLICT DO NOTHING`;
/// - a turn of a stored call is one statement (receipt, update, lines, messages: `+Turn`), then the events, last,
///   in SQLite's order, so the event log's lock is held only for the commit.
struct PostgresCallRepository: CallRepository {
    let database: PGDatabase
    let now: @Sendable () -> Date

    /// Thrown inside a turn's transaction to roll it back (receipt included) when the call moved on.
    struct CallMovedOn: Error {}

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

    func call(sid: String, unlessAnswered token: String?) async throws -> StoredReplyOrCall {
        guard let token else { return .call(try await call(sid: sid)) }
        let logger = database.logger
        // A call with a receipt exists (both are written in one transaction), so no row means neither.
        let rows = try await database.read { connection in
            try await connection.query("""
                SELECT \(unescaped: Self.callColumns),
                       (SELECT response FROM twilio_webhook_receipts WHERE token = \(token)) AS stored_reply
                FROM calls WHERE sid = \(sid)
                """, logger: logger).rows()
        }
        guard let row = rows.first else { return .call(nil) }
        if let reply = try row.makeRandomAccess()["stored_reply"].decode(String?.self) { return .reply(reply) }
        return .call(try Self.decodeCall(row))
    }

    func write(_ write: TurnWrite) async throws -> TurnWriteResult {
        let timestamp = now()
        let logger = database.logger
        let call = write.call
        let machine = try PostgresRecordJSON.string(call.machine)
        let citations = try write.turns.map { try $0.citations.map(PostgresRecordJSON.string) }
        do {
            return try await database.write { connection -> TurnWriteResult in
                var events = write.events.filter { $0.type != .callEnded }
                if write.isNewCall {
                    if let token = write.idempotencyToken {
                        let claimed = try await connection.query("""
                            INSERT INTO twilio_webhook_receipts (token, business_id, response, created_at)
                            VALUES (\(token), \(call.businessId), \(write.response), \(timestamp))
                            ON CONFLICT (token) DO NOTHING RETURNING token
                            """, logger: logger).all(String.self)
                        if claimed.isEmpty {
                            return try await Self.duplicate(connection, token: token, logger: logger)
                        }
                    }
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
                    var conversationId: String?
                    if let number = call.customerNumber, PhoneNumber.isE164(number) {
                        let customer = try await PostgresCustomerDirectory.upsert(
                            connection, businessId: call.businessId, phone: number, source: "call", at: timestamp,
                            deferringEventsTo: &events, logger: logger)
                        conversationId = try await PostgresCustomerDirectory.voiceConversation(
                            connection, customer: customer, callSid: call.sid, at: timestamp, logger: logger).id
                    }
                    if !write.turns.isEmpty {
                        var statement = PostgresStatement()
                        let head = "SELECT 0 AS first_seq, \(try statement.bind(conversationId, "text")) AS conversation_id"
                        let sql = try Self.turnSQL(&statement, write: write, citations: citations, head: head,
                                                   before: [], result: "SELECT 1")
                        try await connection.query(statement.query(sql), logger: logger)
                    }
                } else {
                    switch try await Self.writeTurn(connection, write: write, machine: machine, citations: citations,
                                                    at: timestamp, logger: logger) {
                    case .written: break
                    case .movedOn: throw CallMovedOn()
                    case .duplicate(let token): return try await Self.duplicate(connection, token: token, logger: logger)
                    }
                }
                // A lead's name and number fill in (or make) its customer.
                try await PostgresLeadRecorder.record(
                    connection, businessId: call.businessId, stream: .call(call.sid), leads: write.leads,
                    alerts: write.alerts, at: timestamp, deferringEventsTo: &events, logger: logger)
                // The call's end closes its stream.
                events += write.events.filter { $0.type == .callEnded }
                try await PostgresEventAppender.append(connection, events, at: timestamp, logger: logger)
                return .stored
            }
        } catch is CallMovedOn {
            return .conflict
        }
    }
}
