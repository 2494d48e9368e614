import Events
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Runs the consumers: a `Service` that, for each consumer, reads the log after its checkpoint, hands it the events
/// it wants, and moves the checkpoint. Woken by every commit that appends events (``EventSignal``) and by a poll,
/// so an event is seen even if a wake-up was missed (another process wrote it).
public final class EventConsumerRunner: Service, Sendable {
    let log: any EventLog
    let consumers: [any EventConsumer]
    let signal: EventSignal
    let logger: Logger
    let metrics: any MetricsFactory
    let pollInterval: Duration
    /// Whether this node runs the consumers now (several nodes: only the leader does; see ``LeaderElection``).
    let isActive: @Sendable () -> Bool
    /// Events read per pass of one consumer.
    static let batchSize = 200
    /// How long a consumer waits after a wake-up before reading, so one read covers a burst of commits (an owner
    /// alert goes out at most this much later).
    static let coalesceInterval: Duration = .milliseconds(100)

    public init(log: any EventLog, consumers: [any EventConsumer], signal: EventSignal, logger: Logger,
                metrics: any MetricsFactory, pollInterval: Duration = .seconds(1),
                isActive: @escaping @Sendable () -> Bool = { true }) {
        self.isActive = isActive
        self.log = log
        self.consumers = consumers
        self.signal = signal
        self.logger = logger
        self.metrics = metrics
        self.pollInterval = pollInterval
    }

    public func consumer(named name: String) -> (any EventConsumer)? {
        consumers.first { $0.name == name }
    }

    public func run() async throws {
        // Every registered consumer holds a checkpoint row from its first start, so `prune` never deletes events a
        // consumer that has not run yet still has to see.
        for consumer in consumers { try await log.advanceCheckpoint(consumer: consumer.name, to: 0) }
        // One task per consumer: a consumer with a backlog (or slow effects) never holds another back.
        await withTaskGroup(of: Void.self) { group in
            for consumer in consumers {
                group.addTask { await self.follow(consumer) }
            }
        }
    }

