import Foundation
import GRDB

/// `OutboundPacingRepository` on SQLite: one write transaction reads and moves the slot, so it is atomic against
/// every other writer of the file (one process).
struct GRDBOutboundPacingRepository: OutboundPacingRepository {
    let database: AppDatabase

    func reserve(requestId: String, limits: OutboundLimits, now: Date) async throws -> DialDecision {
        try OutboundPacingRules.validate(requestId: requestId)
        return try await database.dbPool.write { db in
            try db.execute(sql: "DELETE FROM outbound_reservations WHERE reserved_at <= ?",
                           arguments: [now.addingTimeInterval(-OutboundLimits.reservationLifetime)])
            if let slot = try Date.fetchOne(db, sql: "SELECT slot_at FROM outbound_reservations WHERE request_id = ?",
                                            arguments: [requestId]) {
                return .dial(at: slot)
            }
            let nextSlot = try Date.fetchOne(db, sql: "SELECT next_slot_at FROM outbound_pacing WHERE name = ?",
                                             arguments: [OutboundPacingRules.account])
            let inProgress = try Int.fetchOne(db, sql: """
                SELECT (SELECT COUNT(*) FROM calls WHERE direction = 'outbound' AND ended_at IS NULL AND started_at > ?
                          AND (status NOT IN ('queued', 'initiated') OR started_at > ?))
                     + (SELECT COUNT(*) FROM outbound_reservations)
                """, arguments: [now.addingTimeInterval(-OutboundLimits.callLifetime),
                                 now.addingTimeInterval(-OutboundLimits.unansweredDialLifetime)]) ?? 0
            let (decision, next) = limits.decide(nextSlot: nextSlot, inProgress: inProgress, now: now)
            guard case .dial(let slot) = decision, let next else { return decision }
            try db.execute(sql: """
                INSERT INTO outbound_pacing (name, next_slot_at) VALUES (?, ?)
                ON CONFLICT (name) DO UPDATE SET next_slot_at = excluded.next_slot_at
                """, arguments: [OutboundPacingRules.account, next])
            try db.execute(sql: "INSERT INTO outbound_reservations (request_id, slot_at, reserved_at) VALUES (?, ?, ?)",
                           arguments: [requestId, slot, now])
            return decision
        }
    }

    func release(requestId: String) async throws {
        try await database.dbPool.write { db in
            try db.execute(sql: "DELETE FROM outbound_reservations WHERE request_id = ?", arguments: [requestId])
        }
    }
}
