import Foundation
import Logging
import ServiceLifecycle

/// Several nodes, one PostgreSQL database: the pooled repositories, and the node's `LISTEN` connection that turns
/// other nodes' commits into the same signals this node's own commits give (events appended, work queued) and
/// tells the knowledge sync which business changed.
public final class PostgresStorage: StorageBackend {
    public let database: PGDatabase
    public let repositories: Repositories
    public let listener: PostgresListener
    public let eventSignal = EventSignal()
    public let jobSignal = EventSignal()

    init(database: PGDatabase, repositories: Repositories, logger: Logger) {
        self.database = database
        self.repositories = repositories
        listener = PostgresListener(url: database.url, logger: logger)
        listener.onNotification { [eventSignal, jobSignal] payload in
            switch payload {
            case "events": eventSignal.signal()
            case "jobs": jobSignal.signal()
            default: break
            }
        }
        // Whatever was committed while the connection was down: every follower looks again.
        listener.onConnected { [eventSignal, jobSignal] in
            eventSignal.signal()
            jobSignal.signal()
        }
    }

    public var kind: String { "postgresql" }
    public var services: [any Service] { [listener] }

    public func health() async -> StorageHealth {
        await database.health()
    }

    public func close() async throws {
        await database.close()
    }
}

extension PostgresStorage: KnowledgeChangeFeed {
    public func onKnowledgeChanged(_ handler: @escaping @Sendable (_ businessId: String, _ version: Int64) -> Void) {
        listener.onNotification { payload in
            // kb:<business id>:<version>
            let parts = payload.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0] == "kb", let version = Int64(parts[2]) else { return }
            handler(String(parts[1]), version)
        }
    }

    public func onReconnected(_ handler: @escaping @Sendable () -> Void) {
        listener.onConnected(handler)
    }
}
