import Analytics
import Foundation
import GRDB

/// `AnalyticsRepository` on the app's SQLite database. Every query is filtered by the calls' `business_id`;
/// leads, turns and summaries are reached through the business's calls.
public struct GRDBAnalyticsRepository: AnalyticsRepository {
    private let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    public func exportRows(businessId: String, from: Date, to: Date, after: CallExportPosition?,
                           limit: Int) async throws -> [CallExportRow] {
        try await database.dbPool.read { db in
            var arguments: StatementArguments = [businessId, from, to]
            var keyset = ""
            if let after {
                keyset = "AND (c.started_at > ? OR (c.started_at = ? AND c.sid > ?))"
                arguments += [after.startedAt, after.startedAt, after.sid]
            }
            arguments += [limit]
            let rows = try Row.fetchAll(db, sql: """
                SELECT c.sid, c.started_at, c.ended_at, c.duration_seconds, c.caller, c.called, c.direction, c.status, c.outcome,
                       c.is_emergency, c.emergency_category, c.questions_answered, c.questions_declined,
                       c.cited_entries AS cited,
                       l.reason AS lead_reason, l.name AS lead_name, l.phone AS lead_phone, l.address AS lead_address,
                       l.notes AS lead_notes, s.sentiment_score, s.sentiment_label, s.summary
                FROM calls c
                LEFT JOIN leads l ON l.id = (SELECT id FROM leads WHERE call_sid = c.sid ORDER BY created_at, id LIMIT 1)
                LEFT JOIN call_summaries s ON s.call_sid = c.sid
                WHERE c.business_id = ? AND c.started_at >= ? AND c.started_at < ? \(keyset)
                ORDER BY c.started_at, c.sid
                LIMIT ?
                """, arguments: arguments)
            return rows.map { row in
                CallExportRow(
                    sid: row["sid"], startedAt: row["started_at"], endedAt: row["ended_at"],
                    durationSeconds: row["duration_seconds"], caller: row["caller"], called: row["called"],
                    status: row["status"], outcome: row["outcome"], isEmergency: row["is_emergency"],
                    emergencyCategory: row["emergency_category"], questionsAnswered: row["questions_answered"],
                    questionsDeclined: row["questions_declined"],
                    citedEntries: (row["cited"] as String?)?.split(separator: ";").map(String.init) ?? [],
                    leadReason: row["lead_reason"], leadName: row["lead_name"], leadPhone: row["lead_phone"],
                    leadAddress: row["lead_address"], leadNotes: row["lead_notes"],
                    sentimentScore: row["sentiment_score"], sentimentLabel: row["sentiment_label"],
                    summary: row["summary"], direction: row["direction"])
            }
        }
    }

    public func reduceCallFacts<State: Sendable>(
        businessId: String, from: Date, to: Date, into initial: State,
        _ update: @Sendable (inout State, CallFact) -> Void
    ) async throws -> State {
        try await database.dbPool.read { db in
            var state = initial
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT c.started_at, c.duration_seconds, c.outcome, c.is_emergency, c.caller_turns,
                       c.questions_answered, c.questions_declined, c.transfer_status, s.sentiment_score,
                       (SELECT group_concat(t.latency_ms) FROM call_turns t
                        WHERE t.call_sid = c.sid AND t.speaker = 'receptionist' AND t.latency_ms IS NOT NULL) AS latencies
                FROM calls c LEFT JOIN call_summaries s ON s.call_sid = c.sid
                WHERE c.business_id = ? AND c.started_at >= ? AND c.started_at < ?
                ORDER BY c.started_at
                """, arguments: [businessId, from, to])
            while let row = try cursor.next() {
                let transfer: String? = row["transfer_status"]
                let latencies = (row["latencies"] as String?)?.split(separator: ",").compactMap { Double($0) } ?? []
                update(&state, CallFact(
                    startedAt: row["started_at"], durationSeconds: (row["duration_seconds"] as Int?).map(Double.init),
                    outcome: (row["outcome"] as String?).flatMap(CallOutcomeKind.init(rawValue:)),
                    isEmergency: row["is_emergency"], callerTurns: row["caller_turns"],
                    questionsAnswered: row["questions_answered"], questionsDeclined: row["questions_declined"],
                    transferAttempted: transfer != nil, transferConnected: transfer == "completed" || transfer == "answered",
                    sentiment: row["sentiment_score"], turnLatenciesMs: latencies))
            }
            return state
        }
    }

    public func gapQuestions(businessId: String, from: Date, to: Date, lowConfidence: Double,
                             limit: Int) async throws -> [GapQuestion] {
        try await database.dbPool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT q.text, r.declined FROM call_turns r
                JOIN calls c ON c.sid = r.call_sid
                JOIN call_turns q ON q.call_sid = r.call_sid AND q.seq = r.seq - 1 AND q.speaker = 'caller'
                WHERE c.business_id = ? AND c.started_at >= ? AND c.started_at < ? AND r.speaker = 'receptionist'
                  AND (r.declined = 1 OR (r.citations IS NOT NULL AND r.answer_confidence < ?))
                ORDER BY c.started_at DESC, r.seq DESC
                LIMIT ?
                """, arguments: [businessId, from, to, lowConfidence, limit])
                .map { GapQuestion(text: $0["text"], declined: $0["declined"]) }
        }
    }

    public func activity(businessId: String, from: Date, to: Date) async throws -> ActivityCounts {
        try await database.dbPool.read { db in
            func count(_ sql: String) throws -> Int {
                try Int.fetchOne(db, sql: sql, arguments: [businessId, from, to]) ?? 0
            }
            return ActivityCounts(
                calls: try count("SELECT COUNT(*) FROM calls WHERE business_id = ? AND started_at >= ? AND started_at < ?"),
                leads: try count("SELECT COUNT(*) FROM leads WHERE business_id = ? AND created_at >= ? AND created_at < ?"),
                bookings: try count("""
                    SELECT COUNT(*) FROM appointments
                    WHERE business_id = ? AND created_at >= ? AND created_at < ? AND status != 'cancelled'
                    """),
                emergencies: try count("""
                    SELECT COUNT(*) FROM calls WHERE business_id = ? AND started_at >= ? AND started_at < ? AND is_emergency = 1
                    """))
        }
    }
}
