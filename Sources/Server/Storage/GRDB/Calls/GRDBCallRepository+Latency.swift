import Foundation
import GRDB

/// One receptionist turn's server-side time, read back from `call_turns`.
public struct TurnLatency: Sendable, Equatable {
    /// `latency_ms`: milliseconds from the webhook's arrival to its reply being ready, taken just before the
    /// turn's transaction is written (so the commit itself is not included).
    public var milliseconds: Double
    /// Whether the turn answered or declined a question (it has citations, or `declined = 1`): the turns that
    /// embedded the caller's words and searched the knowledge base.
    public var isQuestion: Bool
    /// The webhook the turn answered (`started`, `speech`, `silence`, …).
    public var event: String

    public init(milliseconds: Double, isQuestion: Bool, event: String) {
        self.milliseconds = milliseconds
        self.isQuestion = isQuestion
        self.event = event
    }
}

extension GRDBCallRepository {
    /// The receptionist turns created between `start` and `end` (inclusive), oldest first, with their latency.
    /// For benchmarks and reports: `frontdesk bench calls` reads the server's own timings back with it.
    public func receptionistTurnLatencies(from start: Date, to end: Date) async throws -> [TurnLatency] {
        try await database.dbPool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT latency_ms, (citations IS NOT NULL OR declined = 1) AS question, event FROM call_turns
                WHERE speaker = 'receptionist' AND latency_ms IS NOT NULL AND created_at >= ? AND created_at <= ?
                ORDER BY id
                """, arguments: [start, end])
                .map { TurnLatency(milliseconds: $0["latency_ms"], isQuestion: $0["question"], event: $0["event"]) }
        }
    }
}
