import Foundation
import PostgresNIO

/// A turn of a call that is already stored, written in ONE statement: the receipt claimed, the call updated over
/// the version the turn was computed from, its transcript lines and conversation messages inserted. Every turn of
/// every call pays for each round trip to the database, and a statement is a round trip; the events follow in the
/// event appender's two.
extension PostgresCallRepository {
    enum TurnStatementResult {
        case written
        /// The call is not at the version the turn was computed from (another node wrote a turn first).
        case movedOn
        /// Another delivery of this webhook holds the receipt (it committed: this statement waited for it).
        case duplicate(token: String)
    }

    static func writeTurn(_ connection: PostgresConnection, write: TurnWrite, machine: String, citations: [String?],
                          at timestamp: Date, logger: Logger) async throws -> TurnStatementResult {
        let call = write.call
        var statement = PostgresStatement()
        let sid = try statement.bind(call.sid, "text")
        var before: [String] = []
        var claimed = ""
        if let token = write.idempotencyToken {
            before.append("""
                receipt AS (
                    INSERT INTO twilio_webhook_receipts (token, business_id, response, created_at)
                    VALUES (\(try statement.bind(token, "text")), \(try statement.bind(call.businessId, "text")),
                            \(try statement.bind(write.response, "text")), \(try statement.bind(timestamp, "timestamptz")))
                    ON CONFLICT (token) DO NOTHING RETURNING token)
                """)
            // A receipt another delivery holds means the call must not be written again.
            claimed = " AND EXISTS (SELECT 1 FROM receipt)"
        }
        // Conditional on the version the turn was computed from; the row stays locked until commit, so a
        // concurrent turn waits, then finds the version moved on and updates nothing.
        before.append("""
            updated AS (
                UPDATE calls SET status = \(try statement.bind(call.status, "text")),
                    state = \(try statement.bind(call.state.rawValue, "text")), machine = \(try statement.bind(machine, "text")),
                    version = \(try statement.bind(call.version + 1, "bigint")),
                    outcome = \(try statement.bind(call.outcome?.rawValue, "text")),
                    is_emergency = \(try statement.bind(call.isEmergency, "boolean")),
                    emergency_category = \(try statement.bind(call.emergencyCategory, "text")),
                    ended_at = \(try statement.bind(call.endedAt, "timestamptz")),
                    duration_seconds = \(try statement.bind(call.durationSeconds, "integer")),
                    questions_answered = \(try statement.bind(call.questionsAnswered, "integer")),
                    questions_declined = \(try statement.bind(call.questionsDeclined, "integer")),
                    caller_turns = \(try statement.bind(call.callerTurns, "integer")),
                    transfer_status = \(try statement.bind(call.transferStatus, "text")),
                    cited_entries = \(try statement.bind(call.citedEntries, "text")),
                    status_sequence = \(try statement.bind(call.statusSequence, "integer"))
                WHERE sid = \(sid) AND version = \(try statement.bind(call.version, "bigint"))\(claimed)
                RETURNING sid)
            """)
        // The statement's snapshot is the one the update was checked against: the next line number and the voice
        // conversation read here belong to the version written.
        let head = """
            SELECT (SELECT COALESCE(MAX(seq) + 1, 0) FROM call_turns WHERE call_sid = \(sid)) AS first_seq,
                   (SELECT id FROM conversations WHERE call_sid = \(sid) AND channel = 'voice'
                    ORDER BY created_at, id LIMIT 1) AS conversation_id
            FROM updated
            """
        let receiptCount = write.idempotencyToken == nil ? "1" : "(SELECT count(*) FROM receipt)"
        let sql = try turnSQL(&statement, write: write, citations: citations, head: head, before: before,
                              result: "SELECT \(receiptCount), (SELECT count(*) FROM updated)")
        let rows = try await connection.query(statement.query(sql), logger: logger).all((Int64, Int64).self)
        guard let (receipts, updates) = rows.first else { return .movedOn }
        if receipts == 0, let token = write.idempotencyToken { return .duplicate(token: token) }
        return updates == 1 ? .written : .movedOn
    }

