import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Which node runs the work that must run on exactly one node at a time — the periodic tasks and the event
/// consumers — with a lease row in the shared database: the holder renews it every `renewEvery`; when the holder
/// dies (or loses the database) its lease runs out after `ttl` and another node takes it over. A node that cannot
/// renew stops acting as leader before its lease can have passed to another node.
///
/// With SQLite there is one process, which always wins the lease.
public final class LeaderElection: Service, Sendable {
    public static let leaseName = "leader"
    let leases: any LeaseRepository
    /// This node, as the lease records it (host, process and a random part).
    public let holder: String
    let ttl: Duration
    let renewEvery: Duration
    let logger: Logger
    private let state = Mutex<(leader: Bool, confirmedAt: ContinuousClock.Instant?)>((false, nil))

    public init(leases: any LeaseRepository, ttl: Duration = .seconds(15), renewEvery: Duration = .seconds(5),
                logger: Logger) {
        self.leases = leases
        holder = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8).lowercased())"
        self.ttl = ttl
        self.renewEvery = renewEvery
        self.logger = logger
    }

    /// Whether this node holds the lease now (and confirmed it recently enough that no other node can hold it).
    public var isLeader: Bool {
        state.withLock { state in
            guard state.leader, let confirmed = state.confirmedAt else { return false }
            // Stop one renewal short of the lease's end: by then another node may legitimately take over.
            return ContinuousClock.now - confirmed < ttl - renewEvery
        }
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                await self.renew()
                try? await Task.sleep(for: self.renewEvery)
            }
        } onGracefulShutdown: {}
        if state.withLock({ $0.leader }) {
            try? await leases.release(name: Self.leaseName, holder: holder)
            state.withLock { $0 = (false, nil) }
            logger.info("leader lease released", metadata: ["holder": "\(holder)"])
        }
    }

    /// One attempt to take or renew the lease.
    public func renew() async {
        let started = ContinuousClock.now
        do {
            let won = try await leases.acquire(name: Self.leaseName, holder: holder, ttl: ttl, now: Date())
            let was = state.withLock { state -> Bool in
                let was = state.leader
                state = (won, won ? started : nil)
                return was
            }
            if won != was {
                logger.notice(won ? "this node is now the leader (periodic work, event consumers)" : "this node is no longer the leader",
                              metadata: ["holder": "\(holder)"])
            }
        } catch {
            // Keep the last confirmation: `isLeader` turns false by itself once it is too old.
            logger.warning("could not renew the leader lease", metadata: ["error": "\(error)"])
        }
    }
}
