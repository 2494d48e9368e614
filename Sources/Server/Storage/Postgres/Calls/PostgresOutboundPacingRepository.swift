import Foundation
import PostgresNIO

/// `OutboundPacingRepository` on PostgreSQL, shared by every node: the pacing row is locked for the whole decision
/// (made by the first reservation, then locked by the upsert's no-op update), so nodes decide one at a time and
/// each sees the reservations and calls the others committed.
struct PostgresOutboundPacingRepository: OutboundPacingRepository {
    let database: PGDatabase

    func reserve(requestId: String, limits: OutboundLimits, now: Date) async throws -> DialDecision {
        try OutboundPacingRules.validate(requestId: requestId)
        let logger = database.logger
        let account = OutboundPacingRules.account
        let staleBefore = now.addingTimeInterval(-OutboundLimits.reservationLifetime)
        let callsSince = now.addingTimeInterval(-OutboundLimits.callLifetime)
        let dialsSince = now.addingTimeInterval(-OutboundLimits.unansweredDialLifetime)
        return try await database.write { connection in
            let nextSlot = try await connection.query("""
                INSERT INTO outbound_pacing (name, next_slot_at) VALUES (\(account), \(now))
                ON CONFLICT (name) DO UPDATE SET name = excluded.name
                RETURNING next_slot_at
                """, logger: logger).all(Date.self).first
            let state = try await connection.query("""
                WITH stale AS (DELETE FROM outbound_reservations WHERE reserved_at <= \(staleBefore) RETURNING request_id)
                SELECT (SELECT slot_at FROM outbound_reservations
                        WHERE request_id = \(requestId) AND request_id NOT IN (SELECT request_id FROM stale)),
                       (SELECT COUNT(*) FROM calls WHERE direction = 'outbound' AND ended_at IS NULL AND started_at > \(callsSince)
                          AND (status NOT IN ('queued', 'initiated') OR started_at > \(dialsSince)))
                     + (SELECT COUNT(*) FROM outbound_reservations WHERE request_id NOT IN (SELECT request_id FROM stale))
                """, logger: logger).all((Date?, Int64).self).first
            if let held = state?.0 { return .dial(at: held) }
            let (decision, next) = limits.decide(nextSlot: nextSlot, inProgress: Int(state?.1 ?? 0), now: now)
            guard case .dial(let slot) = decision, let next else { return decision }
            _ = try await connection.query("""
                WITH moved AS (UPDATE outbound_pacing SET next_slot_at = \(next) WHERE name = \(account) RETURNING name)
                INSERT INTO outbound_reservations (request_id, slot_at, reserved_at) VALUES (\(requestId), \(slot), \(now))
                """, logger: logger)
            return decision
        }
    }

    func release(requestId: String) async throws {
        let logger = database.logger
        try await database.write { connection in
            _ = try await connection.query(
                "DELETE FROM outbound_reservations WHERE request_id = \(requestId)", logger: logger)
        }
    }
}
