import Foundation

/// Limits on the calls FrontDesk places through its Twilio account, held across every node of one database.
/// Twilio admits an account's new calls at its calls-per-second rate (1 unless raised) and queues the excess on its
/// side; FrontDesk spaces its own requests instead, so what it dials is what Twilio starts, and caps how many of its
/// calls may be in progress at once.
public struct OutboundLimits: Sendable, Equatable {
    /// New calls per second for the whole account (Twilio's CPS). Env `FRONTDESK_OUTBOUND_CALLS_PER_SECOND`.
    public var callsPerSecond: Double
    /// Outbound calls in progress at once for the whole account (dialling, ringing or answered).
    /// Env `FRONTDESK_OUTBOUND_MAX_CONCURRENT_CALLS`.
    public var maxConcurrentCalls: Int

    public static let `default` = OutboundLimits(callsPerSecond: 1, maxConcurrentCalls: 10)
    public static let callsPerSecondRange: ClosedRange<Double> = 0.01...100
    public static let maxConcurrentCallsRange: ClosedRange<Int> = 1...1000

    /// A slot at most this far ahead is taken and waited for in the job; a later one is not taken, and the job goes
    /// back to the queue until then (it never holds a worker longer).
    public static let maximumWait: TimeInterval = 5
    /// How long a job that is at its concurrency limit waits in the queue before it asks again.
    public static let busyRetry: TimeInterval = 5
    /// A reservation whose call was never recorded stops counting after this (its node died while asking Twilio).
    public static let reservationLifetime: TimeInterval = 120
    /// An outbound call with no end stops counting after this (its final status callback never came).
    public static let callLifetime: TimeInterval = 4 * 3600
    /// How long FrontDesk lets an outbound call ring (Twilio's `Timeout`), in seconds.
    public static let ringTimeout = 30
    /// A call that never reported ringing or an answer (still `queued` or `initiated`) stops counting after this:
    /// twice the ring timeout plus 10 minutes, so a dial whose status callbacks never come frees its slot.
    public static let unansweredDialLifetime: TimeInterval = TimeInterval(2 * ringTimeout + 600)

    public init(callsPerSecond: Double, maxConcurrentCalls: Int) {
        self.callsPerSecond = callsPerSecond
        self.maxConcurrentCalls = maxConcurrentCalls
    }

    /// The rule both backends apply under their lock, from what they read there: `nextSlot` (the earliest time the
    /// next call may be dialled, nil before the first) and `inProgress` (outbound calls not ended plus reservations
    /// not yet turned into calls, each within its lifetime: ``reservationLifetime``, ``unansweredDialLifetime`` for a
    /// call never heard ringing, ``callLifetime`` for one that was). Returns the decision and, when a slot is taken,
    /// the next slot to store.
    public func decide(nextSlot: Date?, inProgress: Int, now: Date) -> (decision: DialDecision, nextSlot: Date?) {
        guard inProgress < maxConcurrentCalls else {
            return (.wait(until: now.addingTimeInterval(Self.busyRetry),
                          reason: "\(inProgress) outbound calls in progress, the limit is \(maxConcurrentCalls)"), nil)
        }
        let slot = max(nextSlot ?? now, now)
        guard slot.timeIntervalSince(now) <= Self.maximumWait else {
            return (.wait(until: slot.addingTimeInterval(-Self.maximumWait),
                          reason: "paced at \(callsPerSecond) calls per second"), nil)
        }
        return (.dial(at: slot), slot.addingTimeInterval(1 / callsPerSecond))
    }
}

/// What a `call.create` job may do now.
public enum DialDecision: Sendable, Equatable {
    /// Ask Twilio at `at` (now, or within ``OutboundLimits/maximumWait``); the slot is reserved for this request.
    case dial(at: Date)
    /// Nothing is reserved: go back to the queue until `until`.
    case wait(until: Date, reason: String)
}

/// The shared state behind ``OutboundLimits``: one pacing row (the next free slot) and the reservations of calls
/// being placed. `reserve` reads and writes under one lock, so two nodes never take the same slot or both take the
/// last concurrent call.
public protocol OutboundPacingRepository: Sendable {
    /// Decides for request `requestId` and, on `.dial`, stores its reservation and the next slot. Asking again for
    /// a request that holds a reservation gives its slot again without taking another.
    func reserve(requestId: String, limits: OutboundLimits, now: Date) async throws -> DialDecision

    /// The request's call was recorded (it now counts as in progress itself) or will never be: its reservation ends.
    func release(requestId: String) async throws
}

/// What both backends of ``OutboundPacingRepository`` share besides ``OutboundLimits/decide(nextSlot:inProgress:now:)``.
enum OutboundPacingRules {
    /// The pacing row: one Twilio account per deployment.
    static let account = "twilio"

    static func validate(requestId: String) throws {
        guard !requestId.isEmpty else { throw RepositoryError.invalid("a dial reservation needs a request id") }
    }
}
