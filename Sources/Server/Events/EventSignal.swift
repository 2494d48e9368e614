import Synchronization

/// Wakes whatever waits for new events — the consumers, live SSE streams — when a transaction that appended events
/// commits. Signals coalesce: a subscriber that is busy sees one wake-up for any number of commits, then reads the
/// log from its own position, so nothing is lost by coalescing.
public final class EventSignal: Sendable {
    private struct State {
        var nextId = 0
        var subscribers: [Int: AsyncStream<Void>.Continuation] = [:]
    }
    private let state = Mutex(State())

    public init() {}

    /// A stream that yields after each commit that appended events (at most one pending wake-up). Finish it with
    /// ``unsubscribe(_:)``.
    public func subscribe() -> (id: Int, wakeups: AsyncStream<Void>) {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { state in
            let id = state.nextId
            state.nextId += 1
            state.subscribers[id] = continuation
            return id
        }
        return (id, stream)
    }

    public func unsubscribe(_ id: Int) {
        let continuation = state.withLock { $0.subscribers.removeValue(forKey: id) }
        continuation?.finish()
    }

    /// Wakes one subscriber (its own poll), not the others.
    public func signal(_ id: Int) {
        let continuation = state.withLock { $0.subscribers[id] }
        continuation?.yield()
    }

    /// Called after a commit that appended events.
    public func signal() {
        let continuations = state.withLock { Array($0.subscribers.values) }
        for continuation in continuations { continuation.yield() }
    }
}
