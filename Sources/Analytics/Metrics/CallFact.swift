import Foundation

/// What the metrics need to know about one call: one row the server reads per call (from `calls` with counts
/// over `call_turns`), so a rollup never holds transcripts.
public struct CallFact: Sendable, Equatable, Codable {
    /// When the call came in. Decides the call's bucket; everything about the call (its turns' latencies too)
    /// counts in that bucket, even if the call runs past midnight.
    public var startedAt: Date
    /// Twilio's `CallDuration`, in seconds; nil while the call has not ended.
    public var durationSeconds: Double?
    /// How the call ended; nil while it has not.
    public var outcome: CallOutcomeKind?
    /// The call was flagged as an emergency.
    public var isEmergency: Bool
    /// Caller turns with words in them (`call_turns` with speaker `caller`, event `speech`). Decides
    /// ``MetricsBucket/answered``.
    public var callerTurns: Int
    /// Questions answered from the knowledge base (receptionist turns with citations).
    public var questionsAnswered: Int
    /// Questions the receptionist declined (receptionist turns with `declined`).
    public var questionsDeclined: Int
    /// A transfer to a person was dialled.
    public var transferAttempted: Bool
    /// Somebody at the business picked up.
    public var transferConnected: Bool
    /// The call's sentiment, if it was scored (any scale; the bucket reports the mean).
    public var sentiment: Double?
    /// Server time per receptionist turn, in milliseconds.
    public var turnLatenciesMs: [Double]

    public init(startedAt: Date, durationSeconds: Double? = nil, outcome: CallOutcomeKind? = nil,
                isEmergency: Bool = false, callerTurns: Int = 0, questionsAnswered: Int = 0, questionsDeclined: Int = 0,
                transferAttempted: Bool = false, transferConnected: Bool = false, sentiment: Double? = nil,
                turnLatenciesMs: [Double] = []) {
        self.startedAt = startedAt
        self.durationSeconds = durationSeconds
        self.outcome = outcome
        self.isEmergency = isEmergency
        self.callerTurns = callerTurns
        self.questionsAnswered = questionsAnswered
        self.questionsDeclined = questionsDeclined
        self.transferAttempted = transferAttempted
        self.transferConnected = transferConnected
        self.sentiment = sentiment
        self.turnLatenciesMs = turnLatenciesMs
    }
}
