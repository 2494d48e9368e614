import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Keeps this node's in-memory knowledge indexes in step with edits made through other nodes (PostgreSQL only).
///
/// Every knowledge write raises its business's `kb_version` and, on commit, notifies every node
/// (`kb:<business>:<version>`). A notification brings that business's indexes up to the version at once; and because
/// a notification sent while this node's listening connection was down is lost, the sync also compares every loaded
/// business's version with the database after each reconnection and every `pollInterval`. A business found behind
/// for longer than `staleAfter` makes `/healthz` report this node as behind.
public final class KnowledgeSync: Service, Sendable {
    let knowledge: KnowledgeService
    let businesses: any BusinessRepository
    let feed: any KnowledgeChangeFeed
    let pollInterval: Duration
    let staleAfter: TimeInterval
    let logger: Logger
    private let wakeups: AsyncStream<(String, Int64)?>
    private let wakeup: AsyncStream<(String, Int64)?>.Continuation
    /// Businesses seen behind the database, since when.
    private let behind = Mutex<[String: Date]>([:])

    public init(knowledge: KnowledgeService, businesses: any BusinessRepository, feed: any KnowledgeChangeFeed,
                pollInterval: Duration = .seconds(2), staleAfter: TimeInterval = 10, logger: Logger) {
        self.knowledge = knowledge
        self.businesses = businesses
        self.feed = feed
        self.pollInterval = pollInterval
        self.staleAfter = staleAfter
        self.logger = logger
        (wakeups, wakeup) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
        feed.onKnowledgeChanged { [wakeup] businessId, version in wakeup.yield((businessId, version)) }
        feed.onReconnected { [wakeup] in wakeup.yield(nil) }
    }

    /// Businesses behind the database for longer than `staleAfter` (for `/healthz`).
    public func staleBusinesses(now: Date = Date()) -> [String] {
        behind.withLock { $0.filter { now.timeIntervalSince($0.value) > staleAfter }.keys.sorted() }
    }

    public func run() async throws {
        let poller = Task { [wakeup, pollInterval] in
            while !Task.isCancelled {
                guard (try? await Task.sleep(for: pollInterval)) != nil else { return }
                wakeup.yield(nil)
            }
        }
        defer { poller.cancel() }
        await cancelWhenGracefulShutdown {
            for await change in self.wakeups {
                do {
                    if let (businessId, version) = change {
                        try await self.knowledge.catchUp(businessId: businessId, to: version)
                        self.behind.withLock { _ = $0.removeValue(forKey: businessId) }
                    } else {
                        try await self.poll()
                    }
                } catch {
                    self.logger.warning("knowledge sync failed; retrying at the next poll", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Compares every loaded business's version with the database and catches up those behind.
    public func poll(now: Date = Date()) async throws {
        let loaded = knowledge.loadedVersions()
        guard !loaded.isEmpty else { return }
        let stored = try await businesses.knowledgeVersions(ids: Array(loaded.keys))
        for (businessId, applied) in loaded {
            guard let version = stored[businessId] else { continue }
            if let applied, applied >= version {
                behind.withLock { _ = $0.removeValue(forKey: businessId) }
                continue
            }
            behind.withLock { if $0[businessId] == nil { $0[businessId] = now } }
            if try await knowledge.catchUp(businessId: businessId, to: version) {
                logger.info("knowledge index caught up by polling", metadata: ["business": "\(businessId)", "kb_version": "\(version)"])
            }
            if let applied = knowledge.appliedVersion(businessId: businessId), applied >= version {
                behind.withLock { _ = $0.removeValue(forKey: businessId) }
            }
        }
    }
}
