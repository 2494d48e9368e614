import Foundation
import ServiceLifecycle

/// The embedded default: one SQLite file, one process. Signals come from this process's own commits.
public struct SQLiteStorage: StorageBackend {
    public let database: AppDatabase
    public let repositories: Repositories

    public init(database: AppDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.repositories = .sqlite(database: database, now: now)
    }

    public var kind: String { "sqlite" }
    public var eventSignal: EventSignal { database.eventSignal }
    /// Never signalled: this process is the only one that queues work, and it wakes its runner itself.
    public let jobSignal = EventSignal()
    public var services: [any Service] { [] }

    public func health() async -> StorageHealth {
        let migrated = database.migrationsApplied
        return StorageHealth(reachable: migrated, migrated: migrated,
                             problem: migrated ? nil : "the database does not answer or is not migrated")
    }

    public func close() async throws {
        try database.close()
    }
}
