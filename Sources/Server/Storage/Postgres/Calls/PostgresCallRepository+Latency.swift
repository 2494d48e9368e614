import Foundation
import PostgresNIO

extension PostgresCallRepository {
    /// The receptionist turns created between `start` and `end` (inclusive), oldest first, with their latency, as
    /// `GRDBCallRepository.receptionistTurnLatencies` reads them on SQLite (for `frontdesk bench calls`).
    func receptionistTurnLatencies(from start: Date, to end: Date) async throws -> [TurnLatency] {
        let logger = database.logger
        return try await database.read { connection in
            try await connection.query("""
                SELECT latency_ms, (citations IS NOT NULL OR declined) AS question, event FROM call_turns
                WHERE speaker = 'receptionist' AND latency_ms IS NOT NULL AND created_at >= \(start) AND created_at <= \(end)
                ORDER BY id
                """, logger: logger).all((Double, Bool, String).self)
                .map { TurnLatency(milliseconds: $0.0, isQuestion: $0.1, event: $0.2) }
        }
    }
}
