import Analytics
import Foundation
import PostgresNIO

/// `CallSummaryRepository` on PostgreSQL (`call_summaries`, `call_turns.sentiment`). Two nodes summarising the same
/// call both end with the one row (`ON CONFLICT (call_sid) DO UPDATE`).
struct PostgresCallSummaryRepository: CallSummaryRepository {
    let database: PGDatabase

    func entryTitles(ids: Set<String>, businessId: String) async throws -> [String: String] {
        guard !ids.isEmpty else { return [:] }
        let logger = database.logger
        let rows = try await database.read { connection in
            try await connection.query("""
                SELECT id, title FROM knowledge_entries WHERE business_id = \(businessId) AND id = ANY(\(Array(ids)))
                """, logger: logger).all((String, String).self)
        }
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.0, $0.1) })
    }

    func save(_ record: CallSummaryRecord, turnSentiments: [Int64: Double]) async throws {
        let logger = database.logger
        let turnIds = Array(turnSentiments.keys)
        let scores = turnIds.map { turnSentiments[$0]! }
        try await database.write { connection in
            // FOR KEY SHARE: the call stays until this commits.
            let found = try await connection.query("""
                SELECT sid FROM calls WHERE sid = \(record.callSid) AND business_id = \(record.businessId) FOR KEY SHARE
                """, logger: logger).all(String.self)
            guard !found.isEmpty else { throw RepositoryError.notFound }
            if !turnIds.isEmpty {
                // One statement for every scored turn; turns of other calls are left alone.
                try await connection.query("""
                    UPDATE call_turns SET sentiment = scored.score
                    FROM unnest(\(turnIds)::bigint[], \(scores)::double precision[]) AS scored(id, score)
                    WHERE call_turns.id = scored.id AND call_turns.call_sid = \(record.callSid)
                    """, logger: logger)
            }
            try await connection.query("""
                INSERT INTO call_summaries (call_sid, business_id, summary, fields, follow_up_needed, sentiment_score,
                                            sentiment_label, sentiment_trend, created_at)
                VALUES (\(record.callSid), \(record.businessId), \(record.summary), \(record.fields), \(record.followUpNeeded),
                        \(record.sentiment?.score), \(record.sentiment?.label.rawValue), \(record.sentiment?.trend.rawValue),
                        \(record.createdAt))
                ON CONFLICT (call_sid) DO UPDATE SET summary = excluded.summary, fields = excluded.fields,
                    follow_up_needed = excluded.follow_up_needed, sentiment_score = excluded.sentiment_score,
                    sentiment_label = excluded.sentiment_label, sentiment_trend = excluded.sentiment_trend,
                    created_at = excluded.created_at
                """, logger: logger)
        }
    }

    func summary(callSid: String, businessId: String) async throws -> StoredCallSummary? {
        let logger = database.logger
        return try await database.read { connection -> StoredCallSummary? in
            let rows = try await connection.query("""
                SELECT summary, fields, follow_up_needed, sentiment_score, sentiment_label, sentiment_trend, created_at
                FROM call_summaries WHERE call_sid = \(callSid) AND business_id = \(businessId)
                """, logger: logger).all((String, String, Bool, Double?, String?, String?, Date).self)
            guard let row = rows.first else { return nil }
            let scored = try await connection.query("""
                SELECT seq, sentiment FROM call_turns WHERE call_sid = \(callSid) AND sentiment IS NOT NULL
                """, logger: logger).all((Int, Double).self)
            return StoredCallSummary(
                summary: row.0, fields: row.1, followUpNeeded: row.2, sentimentScore: row.3, sentimentLabel: row.4,
                sentimentTrend: row.5, turnSentiments: Dictionary(scored.map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first }),
                createdAt: row.6)
        }
    }
}