    /// Drains `consumer` after every commit that appended events and at every poll, until shutdown.
    private func follow(_ consumer: any EventConsumer) async {
        let (id, wakeups) = signal.subscribe()
        defer { signal.unsubscribe(id) }
        await withGracefulShutdownHandler {
            var iterator = wakeups.makeAsyncIterator()
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                do {
                    if isActive() {
                        _ = try await drain(consumer)
                    } else {
                        // Another node drains while this one is not the leader: when this one takes over, it starts
                        // from the stored checkpoint, not from where it once was.
                        forget(consumer.name)
                    }
                } catch {
                    logger.error("event consumer failed; it retries from its checkpoint", metadata: [
                        "consumer": "\(consumer.name)", "error": "\(error)"])
                }
                let timer = Task { [pollInterval, signal] in
                    // Cancelled (woken by a commit first): nothing to do — a cancelled sleep returns at once.
                    guard (try? await Task.sleep(for: pollInterval)) != nil else { return }
                    signal.signal(id)
                }
                _ = await iterator.next()
                timer.cancel()
                // Let a burst of commits gather: under 100 concurrent calls a commit lands every few ms, and a drain
                // per commit would put three consumers' reads beside every caller's turn on two cores.
                if !Task.isShuttingDownGracefully { try? await Task.sleep(for: Self.coalesceInterval) }
            }
        } onGracefulShutdown: { [signal] in
            signal.signal()
        }
    }

    /// One pass over every consumer until each has caught up with the log (tests call this instead of running the
    /// service). Errors are logged; the consumer tries again from its checkpoint on the next pass.
    @discardableResult
    public func drainAll() async -> Int {
        var handled = 0
        for consumer in consumers {
            do {
                handled += try await drain(consumer)
            } catch {
                logger.error("event consumer failed; it retries from its checkpoint", metadata: [
                    "consumer": "\(consumer.name)", "error": "\(error)"])
            }
        }
        return handled
    }

    /// Hands `consumer` every event after its checkpoint, moving the checkpoint after each batch (and before a
    /// failing event, so the events before it are not handed again). Returns how many events it handled.
    public func drain(_ consumer: any EventConsumer) async throws -> Int {
        // The stored checkpoint is read once; later passes go on from where the previous one stopped, which may be
        // ahead of the stored checkpoint by up to a second of events of other types (a restart hands those again,
        // to no effect).
        let known = positions.withLock { $0[consumer.name] }
        var position: Int64
        var written: Int64
        if let known {
            (position, written) = (known.read, known.written)
        } else {
            position = try await log.checkpoint(consumer: consumer.name)
            written = position
        }
        var handled = 0
        while true {
            let batch = try await log.events(EventQuery(businessId: nil, after: position, limit: Self.batchSize))
            guard let last = batch.last else { break }
            var handledHere = 0
            for event in batch where consumer.types.contains(event.type) {
                do {
                    try await deliver(event, to: consumer)
                    handled += 1
                    handledHere += 1
                } catch {
                    // Keep what was handled; this event is handed again on the next pass, which reads the
                    // checkpoint again.
                    forget(consumer.name)
                    if event.id - 1 > written { try await log.advanceCheckpoint(consumer: consumer.name, to: event.id - 1) }
                    throw error
                }
            }
            position = last.id
            // A batch the consumer acted on moves its checkpoint at once (it bounds what a crash hands again); one of
            // other types only at most once a second — each write is an fsync on the one writer, ahead of callers'
            // turns, and handing those events again would do nothing anyway.
            if handledHere > 0 || shouldPersist(consumer.name) {
                try await log.advanceCheckpoint(consumer: consumer.name, to: position)
                written = position
                lastWrites.withLock { $0[consumer.name] = .now }
            }
            // A short batch is the end of the log: no need to ask again.
            if batch.count < Self.batchSize { break }
        }
        if position > written, shouldPersist(consumer.name) {
            try await log.advanceCheckpoint(consumer: consumer.name, to: position)
            written = position
        }
        positions.withLock { $0[consumer.name] = Position(read: position, written: written) }
        return handled
    }

    /// Where each consumer's last pass stopped (`read`) and what its stored checkpoint is (`written`).
    private struct Position { var read: Int64; var written: Int64 }
    private let positions = Mutex<[String: Position]>([:])

    /// The next pass of `name` reads its stored checkpoint again.
    private func forget(_ name: String) {
        _ = positions.withLock { $0.removeValue(forKey: name) }
    }

    /// When each consumer's checkpoint was last written (in memory; a restart writes at its first pass).
    private let lastWrites = Mutex<[String: ContinuousClock.Instant]>([:])
    static let checkpointInterval: Duration = .seconds(1)

    private func shouldPersist(_ name: String) -> Bool {
        guard let last = lastWrites.withLock({ $0[name] }) else { return true }
        return ContinuousClock.now - last >= Self.checkpointInterval
    }

    /// Re-delivers the consumer's events with ids in `after+1 ... through` (through: its checkpoint by default),
    /// without moving its checkpoint. Handlers are idempotent, so the result equals the first delivery.
    public func replay(consumer: any EventConsumer, after: Int64, through: Int64? = nil) async throws -> Int {
        var end = through ?? 0
        if through == nil { end = try await log.checkpoint(consumer: consumer.name) }
        var position = after
        var handled = 0
        while position < end {
            let batch = try await log.events(EventQuery(businessId: nil, after: position, limit: Self.batchSize))
            guard let last = batch.last else { break }
            for event in batch where event.id <= end && consumer.types.contains(event.type) {
                try await deliver(event, to: consumer)
                handled += 1
            }
            position = last.id
        }
        return handled
    }

    private func deliver(_ event: StoredEvent, to consumer: any EventConsumer) async throws {
        do {
            try await consumer.handle(event)
            Counter(label: AppMetrics.Name.eventsHandled, dimensions: [("consumer", consumer.name), ("result", "done")],
                    factory: metrics).increment()
        } catch let error as UnhandleableEvent {
            Counter(label: AppMetrics.Name.eventsHandled, dimensions: [("consumer", consumer.name), ("result", "skipped")],
                    factory: metrics).increment()
            logger.error("event skipped: it cannot be handled", metadata: [
                "consumer": "\(consumer.name)", "event": "\(event.id)", "type": "\(event.type.rawValue)", "error": "\(error)"])
        } catch {
            Counter(label: AppMetrics.Name.eventsHandled, dimensions: [("consumer", consumer.name), ("result", "error")],
                    factory: metrics).increment()
            throw error
        }
    }
}
