import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The FrontDesk database on PostgreSQL: a pooled `PostgresClient` shared by every repository, the schema migrated
/// at start (once, under an advisory lock, however many nodes start together), and transactions that retry on
/// serialization failures and deadlocks.
///
/// Repositories run `try await database.write { connection in … }` (one transaction) or `read { … }`.
public final class PGDatabase: Sendable {
    public let url: PostgresURL
    let client: PostgresClient
    let logger: Logger
    private let runTask: Mutex<Task<Void, Never>?>
    /// Finishes when the run task has begun, right before it enters `client.run()` (see ``waitUntilRunning()``).
    private let running: AsyncStream<Void>

    /// The channel every node `LISTEN`s on; payloads are small (`events`, `jobs`, `kb:<business>:<version>`).
    public static let notificationChannel = "frontdesk"

    /// Connects (lazily, through the pool) to `url`. Call ``migrate()`` before use; ``open(url:logger:)`` does both.
    public init(url: PostgresURL, maximumConnections: Int = 20, logger: Logger) throws {
        self.url = url
        var logger = logger
        logger[metadataKey: "database"] = "\(url)"
        self.logger = logger
        var configuration = try url.clientConfiguration()
        configuration.options.maximumConnections = maximumConnections
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = .seconds(5)
        // postgres-nio logs every query at debug/trace with its binds; keep its background log at warning.
        var background = Logger(label: "frontdesk.postgres")
        background.logLevel = .warning
        client = PostgresClient(configuration: configuration, backgroundLogger: background)
        let client = client
        let (running, started) = AsyncStream<Void>.makeStream()
        self.running = running
        runTask = Mutex(Task {
            started.finish()
            await client.run()
        })
    }

    /// Returns once the client's run loop has started. postgres-nio warns about (and holds) a lease that comes
    /// before `run()`; on a busy machine a new task may not be scheduled for a while, so wait for it rather than
    /// for a guessed time. The run task finishes `running` right before it calls `run()`, whose first step (before
    /// any suspension) marks the client running; the waiter resumes through the scheduler, after that step.
    func waitUntilRunning() async {
        for await _ in running {}
    }

    /// Opens the database at `url` and migrates it to the current schema.
    public static func open(url: PostgresURL, maximumConnections: Int = 20, logger: Logger) async throws -> PGDatabase {
        let database = try PGDatabase(url: url, maximumConnections: maximumConnections, logger: logger)
        await database.waitUntilRunning()
        do {
            try await database.migrate()
        } catch {
            await database.close()
            throw error
        }
        return database
    }

    /// Closes every connection. Later use fails.
    public func close() async {
        let task = runTask.withLock { task in
            defer { task = nil }
            return task
        }
        task?.cancel()
        await task?.value
    }

    deinit {
        runTask.withLock { $0?.cancel() }
    }

    /// Runs `body` on a pooled connection, outside a transaction (reads, or single statements).
    public func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch let error as PSQLError {
            throw Self.translated(error)
        } catch {
            throw Self.translated(poolError: error)
        }
    }

    /// Runs `body` in one transaction (`BEGIN` … `COMMIT`), rolled back if it throws. A serialization failure or
    /// deadlock (another node's transaction won) runs `body` again, up to five times, so `body` must only touch the
    /// database. Constraint violations become `RepositoryError`s.
    public func write<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await client.withConnection { connection in
                    try await connection.query("BEGIN", logger: logger)
                    do {
                        let value = try await body(connection)
                        try await connection.query("COMMIT", logger: logger)
                        return value
                    } catch {
                        // A failed ROLLBACK leaves the connection broken; the pool drops it.
                        _ = try? await connection.query("ROLLBACK", logger: logger)
                        throw error
                    }
                }
            } catch let error as PSQLError {
                if attempt < 5, let state = error.sqlState, state == "40001" || state == "40P01" {
                    try await Task.sleep(for: .milliseconds(Int.random(in: 1...(10 * attempt))))
                    continue
                }
                throw Self.translated(error)
            } catch {
                throw Self.translated(poolError: error)
            }
        }
    }

    /// A constraint violation as a `RepositoryError`, an unreachable database as `StorageUnavailableError`,
    /// anything else as it is.
    static func translated(_ error: PSQLError) -> any Error {
        if let repository = RepositoryError(postgres: error) { return repository }
        if let unavailable = StorageUnavailableError(postgres: error) { return unavailable }
        return error
    }

    /// The pool's own errors (it could not open a connection for a while: its circuit breaker tripped; it is
    /// shutting down) mean the database is unavailable. The type lives in postgres-nio's internal
    /// `_ConnectionPoolModule`, so it is recognised by name; any other error is returned as it is.
    static func translated(poolError error: any Error) -> any Error {
        guard String(reflecting: type(of: error)).contains("ConnectionPoolError") else { return error }
        return StorageUnavailableError("PostgreSQL is not reachable (\(error))")
    }

    /// `pg_notify(channel, payload)` inside the current transaction: delivered to every listening node only if and
    /// when the transaction commits.
    static func notify(_ connection: PostgresConnection, _ payload: String, logger: Logger) async throws {
        try await connection.query("SELECT pg_notify(\(notificationChannel), \(payload))", logger: logger)
    }
}

extension PSQLError {
    /// The server's SQLSTATE, for errors the server reported.
    var sqlState: String? { serverInfo?[.sqlState] }
}

extension StorageUnavailableError {
    /// For errors that mean the database cannot be used now (no connection, connection lost, the server shutting
    /// down or refusing connections, the database gone), nil for any other error.
    init?(postgres error: PSQLError) {
        if let state = error.sqlState {
            // 08: connection exception, 57: operator intervention (shutdown), 53: insufficient resources,
            // 3D000: the database does not exist.
            guard state.hasPrefix("08") || state.hasPrefix("57") || state.hasPrefix("53") || state == "3D000" else { return nil }
            self.init("PostgreSQL refused: SQLSTATE \(state)")
        } else {
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed, .uncleanShutdown:
                self.init("PostgreSQL is not reachable (\(error.code))")
            default:
                return nil
            }
        }
    }
}

extension RepositoryError {
    /// The repository error for a constraint violation PostgreSQL reported, or nil for any other error.
    /// Repositories check the common cases first (with precise messages); this is the backstop for the rest.
    init?(postgres error: PSQLError) {
        guard let state = error.sqlState else { return nil }
        let message = error.serverInfo?[.detail] ?? error.serverInfo?[.message] ?? "constraint failed"
        switch state {
        case "23505": self = .conflict(message)               // unique_violation
        case "23503": self = .notFound                        // foreign_key_violation
        case "23514", "23502", "22001", "22P02", "22007", "22008", "22003", "22021", "22P05":
            // check / not null violation, value too long, invalid text, datetime format / overflow, numeric range,
            // a character the encoding cannot hold (NUL)
            self = .invalid(error.serverInfo?[.message] ?? message)
        default: return nil
        }
    }
}
