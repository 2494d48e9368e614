import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The node's one dedicated `LISTEN` connection: it hears what other nodes committed (events appended, work
/// queued, knowledge changed) and wakes whatever waits for it. A notification sent while this connection is down is
/// lost, so after every (re)connect the `connected` handlers run — they poll what they follow — and followers also
/// poll on their own every few seconds.
public final class PostgresListener: Service, Sendable {
    /// One notification: `events`, `jobs`, or `kb:<business id>:<version>`.
    public typealias Handler = @Sendable (String) -> Void

    private struct State {
        var handlers: [Handler] = []
        var connectedHandlers: [@Sendable () -> Void] = []
        var connected = false
    }
    private let state = Mutex(State())
    private let url: PostgresURL
    private let logger: Logger

    init(url: PostgresURL, logger: Logger) {
        self.url = url
        self.logger = logger
    }

    /// Calls `handler` with every notification's payload.
    public func onNotification(_ handler: @escaping Handler) {
        state.withLock { $0.handlers.append(handler) }
    }

    /// Calls `handler` each time the listening connection is (re)established.
    public func onConnected(_ handler: @escaping @Sendable () -> Void) {
        state.withLock { $0.connectedHandlers.append(handler) }
    }

    /// Whether the listening connection is up now.
    public var isConnected: Bool { state.withLock { $0.connected } }

    public func run() async throws {
        var configuration = try url.clientConfiguration()
        configuration.options.maximumConnections = 1
        configuration.options.connectTimeout = .seconds(5)
        var background = Logger(label: "frontdesk.postgres.listen")
        background.logLevel = .critical
        let client = PostgresClient(configuration: configuration, backgroundLogger: background)
        // Until graceful shutdown (or cancellation): the client's run loop, and the listening loop on it.
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                group.addTask { await self.listen(client) }
                await group.next()
                group.cancelAll()
            }
        }
    }

    private func listen(_ client: PostgresClient) async {
        var backoff = Duration.milliseconds(200)
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: PGDatabase.notificationChannel) { notifications in
                        backoff = .milliseconds(200)
                        let handlers = state.withLock { state in
                            state.connected = true
                            return state.connectedHandlers
                        }
                        logger.debug("listening for other nodes' changes")
                        handlers.forEach { $0() }
                        for try await notification in notifications {
                            let handlers = state.withLock { $0.handlers }
                            handlers.forEach { $0(notification.payload) }
                        }
                    }
                }
            } catch {
                if Task.isCancelled { break }
                logger.warning("lost the LISTEN connection; reconnecting", metadata: ["retry_in": "\(backoff)"])
            }
            state.withLock { $0.connected = false }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(5))
        }
        state.withLock { $0.connected = false }
    }
}
