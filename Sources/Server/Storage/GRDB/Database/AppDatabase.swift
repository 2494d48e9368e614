import Foundation
import GRDB

/// The FrontDesk database: one SQLite file in WAL mode, shared by every repository.
///
/// A `DatabasePool` serialises writes and lets reads run concurrently with them (WAL needs a real file, which is
/// why even tests use a temporary file rather than `:memory:`). Opening the database applies any pending
/// migrations, so a value of this type always has the current schema.
public final class AppDatabase: Sendable {
    /// The connection pool. Repositories run `try await dbPool.write { … }` / `read { … }` on it.
    public let dbPool: DatabasePool
    /// Path of the database file.
    public let path: String
    /// Set for `temporary()` databases: their files are removed when the value goes away.
    private let removesFilesOnDeinit: Bool
    /// Signalled after every commit that appended events (consumers and live streams wait on it).
    public let eventSignal = EventSignal()

    /// Opens (creating if needed) the database at `path` and migrates it to the current schema.
    /// - Parameters:
    ///   - path: the SQLite file; `-wal` and `-shm` files are created next to it.
    ///   - busyTimeout: seconds a connection waits for a lock held by another process before failing.
    public convenience init(path: String, busyTimeout: TimeInterval = 5) throws {
        try self.init(path: path, busyTimeout: busyTimeout, removesFilesOnDeinit: false)
    }

    private init(path: String, busyTimeout: TimeInterval, removesFilesOnDeinit: Bool) throws {
        self.path = path
        self.removesFilesOnDeinit = removesFilesOnDeinit
        self.dbPool = try DatabasePool(path: path, configuration: Self.configuration(busyTimeout: busyTimeout))
        // FULL, not NORMAL: in WAL mode NORMAL skips the fsync of the WAL at each commit, so a committed
        // transaction survives an application crash but may be lost on power loss or an OS crash. FrontDesk
        // acknowledges writes (a new tenant, a rotated key whose plaintext is shown once, a saved lead) to
        // callers that will not repeat them, so every acknowledged commit must be on stable storage.
        // The cost is one fsync per write transaction, which this write volume easily affords.
        // Set here and not in `prepareDatabase`: DatabasePool switches its writer to WAL after that hook and
        // sets `synchronous = NORMAL` while doing so. Only the writer commits, so only its setting matters.
        try dbPool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        try Self.migrator.migrate(dbPool)
        dbPool.add(transactionObserver: EventCommitObserver(signal: eventSignal), extent: .databaseLifetime)
    }

    /// A migrated database in a fresh temporary file, deleted when the returned value is released. For tests.
    public static func temporary() throws -> AppDatabase {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("frontdesk-\(UUID().uuidString.lowercased()).sqlite").path
        return try AppDatabase(path: path, busyTimeout: 5, removesFilesOnDeinit: true)
    }

    deinit {
        guard removesFilesOnDeinit else { return }
        // Unlinking files that still have open connections is safe on POSIX; the pool closes right after.
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: path + suffix)
        }
    }

    /// Copies the WAL into the database file, truncates the WAL to zero bytes and closes every connection, at
    /// shutdown. Later use of the pool fails. (SQLite alone would leave the WAL in place whenever a pooled reader
    /// connection is still open when the writer closes.)
    public func close() throws {
        try dbPool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        try dbPool.close()
    }

    /// Whether every migration this build knows has been applied (always true after a successful `init`).
    public var migrationsApplied: Bool {
        (try? dbPool.read { try Self.migrator.hasCompletedMigrations($0) }) ?? false
    }

    /// Identifiers of the migrations recorded in the file, in application order.
    public func appliedMigrations() throws -> [String] {
        try dbPool.read { try Self.migrator.completedMigrations($0) }
    }

    static func configuration(busyTimeout: TimeInterval) -> Configuration {
        var config = Configuration()
        config.label = "FrontDesk"
        config.foreignKeysEnabled = true
        // Another process (a backup, the sqlite3 shell) may hold a lock briefly; wait instead of failing at once.
        // Within this process the pool already serialises writers.
        config.busyMode = .timeout(busyTimeout)
        return config
    }
}
