import Events
import Foundation
import GRDB

/// Appending to the event log inside a write transaction: the one place events are written.
enum EventAppender {
    /// Appends `draft` with the next sequence of its stream. Must run inside the transaction of the change the
    /// event describes, so the event exists exactly when the change does.
    @discardableResult
    static func append(_ db: Database, _ draft: EventDraft, at timestamp: Date) throws -> StoredEvent {
        let sequence = try Int64.fetchOne(
            db, sql: "SELECT COALESCE(MAX(sequence), 0) + 1 FROM events WHERE stream = ?",
            arguments: [draft.stream.rawValue]) ?? 1
        try db.execute(sql: """
            INSERT INTO events (business_id, stream, sequence, type, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [draft.businessId, draft.stream.rawValue, sequence, draft.type.rawValue, draft.payload, timestamp])
        return StoredEvent(id: db.lastInsertedRowID, businessId: draft.businessId, stream: draft.stream,
                           sequence: sequence, type: draft.type, payload: draft.payload, createdAt: timestamp)
    }

    @discardableResult
    static func append(_ db: Database, _ drafts: [EventDraft], at timestamp: Date) throws -> [StoredEvent] {
        try drafts.map { try append(db, $0, at: timestamp) }
    }
}

/// Tells the app's ``EventSignal`` when a transaction that inserted events commits (and only then: a rolled-back
/// append wakes nobody).
final class EventCommitObserver: TransactionObserver, @unchecked Sendable {
    private let signal: EventSignal
    // Touched only on the writer's serial queue (GRDB calls observers there).
    private var appended = false

    init(signal: EventSignal) { self.signal = signal }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        if case .insert(let table) = eventKind { return table == "events" }
        return false
    }

    func databaseDidChange(with event: DatabaseEvent) { appended = true }

    func databaseDidCommit(_ db: Database) {
        guard appended else { return }
        appended = false
        signal.signal()
    }

    func databaseDidRollback(_ db: Database) { appended = false }
}

/// `EventLog` on the app's SQLite database.
struct GRDBEventLog: EventLog {
    let database: AppDatabase
    let now: @Sendable () -> Date

    init(database: AppDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    func events(_ query: EventQuery) async throws -> [StoredEvent] {
        var conditions = ["id > ?"]
        var arguments: StatementArguments = [query.after]
        if let businessId = query.businessId {
            conditions.append("business_id = ?")
            _ = arguments.append(contentsOf: [businessId])
        }
        if let stream = query.stream {
            conditions.append("stream = ?")
            _ = arguments.append(contentsOf: [stream.rawValue])
        }
        // Only types this build knows (a newer version's events are left for it), filtered before LIMIT so a run
        // of unknown events never makes a page look like the end of the log.
        let types = query.types ?? Set(EventType.allCases)
        guard !types.isEmpty else { return [] }
        conditions.append("type IN (\(types.map { _ in "?" }.joined(separator: ",")))")
        _ = arguments.append(contentsOf: StatementArguments(types.sorted().map(\.rawValue)))
        _ = arguments.append(contentsOf: [min(max(query.limit, 1), 1000)])
        let sql = "SELECT * FROM events WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT ?"
        let bound = arguments
        return try await database.dbPool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: bound).compactMap(Self.event(from:))
        }
    }

    /// A row as an event; nil for a type this build does not know (written by a newer version).
    static func event(from row: Row) -> StoredEvent? {
        guard let type = EventType(rawValue: row["type"]) else { return nil }
        return StoredEvent(id: row["id"], businessId: row["business_id"], stream: EventStream(rawValue: row["stream"]),
                           sequence: row["sequence"], type: type, payload: row["payload"], createdAt: row["created_at"])
    }

    func lastEventId() async throws -> Int64 {
        try await database.dbPool.read { db in
            try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM events") ?? 0
        }
    }

    func checkpoint(consumer: String) async throws -> Int64 {
        try await database.dbPool.read { db in
            try Int64.fetchOne(db, sql: "SELECT last_event_id FROM event_checkpoints WHERE consumer = ?",
                               arguments: [consumer]) ?? 0
        }
    }

    func advanceCheckpoint(consumer: String, to eventId: Int64) async throws {
        let timestamp = now()
        try await database.dbPool.write { db in
            try db.execute(sql: """
                INSERT INTO event_checkpoints (consumer, last_event_id, updated_at) VALUES (?, ?, ?)
                ON CONFLICT (consumer) DO UPDATE SET last_event_id = MAX(last_event_id, excluded.last_event_id),
                    updated_at = excluded.updated_at
                """, arguments: [consumer, eventId, timestamp])
        }
    }

    func checkpoints() async throws -> [String: Int64] {
        try await database.dbPool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT consumer, last_event_id FROM event_checkpoints")
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["consumer"] as String, $0["last_event_id"] as Int64) })
        }
    }

    func prune(before date: Date) async throws -> Int {
        try await database.dbPool.write { db in
            try db.execute(sql: """
                DELETE FROM events
                WHERE created_at < ?
                  AND id <= (SELECT COALESCE(MIN(last_event_id), 0) FROM event_checkpoints)
                  AND id NOT IN (SELECT MAX(id) FROM events GROUP BY stream)
                """, arguments: [date])
            return db.changesCount
        }
    }

    func append(_ drafts: [EventDraft]) async throws -> [StoredEvent] {
        let timestamp = now()
        return try await database.dbPool.write { db in try EventAppender.append(db, drafts, at: timestamp) }
    }
}
