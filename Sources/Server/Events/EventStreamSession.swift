import Events
import Foundation
import ServiceLifecycle

/// One live reader of the log (`GET /v1/events/stream`, `GET /v1/calls/{sid}/live`): writes the stored events
/// after its start position, then each new one as it is committed, as Server-Sent Events, with a heartbeat comment
/// when it has been quiet.
///
/// Woken by ``EventSignal`` (every commit in this process that appended events) and by a tick (events written by
/// another process, a missed wake-up, the heartbeat's clock); each wake-up reads the log from the session's own
/// position, so coalesced or missed wake-ups lose nothing. Ends when the task is cancelled (the client went away),
/// the server shuts down gracefully, or it has written an event of one of its ``endTypes`` (the watched call's
/// `call.ended`).
///
/// A watch of one thing (a call; later a campaign) starts with a ``snapshot(_:)`` of it, taken at a log position
/// the session then continues from, so the snapshot and the events after it neither overlap nor leave a gap.
struct EventStreamSession: Sendable {
    let log: any EventLog
    let signal: EventSignal
    let businessId: String
    let filter: EventFilter
    /// A comment line is written when nothing else was for this long.
    let heartbeat: Duration
    /// How often the log is read without a wake-up.
    let pollInterval: Duration
    /// The stream ends after it has written an event of one of these types (they must pass `filter`); empty: it
    /// runs until the client goes or the server stops.
    var endTypes: Set<EventType> = []
    /// Events read per query while catching up.
    static let batchSize = 500
    /// How often ``snapshot(_:)`` reads again when the watched events keep moving under it.
    static let snapshotAttempts = 10

    /// Streams from `after` (exclusive) until cancelled, shut down, or an end event was written; returns the last
    /// event id written (or `after`).
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
                reading: repeat {
                    if Task.isCancelled || Task.isShuttingDownGracefully { break }
                    while true {
                        let batch = try await log.events(filter.query(businessId: businessId, after: position, limit: Self.batchSize))
                        for event in batch {
                            try await write(Self.frame(event))
                            position = event.id
                            lastWrite = clock.now
                            if endTypes.contains(event.type) { break reading }
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

    /// Whether an event of ``endTypes`` is at or before `position`: a watch resumed after its end has nothing
    /// more to send.
    func hasEnded(at position: Int64) async throws -> Bool {
        guard !endTypes.isEmpty else { return false }
        var ends = filter
        ends.types = filter.types.map { $0.intersection(endTypes) } ?? endTypes
        guard let first = try await log.events(ends.query(businessId: businessId, after: 0, limit: 1)).first else { return false }
        return first.id <= position
    }

    /// `read`'s value (what the watched thing looks like now) and the log position it is exactly as of: every
    /// event of this session's filter up to the position is reflected in it, none after. Continue with
    /// `run(after: position)`.
    ///
    /// Events commit in id order on both backends (one SQLite writer; an advisory lock on PostgreSQL) and in the
    /// transaction of the rows they describe, so the newest id read before `read` starts is such a position
    /// unless a watched event committed while `read` ran — then it is read again.
    /// - Throws: 503 `snapshot_unavailable` when the watched events moved during each of ``snapshotAttempts`` reads.
    func snapshot<Value>(_ read: () async throws -> Value) async throws -> (value: Value, position: Int64) {
        for _ in 0..<Self.snapshotAttempts {
            let position = try await log.lastEventId()
            let value = try await read()
            let moved = try await log.events(filter.query(businessId: businessId, after: position, limit: 1))
            if moved.isEmpty { return (value, position) }
        }
        throw AppError(.serviceUnavailable, code: "snapshot_unavailable",
                       message: "the watched events kept changing while the snapshot was read; try again")
    }

    /// `id:`, `event:` and one `data:` line (the event's JSON, which holds no line break), then a blank line.
    static func frame(_ event: StoredEvent) -> String {
        frame(id: event.id, event: event.type.rawValue, data: EventView(event).json())
    }

    /// A frame of something other than a stored event (a snapshot): `data` must be JSON on one line; `id` is the
    /// log position to resume after.
    static func frame(id: Int64, event: String, data: String) -> String {
        "id: \(id)\nevent: \(event)\ndata: \(data)\n\n"
    }

    static let heartbeatComment = ": heartbeat\n\n"
}