    /// The reply a committed delivery of this webhook stored.
    static func duplicate(_ connection: PostgresConnection, token: String, logger: Logger) async throws -> TurnWriteResult {
        let stored = try await connection.query(
            "SELECT response FROM twilio_webhook_receipts WHERE token = \(token)", logger: logger).all(String.self)
        guard let response = stored.first else { throw CallMovedOn() }
        return .duplicate(response: response)
    }

    /// `WITH <before>, head AS (<head>), lines AS (…), messages AS (…), touched AS (…) <result>`: the turn's
    /// transcript lines numbered from `head.first_seq` and, when `head.conversation_id` is set, each line that says
    /// something appended to that conversation as a message (rows are inserted, and take their ids, in order; each
    /// message moves the conversation's `updated_at` as SQLite's one-by-one appends do: the last wins). `head` yields
    /// no row when the turn must not be written, and then nothing is inserted.
    static func turnSQL(_ statement: inout PostgresStatement, write: TurnWrite, citations: [String?], head: String,
                        before: [String], result: String) throws -> String {
        var ctes = before + ["head AS (\(head))"]
        var lines: [String] = []
        var messages: [String] = []
        var lastMessageAt: String?
        for (index, (turn, citations)) in zip(write.turns, citations).enumerated() {
            let order = try statement.bind(index, "integer")
            let text = try statement.bind(turn.text, "text")
            let createdAt = try statement.bind(turn.createdAt, "timestamptz")
            lines.append("""
                (\(order), \(try statement.bind(turn.callSid, "text")), \(try statement.bind(turn.speaker.rawValue, "text")),
                 \(text), \(try statement.bind(turn.event, "text")), \(try statement.bind(turn.asrConfidence, "double precision")),
                 \(try statement.bind(turn.state.rawValue, "text")), \(try statement.bind(citations, "text")),
                 \(try statement.bind(turn.answerConfidence, "double precision")), \(try statement.bind(turn.declined, "boolean")),
                 \(try statement.bind(turn.latencyMs, "double precision")), \(createdAt))
                """)
            if !turn.text.isEmpty {
                let direction: MessageDirection = turn.speaker == .caller ? .inbound : .outbound
                messages.append("(\(order), \(try statement.bind(direction.rawValue, "text")), \(text), \(createdAt))")
                lastMessageAt = createdAt
            }
        }
        if !lines.isEmpty {
            ctes.append("""
                lines AS (
                    INSERT INTO call_turns (call_sid, seq, speaker, text, event, asr_confidence, state, citations,
                                            answer_confidence, declined, latency_ms, created_at)
                    SELECT v.call_sid, head.first_seq + v.ord, v.speaker, v.text, v.event, v.asr_confidence, v.state,
                           v.citations, v.answer_confidence, v.declined, v.latency_ms, v.created_at
                    FROM head, (VALUES \(lines.joined(separator: ", ")))
                        AS v(ord, call_sid, speaker, text, event, asr_confidence, state, citations, answer_confidence,
                             declined, latency_ms, created_at)
                    ORDER BY v.ord)
                """)
        }
        if let lastMessageAt {
            let businessId = try statement.bind(write.call.businessId, "text")
            ctes.append("""
                messages AS (
                    INSERT INTO messages (conversation_id, business_id, direction, body, created_at)
                    SELECT head.conversation_id, \(businessId), v.direction, v.body, v.created_at
                    FROM head, (VALUES \(messages.joined(separator: ", "))) AS v(ord, direction, body, created_at)
                    WHERE head.conversation_id IS NOT NULL
                    ORDER BY v.ord)
                """)
            ctes.append("""
                touched AS (
                    UPDATE conversations SET updated_at = \(lastMessageAt)
                    WHERE id = (SELECT conversation_id FROM head))
                """)
        }
        return "WITH \(ctes.joined(separator: ",\n")) \(result)"
    }
}
