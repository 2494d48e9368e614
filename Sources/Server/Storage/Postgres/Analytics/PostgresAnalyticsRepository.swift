import Analytics
import Foundation
import PostgresNIO

/// `AnalyticsRepository` on PostgreSQL: the same figures as `GRDBAnalyticsRepository`. Every query is filtered by
/// the calls' `business_id`; leads, turns and summaries are reached through the business's calls. Rows carry the
/// instants as stored; the pure `Analytics` module buckets them in the business's time zone, as on SQLite.
struct PostgresAnalyticsRepository: AnalyticsRepository {
    let database: PGDatabase

    func exportRows(businessId: String, from: Date, to: Date, after: CallExportPosition?,
                    limit: Int) async throws -> [CallExportRow] {
        let logger = database.logger
        return try await database.read { connection in
            let result: PostgresRowSequence
            if let after {
                // The keyset compares whole microseconds (as stored), so calls sharing a start time are each read once.
                result = try await connection.query("""
                    \(unescaped: Self.exportSelect)
                    WHERE c.business_id = \(businessId) AND c.started_at >= \(from) AND c.started_at < \(to)
                      AND (\(unescaped: PGDatabase.microsecondsSQL("c.started_at")), c.sid)
                          > (\(PageCursor.microseconds(after.startedAt)), \(after.sid))
                    ORDER BY c.started_at, c.sid LIMIT \(limit)
                    """, logger: logger)
            } else {
                result = try await connection.query("""
                    \(unescaped: Self.exportSelect)
                    WHERE c.business_id = \(businessId) AND c.started_at >= \(from) AND c.started_at < \(to)
                    ORDER BY c.started_at, c.sid LIMIT \(limit)
                    """, logger: logger)
            }
            var rows: [CallExportRow] = []
            for try await row in result {
                let cells = row.makeRandomAccess()
                rows.append(CallExportRow(
                    sid: try cells["sid"].decode(String.self), startedAt: try cells["started_at"].decode(Date.self),
                    endedAt: try cells["ended_at"].decode(Date?.self), durationSeconds: try cells["duration_seconds"].decode(Int?.self),
                    caller: try cells["caller"].decode(String?.self), called: try cells["called"].decode(String.self),
                    status: try cells["status"].decode(String.self), outcome: try cells["outcome"].decode(String?.self),
                    isEmergency: try cells["is_emergency"].decode(Bool.self),
                    emergencyCategory: try cells["emergency_category"].decode(String?.self),
                    questionsAnswered: try cells["questions_answered"].decode(Int.self),
                    questionsDeclined: try cells["questions_declined"].decode(Int.self),
                    citedEntries: try cells["cited"].decode(String?.self)?.split(separator: ";").map(String.init) ?? [],
                    leadReason: try cells["lead_reason"].decode(String?.self), leadName: try cells["lead_name"].decode(String?.self),
                    leadPhone: try cells["lead_phone"].decode(String?.self),
                    leadAddress: try cells["lead_address"].decode(String?.self),
                    leadNotes: try cells["lead_notes"].decode(String?.self),
                    sentimentScore: try cells["sentiment_score"].decode(Double?.self),
                    sentimentLabel: try cells["sentiment_label"].decode(String?.self),
                    summary: try cells["summary"].decode(String?.self), direction: try cells["direction"].decode(String.self)))
            }
            return rows
        }
    }

