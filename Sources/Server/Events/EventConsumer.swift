import Events

/// Something that reacts to events: owner alerts, the post-call summary, reminder timers … Adding a module that
/// reacts to calls means adding a consumer, nothing else.
///
/// Delivery is at least once: the runner hands each event of `types` after the consumer's durable checkpoint to
/// `handle`, and moves the checkpoint only after `handle` returns, so an event handled just before a crash is
/// handed again after restart. Handlers are therefore idempotent by event id: whatever they write is keyed by the
/// event (or by the thing it is about — a job's unique key, an alert's id), so a second delivery changes nothing.
public protocol EventConsumer: Sendable {
    /// Stable name: the checkpoint's key, and what `frontdesk events replay --consumer` takes.
    var name: String { get }
    /// The event types it handles; the others move its checkpoint without a call.
    var types: Set<EventType> { get }
    func handle(_ event: StoredEvent) async throws
}

/// A handler's verdict that the event can never be handled (a payload it cannot decode): it is logged and
/// skipped instead of blocking the consumer.
public struct UnhandleableEvent: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
