import Events
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRDB
import Testing
@testable import Server

/// The event log and the rows its events describe, read from the database file in one transaction.
extension EventCrashTests {
    struct LogState {
        var events: [StoredEvent]
        /// `owner_alerts`: id → the call it was raised on.
        var alertCalls: [Int64: String]
        /// `owner_alerts`: id → status (`sms_queued` once the consumer queued its text).
        var alertStatuses: [Int64: String]
        var leadIds: [String]
        /// `calls`: sid → whether it has ended.
        var calls: [String: Bool]
        var kbVersion: Int64
        var checkpoints: [String: Int64]
        /// `jobs` of kind `call.summary`: "id|dedupe_key|created_at" (the columns a later run never changes).
        var summaryJobs: [String]
        var summaryKeys: [String]
        /// `sms_outbox` rows to the owner: "id|dedupe_key|to|body|created_at".
        var ownerTexts: [String]
        var ownerTextKeys: [String]

        var lastEventId: Int64 { events.last?.id ?? 0 }

        static func read(_ database: AppDatabase, businessId: String) async throws -> LogState {
            try await database.dbPool.read { db in
                let events = try Row.fetchAll(db, sql: "SELECT * FROM events ORDER BY id").map { row in
                    guard let event = GRDBEventLog.event(from: row) else {
                        throw LiveServerError("event \(row["id"] as Int64) has a type this build does not know: \(row["type"] as String)")
                    }
                    return event
                }
                let alerts = try Row.fetchAll(db, sql: "SELECT id, call_sid, status FROM owner_alerts WHERE business_id = ?",
                                              arguments: [businessId])
                let calls = try Row.fetchAll(db, sql: "SELECT sid, ended_at IS NOT NULL AS ended FROM calls WHERE business_id = ?",
                                             arguments: [businessId])
                let checkpoints = try Row.fetchAll(db, sql: "SELECT consumer, last_event_id FROM event_checkpoints")
                return LogState(
                    events: events,
                    alertCalls: Dictionary(uniqueKeysWithValues: alerts.map { ($0["id"] as Int64, ($0["call_sid"] as String?) ?? "") }),
                    alertStatuses: Dictionary(uniqueKeysWithValues: alerts.map { ($0["id"] as Int64, $0["status"] as String) }),
                    leadIds: try String.fetchAll(db, sql: "SELECT id FROM leads WHERE business_id = ?", arguments: [businessId]),
                    calls: Dictionary(uniqueKeysWithValues: calls.map { ($0["sid"] as String, $0["ended"] as Bool) }),
                    kbVersion: try Int64.fetchOne(db, sql: "SELECT kb_version FROM businesses WHERE id = ?", arguments: [businessId]) ?? -1,
                    checkpoints: Dictionary(uniqueKeysWithValues: checkpoints.map { ($0["consumer"] as String, $0["last_event_id"] as Int64) }),
                    summaryJobs: try String.fetchAll(db, sql: """
                        SELECT id || '|' || COALESCE(dedupe_key, '') || '|' || created_at FROM jobs
                        WHERE kind = 'call.summary' ORDER BY id
                        """),
                    summaryKeys: try String.fetchAll(db, sql: "SELECT COALESCE(dedupe_key, '') FROM jobs WHERE kind = 'call.summary'"),
                    ownerTexts: try String.fetchAll(db, sql: """
                        SELECT id || '|' || COALESCE(dedupe_key, '') || '|' || "to" || '|' || body || '|' || created_at
                        FROM sms_outbox WHERE kind = 'owner' ORDER BY id
                        """),
                    ownerTextKeys: try String.fetchAll(db, sql: "SELECT COALESCE(dedupe_key, '') FROM sms_outbox WHERE kind = 'owner'"))
            }
        }

        func events(_ type: EventType) -> [StoredEvent] { events.filter { $0.type == type } }

        /// Each call's events, in log order.
        var callStreams: [String: [StoredEvent]] {
            Dictionary(grouping: events.filter { $0.stream.kind == "call" }, by: { $0.stream.id })
        }

        /// The alert ids named by `owner.alert` events (nil where an event names none).
        func alertIds() throws -> [Int64?] {
            try events(.ownerAlertRaised).map { try $0.decode(OwnerAlertRaised.self).alertId }
        }
    }

    /// The consumer's checkpoint and the newest event id, read while the server runs.
    static func progress(_ database: AppDatabase) async throws -> (checkpoints: [String: Int64], last: Int64) {
        try await database.dbPool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT consumer, last_event_id FROM event_checkpoints")
            return (Dictionary(uniqueKeysWithValues: rows.map { ($0["consumer"] as String, $0["last_event_id"] as Int64) }),
                    try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM events") ?? 0)
        }
    }

    /// A counter of the server's `/metrics`, summed over the series whose labels include every one of `labels`.
    static func counter(_ port: Int, _ name: String, _ labels: [String: String]) async throws -> Double {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        request.timeoutInterval = 30
        let (data, _) = try await URLSession.shared.data(for: request)
        var total = 0.0
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.hasPrefix(name + "{") {
            guard labels.allSatisfy({ line.contains("\($0.key)=\"\($0.value)\"") }) else { continue }
            total += Double(line.split(separator: " ").last ?? "") ?? 0
        }
        return total
    }
}