    func reduceCallFacts<State: Sendable>(
        businessId: String, from: Date, to: Date, into initial: State,
        _ update: @Sendable (inout State, CallFact) -> Void
    ) async throws -> State {
        let logger = database.logger
        return try await database.read { connection in
            var state = initial
            // Rows stream from the server as they are folded: memory stays flat however many calls the range holds.
            let rows = try await connection.query("""
                SELECT c.started_at, c.duration_seconds, c.outcome, c.is_emergency, c.caller_turns,
                       c.questions_answered, c.questions_declined, c.transfer_status, s.sentiment_score,
                       (SELECT array_agg(t.latency_ms ORDER BY t.seq) FROM call_turns t
                        WHERE t.call_sid = c.sid AND t.speaker = 'receptionist' AND t.latency_ms IS NOT NULL) AS latencies
                FROM calls c LEFT JOIN call_summaries s ON s.call_sid = c.sid
                WHERE c.business_id = \(businessId) AND c.started_at >= \(from) AND c.started_at < \(to)
                ORDER BY c.started_at
                """, logger: logger)
            for try await (startedAt, duration, outcome, isEmergency, callerTurns, answered, declined, transfer, sentiment, latencies)
                in rows.decode((Date, Int?, String?, Bool, Int, Int, Int, String?, Double?, [Double]?).self) {
                update(&state, CallFact(
                    startedAt: startedAt, durationSeconds: duration.map(Double.init),
                    outcome: outcome.flatMap(CallOutcomeKind.init(rawValue:)), isEmergency: isEmergency,
                    callerTurns: callerTurns, questionsAnswered: answered, questionsDeclined: declined,
                    transferAttempted: transfer != nil, transferConnected: transfer == "completed" || transfer == "answered",
                    sentiment: sentiment, turnLatenciesMs: latencies ?? []))
            }
            return state
        }
    }

    func gapQuestions(businessId: String, from: Date, to: Date, lowConfidence: Double,
                      limit: Int) async throws -> [GapQuestion] {
        let logger = database.logger
        return try await database.read { connection in
            try await connection.query("""
                SELECT q.text, r.declined FROM call_turns r
                JOIN calls c ON c.sid = r.call_sid
                JOIN call_turns q ON q.call_sid = r.call_sid AND q.seq = r.seq - 1 AND q.speaker = 'caller'
                WHERE c.business_id = \(businessId) AND c.started_at >= \(from) AND c.started_at < \(to)
                  AND r.speaker = 'receptionist'
                  AND (r.declined OR (r.citations IS NOT NULL AND r.answer_confidence < \(lowConfidence)))
                ORDER BY c.started_at DESC, r.seq DESC
                LIMIT \(limit)
                """, logger: logger).all((String, Bool).self).map { GapQuestion(text: $0.0, declined: $0.1) }
        }
    }

    func activity(businessId: String, from: Date, to: Date) async throws -> ActivityCounts {
        let logger = database.logger
        let counts = try await database.read { connection in
            try await connection.query("""
                SELECT
                    (SELECT count(*) FROM calls
                     WHERE business_id = \(businessId) AND started_at >= \(from) AND started_at < \(to)),
                    (SELECT count(*) FROM leads
                     WHERE business_id = \(businessId) AND created_at >= \(from) AND created_at < \(to)),
                    (SELECT count(*) FROM appointments
                     WHERE business_id = \(businessId) AND created_at >= \(from) AND created_at < \(to)
                       AND status <> 'cancelled'),
                    (SELECT count(*) FROM calls
                     WHERE business_id = \(businessId) AND started_at >= \(from) AND started_at < \(to) AND is_emergency)
                """, logger: logger).all((Int, Int, Int, Int).self)
        }
        guard let (calls, leads, bookings, emergencies) = counts.first else { return ActivityCounts() }
        return ActivityCounts(calls: calls, leads: leads, bookings: bookings, emergencies: emergencies)
    }

    /// A call, its first lead and its summary: the export's columns.
    private static let exportSelect = """
        SELECT c.sid, c.started_at, c.ended_at, c.duration_seconds, c.caller, c.called, c.direction, c.status,
               c.outcome, c.is_emergency, c.emergency_category, c.questions_answered, c.questions_declined,
               c.cited_entries AS cited,
               l.reason AS lead_reason, l.name AS lead_name, l.phone AS lead_phone, l.address AS lead_address,
               l.notes AS lead_notes, s.sentiment_score, s.sentiment_label, s.summary
        FROM calls c
        LEFT JOIN leads l ON l.id = (SELECT id FROM leads WHERE call_sid = c.sid ORDER BY created_at, id LIMIT 1)
        LEFT JOIN call_summaries s ON s.call_sid = c.sid
        """
}
