import Foundation
import ServiceLifecycle

/// What the app needs of its storage beyond the repositories: signals that other writers (another node, on
/// PostgreSQL) committed something, its health, the services it runs, and closing it. The app is built from one
/// value: `SQLiteStorage` (one process, the default) or `PostgresStorage` (several nodes, one database).
public protocol StorageBackend: Sendable {
    /// "sqlite" or "postgresql" (health reports, logs).
    var kind: String { get }
    var repositories: Repositories { get }
    /// Signalled after every commit that appended events — on PostgreSQL also those of other nodes (`LISTEN`).
    var eventSignal: EventSignal { get }
    /// Signalled when another node queued work (PostgreSQL `NOTIFY`); never on SQLite, where this process is the
    /// only writer and wakes its runner itself.
    var jobSignal: EventSignal { get }
    /// Whether the database answers and every migration this build knows has been applied.
    func health() async -> StorageHealth
    /// Background work the backend needs while the app runs (PostgreSQL's connection pool and listener).
    var services: [any Service] { get }
    /// Flushes and closes every connection, at shutdown. Later use fails.
    func close() async throws
}

/// `/healthz`'s view of the storage.
public struct StorageHealth: Sendable, Equatable {
    /// The database answered a query just now.
    public var reachable: Bool
    /// Every migration this build knows is applied.
    public var migrated: Bool
    /// Why it is unhealthy, if it is (never a credential).
    public var problem: String?

    public init(reachable: Bool, migrated: Bool, problem: String? = nil) {
        self.reachable = reachable
        self.migrated = migrated
        self.problem = problem
    }

    public var isHealthy: Bool { reachable && migrated }
}

/// Knowledge changes other nodes committed (PostgreSQL's `NOTIFY kb:<business>:<version>`), for the knowledge
/// sync. SQLite has none: the one process changes its indexes itself.
public protocol KnowledgeChangeFeed: Sendable {
    /// Calls `handler` with the business and its new `kb_version` after another node's (or this node's) knowledge
    /// write commits. Notifications can be lost while disconnected: followers also poll.
    func onKnowledgeChanged(_ handler: @escaping @Sendable (_ businessId: String, _ version: Int64) -> Void)
    /// Calls `handler` after every (re)connection of the feed, when followers should poll.
    func onReconnected(_ handler: @escaping @Sendable () -> Void)
}
