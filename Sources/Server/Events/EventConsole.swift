import Events
import Foundation
import Logging

/// The event log for the operator's commands: `frontdesk events tail` and `prune` (the database alone) and
/// `frontdesk events replay` (the application's services, built as `serve` builds them, without the HTTP server).
public struct EventConsole: Sendable {
    /// The SQLite file, when the console opened one (closed by ``close()``).
    let database: AppDatabase?
    let log: any EventLog
    let businesses: any BusinessRepository
    /// The app's consumers; set only when opened with ``openServices(_:logger:)``.
    let consumers: EventConsumerRunner?
    /// Set when the console built the services (embedding threads to stop at close).
    private let services: AppServices?

    /// Opens the database at `path` only (no model): enough to read and prune the log.
    public static func open(databasePath path: String) throws -> EventConsole {
        guard FileManager.default.fileExists(atPath: path) else {
            throw Failure("no database at \(path) (set --db or FRONTDESK_DB)")
        }
        let database = try AppDatabase(path: path)
        return EventConsole(database: database, log: GRDBEventLog(database: database),
                            businesses: GRDBBusinessRepository(database: database), consumers: nil, services: nil)
    }

    /// Builds the application's services as `frontdesk serve` does (model, database, repositories, the event
    /// consumers), without the HTTP server and without starting any background service.
    public static func openServices(_ config: AppConfig, logger: Logger) async throws -> EventConsole {
        guard config.databaseURL != nil || FileManager.default.fileExists(atPath: config.databasePath) else {
            throw Failure("no database at \(config.databasePath) (set --db or FRONTDESK_DB)")
        }
        let services = try await makeServices(config, logger: logger, announce: { print($0) })
        return EventConsole(database: (services.storage as? SQLiteStorage)?.database, log: services.events, businesses: services.businesses,
                            consumers: services.eventConsumers, services: services)
    }

    public func close() throws {
        services?.knowledge.queryEmbedder.shutdown()
        services?.knowledge.bulkEmbedder.shutdown()
        try database?.close()
    }

    /// A message for the operator (an unknown slug, a missing database, an unknown consumer).
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    // MARK: Reading

    public func business(slug: String) async throws -> Business? {
        try await businesses.get(slug: slug)
    }

    public func business(id: String) async throws -> Business? {
        try await businesses.get(id: id)
    }

    /// Events after `after` matching `filter` (of one business, or of every business when nil), oldest first.
    public func events(_ filter: EventFilter, business: Business?, after: Int64, limit: Int = 500) async throws -> [StoredEvent] {
        try await log.events(filter.query(businessId: business?.id, after: after, limit: limit))
    }

    /// The newest event id (0 for an empty log).
    public func lastEventId() async throws -> Int64 {
        try await log.lastEventId()
    }

    /// The last `count` events matching `filter`, oldest first. The log is read forwards only, so this looks at
    /// ever larger windows before the newest id (×4 each time) until it has `count` or has read the whole log.
    public func latest(_ filter: EventFilter, business: Business?, count: Int) async throws -> [StoredEvent] {
        let newest = try await log.lastEventId()
        guard count > 0, newest > 0 else { return [] }
        var window = Int64(count) * 4
        while true {
            let start = max(0, newest - window)
            var found: [StoredEvent] = []
            var position = start
            while true {
                let batch = try await events(filter, business: business, after: position, limit: 1000)
                found += batch.prefix { $0.id <= newest }
                guard let last = batch.last, batch.count == 1000, last.id < newest else { break }
                position = last.id
            }
            if found.count >= count || start == 0 { return Array(found.suffix(count)) }
            window *= 4
        }
    }

    // MARK: Formatting

    /// One line: id, time (UTC), business slug (`-` for none), stream#sequence, type, the payload's compact JSON.
    public static func line(_ event: StoredEvent, business slug: String?) -> String {
        "\(event.id) \(EventView.timestamp(event.createdAt)) \(slug ?? "-") \(event.stream.rawValue)#\(event.sequence) \(event.type.rawValue) \(event.payload)"
    }

    /// The event's JSON object as `GET /v1/events` returns it, with `business` (the slug; absent for events of no business).
    public static func json(_ event: StoredEvent, business slug: String?) -> String {
        EventView(event, business: slug).json()
    }
}

extension EventConsole {
    /// What a replay did: how many events were handed to the consumer, and which ids were read.
    public struct Replay: Sendable, Equatable {
        public let delivered: Int
        public let after: Int64
        public let through: Int64
    }

    /// The names of the application's consumers, in the order they run.
    public var consumerNames: [String] { consumers?.consumers.map(\.name) ?? [] }

    /// Hands the events with ids in `after+1 ... through` (through: the consumer's checkpoint by default) to the
    /// named consumer again, without moving its checkpoint. Consumers are idempotent, so this repairs what a bug in
    /// a handler got wrong once the handler is fixed, and is otherwise harmless.
    public func replay(consumer name: String, after: Int64, through: Int64?) async throws -> Replay {
        guard let runner = consumers else { throw Failure("replay needs the application's services (openServices)") }
        return try await Self.replay(runner: runner, log: log, consumer: name, after: after, through: through)
    }

    static func replay(runner: EventConsumerRunner, log: any EventLog, consumer name: String, after: Int64,
                       through: Int64?) async throws -> Replay {
        guard let consumer = runner.consumer(named: name) else {
            let names = runner.consumers.map(\.name)
            throw Failure("no event consumer named \"\(name)\"; known consumers: "
                          + (names.isEmpty ? "none (this build registers no consumer)" : names.joined(separator: ", ")))
        }
        var end = through ?? 0
        if through == nil { end = try await log.checkpoint(consumer: name) }
        let delivered = end > after ? try await runner.replay(consumer: consumer, after: after, through: end) : 0
        return Replay(delivered: delivered, after: after, through: end)
    }

    // MARK: Pruning

    /// What a prune did, and why older events may remain.
    public struct Prune: Sendable, Equatable {
        public let deleted: Int
        /// Every consumer's checkpoint; events after the smallest are kept whatever their age.
        public let checkpoints: [String: Int64]
    }

    /// Deletes events created before `date` that every consumer has handled, keeping each stream's newest event.
    public func prune(before date: Date) async throws -> Prune {
        let deleted = try await log.prune(before: date)
        return Prune(deleted: deleted, checkpoints: try await log.checkpoints())
    }

    /// `2026-01-31` (midnight UTC) or an ISO 8601 date-time; nil when it is neither.
    public static func pruneDate(_ text: String) -> Date? {
        if let day = try? Date(text, strategy: .iso8601.year().month().day()) { return day }
        if let moment = try? Date(text, strategy: .iso8601) { return moment }
        return try? Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true))
    }
}
