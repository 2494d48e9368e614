/// A call's last applied status and the highest `SequenceNumber` applied with it, deciding whether the next
/// status callback moves the call on.
///
/// Twilio may deliver status callbacks out of order (they are separate HTTP requests, each retried on its own).
/// Callbacks requested with `StatusCallbackEvent` carry `SequenceNumber`, counting up from 0 per call; others
/// (the inbound call's own status callback, a webhook's `CallStatus`) carry none. The rules, in order:
///
/// 1. A terminal status is final: nothing replaces it, not even another terminal status (``Decision/ignoreTerminal``).
/// 2. When both the stored and the incoming callback have a sequence number, an incoming number lower than or
///    equal to the stored one is stale (``Decision/ignoreStale``).
/// 3. Whatever the sequence numbers say, the status never moves backwards by ``CallStatus/rank`` (a lower rank
///    is stale too): sequence numbers and status-only updates can interleave, so rank is the common ground.
/// 4. Otherwise the update applies; the stored sequence number becomes the incoming one when it has one.
///
/// An update of the same status with a newer sequence number applies (only the sequence number changes).
public struct CallStatusProgress: Sendable, Equatable, Codable {
    public private(set) var status: CallStatus
    /// The highest `SequenceNumber` applied so far; nil until a callback that carries one is applied.
    public private(set) var lastSequenceNumber: Int?

    public init(status: CallStatus, lastSequenceNumber: Int? = nil) {
        self.status = status
        self.lastSequenceNumber = lastSequenceNumber
    }

    /// What to do with one incoming status callback.
    public enum Decision: Sendable, Equatable {
        /// Store this progress (its status may equal the old one when only the sequence number moved).
        case apply(CallStatusProgress)
        /// Older news than what is stored: a lower or equal sequence number, or a lower status rank.
        case ignoreStale
        /// The call already ended; its final status stays.
        case ignoreTerminal
    }

    /// Decides about a callback reporting `incoming` with Twilio's `SequenceNumber` (nil when it sent none).
    public func decide(_ incoming: CallStatus, sequenceNumber: Int?) -> Decision {
        if status.isTerminal { return .ignoreTerminal }
        if let sequenceNumber, let lastSequenceNumber, sequenceNumber <= lastSequenceNumber { return .ignoreStale }
        if incoming.rank < status.rank { return .ignoreStale }
        return .apply(CallStatusProgress(status: incoming, lastSequenceNumber: sequenceNumber ?? lastSequenceNumber))
    }

    /// ``decide(_:sequenceNumber:)``, storing the result when it applies.
    @discardableResult
    public mutating func update(_ incoming: CallStatus, sequenceNumber: Int?) -> Decision {
        let decision = decide(incoming, sequenceNumber: sequenceNumber)
        if case .apply(let next) = decision { self = next }
        return decision
    }
}
