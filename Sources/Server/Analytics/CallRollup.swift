import Analytics
import Foundation
import GRDB

/// Per-day or per-hour metrics of a business's calls (`GET /v1/analytics/daily…`, `hourly…`, `summary`), in its
/// time zone. Calls are read with one cursor and fed to `MetricsAccumulator` one at a time.
struct CallRollup: Sendable {
    let database: AppDatabase
    let businessId: String
    let timeZone: TimeZone
    let range: AnalyticsRange

    /// Every call of the range, oldest first, fed to an accumulator (after `adjust`) inside one read transaction.
    func accumulate(_ granularity: MetricsGranularity,
                    adjust: @escaping @Sendable (CallFact) -> CallFact = { $0 }) async throws -> MetricsAccumulator {
        try await database.dbPool.read { [businessId, range, timeZone] db in
            var accumulator = MetricsAccumulator(granularity: granularity, timeZone: timeZone)
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT c.started_at, c.duration_seconds, c.outcome, c.is_emergency, c.caller_turns,
                       c.questions_answered, c.questions_declined, c.transfer_status, s.sentiment_score,
                       (SELECT group_concat(t.latency_ms) FROM call_turns t
                        WHERE t.call_sid = c.sid AND t.speaker = 'receptionist' AND t.latency_ms IS NOT NULL) AS latencies
                FROM calls c LEFT JOIN call_summaries s ON s.call_sid = c.sid
                WHERE c.business_id = ? AND c.started_at >= ? AND c.started_at < ?
                ORDER BY c.started_at
                """, arguments: [businessId, range.from, range.to])
            while let row = try cursor.next() {
                let transfer: String? = row["transfer_status"]
                let latencies = (row["latencies"] as String?)?.split(separator: ",").compactMap { Double($0) } ?? []
                accumulator.add(adjust(CallFact(
                    startedAt: row["started_at"], durationSeconds: (row["duration_seconds"] as Int?).map(Double.init),
                    outcome: (row["outcome"] as String?).flatMap(CallOutcomeKind.init(rawValue:)),
                    isEmergency: row["is_emergency"], callerTurns: row["caller_turns"],
                    questionsAnswered: row["questions_answered"], questionsDeclined: row["questions_declined"],
                    transferAttempted: transfer != nil, transferConnected: transfer == "completed" || transfer == "answered",
                    sentiment: row["sentiment_score"], turnLatenciesMs: latencies)))
            }
            return accumulator
        }
    }

    func buckets(_ granularity: MetricsGranularity) async throws -> [MetricsBucket] {
        try await accumulate(granularity).buckets()
    }

    /// One bucket over the whole range.
    func total() async throws -> MetricsBucket {
        // Every call is counted in the bucket of the range's first hour: one bucket whose statistics cover all.
        let from = range.from
        let accumulator = try await accumulate(.hour) { fact in
            var fact = fact
            fact.startedAt = from
            return fact
        }
        var bucket = accumulator.buckets().first ?? MetricsBucket(start: range.from, end: range.to, granularity: .hour)
        bucket.start = range.from
        bucket.end = range.to
        return bucket
    }

    // MARK: - Formatting

    static let columns = [
        "start", "end", "time_zone", "calls", "answered", "in_progress", "emergencies", "outcome_answered_question",
        "outcome_lead_captured", "outcome_transferred", "outcome_booked", "outcome_abandoned", "outcome_emergency",
        "duration_mean_seconds", "duration_p50_seconds", "duration_p90_seconds", "transfer_attempts", "transfers_connected",
        "transfer_success_rate", "questions_answered", "questions_declined", "knowledge_answer_rate", "sentiment_mean",
        "latency_p50_ms", "latency_p95_ms",
    ]

    func values(_ bucket: MetricsBucket) -> [Any?] {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = timeZone
        formatter.formatOptions = [.withInternetDateTime]
        func rounded(_ value: Double?, _ places: Double = 1000) -> Double? { value.map { ($0 * places).rounded() / places } }
        return [formatter.string(from: bucket.start), formatter.string(from: bucket.end), timeZone.identifier, bucket.calls,
                bucket.answered, bucket.inProgress, bucket.emergencies, bucket.outcomes.answeredQuestion,
                bucket.outcomes.leadCaptured, bucket.outcomes.transferred, bucket.outcomes.booked, bucket.outcomes.abandoned,
                bucket.outcomes.emergency, rounded(bucket.durationMeanSeconds), bucket.durationP50Seconds, bucket.durationP90Seconds,
                bucket.transferAttempts, bucket.transfersConnected, rounded(bucket.transferSuccessRate), bucket.questionsAnswered,
                bucket.questionsDeclined, rounded(bucket.knowledgeAnswerRate), rounded(bucket.sentimentMean),
                rounded(bucket.latencyP50Ms), rounded(bucket.latencyP95Ms)]
    }

    func csv(_ buckets: [MetricsBucket]) -> String {
        let writer = CSVWriter(columns: Self.columns)
        return writer.header() + buckets.map { bucket in
            writer.row(values(bucket).map { value -> String? in
                switch value {
                case nil: nil
                case let number as Double: String(number)
                case let some?: "\(some)"
                }
            })
        }.joined()
    }

    /// The buckets as CSV (a header row and one row each) or as a JSON array of objects with the same columns.
    func render(_ buckets: [MetricsBucket], json: Bool) throws -> String {
        guard json else { return csv(buckets) }
        return String(decoding: try JSONSerialization.data(withJSONObject: buckets.map(jsonObject),
                                                           options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }

    func jsonObject(_ bucket: MetricsBucket) -> [String: Any] {
        Dictionary(uniqueKeysWithValues: zip(Self.columns, values(bucket).map { $0 ?? NSNull() }))
    }
}
