import Foundation
import GRDB

/// `CallSummaryRepository` on the app's SQLite database (`call_summaries`, `call_turns.sentiment`).
public struct GRDBCallSummaryRepository: CallSummaryRepository {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    public func entryTitles(ids: Set<String>, businessId: String) async throws -> [String: String] {
        guard !ids.isEmpty else { return [:] }
        return try await database.dbPool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, title FROM knowledge_entries WHERE business_id = ? AND id IN (\(ids.map { _ in "?" }.joined(separator: ",")))
                """, arguments: StatementArguments([businessId] + Array(ids)))
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["id"] as String, $0["title"] as String) })
        }
    }

    public func save(_ record: CallSummaryRecord, turnSentiments: [Int64: Double]) async throws {
        try await database.dbPool.write { db in
            guard try CallRecord.filter(Column("sid") == record.callSid && Column("business_id") == record.businessId)
                .fetchCount(db) > 0
            else { throw RepositoryError.notFound }
            for (turnId, score) in turnSentiments {
                try db.execute(sql: "UPDATE call_turns SET sentiment = ? WHERE id = ? AND call_sid = ?",
                               arguments: [score, turnId, record.callSid])
            }
            try db.execute(sql: """
                INSERT INTO call_summaries (call_sid, business_id, summary, fields, follow_up_needed, sentiment_score,
                                            sentiment_label, sentiment_trend, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (call_sid) DO UPDATE SET summary = excluded.summary, fields = excluded.fields,
                    follow_up_needed = excluded.follow_up_needed, sentiment_score = excluded.sentiment_score,
                    sentiment_label = excluded.sentiment_label, sentiment_trend = excluded.sentiment_trend,
                    created_at = excluded.created_at
                """, arguments: [record.callSid, record.businessId, record.summary, record.fields, record.followUpNeeded,
                                 record.sentiment?.score, record.sentiment?.label.rawValue,
                                 record.sentiment?.trend.rawValue, record.createdAt])
        }
    }

    public func summary(callSid: String, businessId: String) async throws -> StoredCallSummary? {
        try await database.dbPool.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT summary, fields, follow_up_needed, sentiment_score, sentiment_label, sentiment_trend, created_at
                FROM call_summaries WHERE call_sid = ? AND business_id = ?
                """, arguments: [callSid, businessId])
            else { return nil }
            let scored = try Row.fetchAll(db, sql: """
                SELECT seq, sentiment FROM call_turns WHERE call_sid = ? AND sentiment IS NOT NULL
                """, arguments: [callSid])
            return StoredCallSummary(
                summary: row["summary"], fields: row["fields"], followUpNeeded: row["follow_up_needed"],
                sentimentScore: row["sentiment_score"], sentimentLabel: row["sentiment_label"],
                sentimentTrend: row["sentiment_trend"],
                turnSentiments: Dictionary(scored.map { ($0["seq"] as Int, $0["sentiment"] as Double) }, uniquingKeysWith: { first, _ in first }),
                createdAt: row["created_at"])
        }
    }
}
