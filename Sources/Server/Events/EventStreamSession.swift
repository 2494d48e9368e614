import Events
import Foundation
import ServiceLifecycle

/// One live reader of the log (`GET /v1/events/stream`): writes the stored events after its start position, then
/// each new one as it is committed, as Server-Sent Events, with a heartbeat comment when it has been quiet.
///
/// Woken by ``EventSignal`` (every commit in this process that appended events) and by a tick (events written by
/// another process, a missed wake-up, the heartbeat's clock); each wake-up reads the log from the session's own
/// position, so coalesced or missed wake-ups lose nothing. Ends when the task is cancelled (the client went away)
/// or the server shuts down gracefully.
struct EventStreamSession: Sendable {
    let log: any EventLog
    let signal: EventSignal
    let businessId: String
    let filter: EventFilter
    /// A comment line is written when nothing else was for this long.
    let heartbeat: Duration
    /// How often the log is read without a wake-up.
    let pollInterval: Duration
    /// Events read per query while catching up.
    static let batchSize = 500

    /// Streams from `after` (exclusive) until cancelled or shut down; returns the last event id written.
    @discardableResult
    func run(after: Int64, write: (String) async throws -> Void) async throws -> Int64 {
        let (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let subscription = signal.subscribe()
        defer { signal.unsubscribe(subscription.id) }
        // Ticks come often enough for both the poll and a heartbeat that is never late by more than one tick.
        let tick = min(pollInterval, heartbeat / 2)
        let clock = ContinuousClock()
        var position = after

        try await withTaskCancellationOrGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in subscription.wakeups { wake.yield() }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: tick, clock: clock)
                        wake.yield()
                    }
                }
                defer { group.cancelAll() }
                var lastWrite = clock.now
                var iterator = wakeups.makeAsyncIterator()
                repeat {
                    if Task.isCancelled || Task.isShuttingDownGracefully { break }
                    while true {
                        let batch = try await log.events(filter.query(businessId: businessId, after: position, limit: Self.batchSize))
                        for event in batch {
                            try await write(Self.frame(event))
                            position = event.id
                            lastWrite = clock.now
                        }
                        if batch.count < Self.batchSize { break }
                    }
                    // Would the next tick find the stream quiet for longer than `heartbeat`? Then speak now.
                    if clock.now - lastWrite + tick > heartbeat {
                        try await write(Self.heartbeatComment)
                        lastWrite = clock.now
                    }
                } while await iterator.next() != nil
            }
        } onCancelOrGracefulShutdown: {
            wake.finish()
        }
        return position
    }

    /// `id:`, `event:` and one `data:` line (the event's JSON, which holds no line break), then a blank line.
    static func frame(_ event: StoredEvent) -> String {
        "id: \(event.id)\nevent: \(event.type.rawValue)\ndata: \(EventView(event).json())\n\n"
    }

    static let heartbeatComment = ": heartbeat\n\n"
}
