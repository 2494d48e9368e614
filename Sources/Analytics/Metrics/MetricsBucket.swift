import Foundation

/// The metrics of the calls that started in one bucket (a local day or hour of the business).
///
/// Rates and statistics are nil when there is nothing to compute them from, never 0 — a chart can tell "none"
/// from "zero". Quantiles are nearest-rank (see ``Quantiles``): always one of the observed values.
public struct MetricsBucket: Sendable, Equatable, Codable {
    /// Calls per outcome. Calls still in progress have no outcome and are counted in ``MetricsBucket/inProgress``.
    public struct OutcomeCounts: Sendable, Equatable, Codable {
        public var emergency = 0
        public var transferred = 0
        public var booked = 0
        public var leadCaptured = 0
        public var answeredQuestion = 0
        public var abandoned = 0

        public init() {}

        public subscript(outcome: CallOutcomeKind) -> Int {
            get {
                switch outcome {
                case .emergency: emergency
                case .transferred: transferred
                case .booked: booked
                case .leadCaptured: leadCaptured
                case .answeredQuestion: answeredQuestion
                case .abandoned: abandoned
                }
            }
            set {
                switch outcome {
                case .emergency: emergency = newValue
                case .transferred: transferred = newValue
                case .booked: booked = newValue
                case .leadCaptured: leadCaptured = newValue
                case .answeredQuestion: answeredQuestion = newValue
                case .abandoned: abandoned = newValue
                }
            }
        }
    }

    /// First instant of the bucket (local midnight or the top of a local hour).
    public var start: Date
    /// First instant after it: `end − start` is 86,400 s on most days, 82,800 or 90,000 s on a DST change.
    public var end: Date
    public var granularity: MetricsGranularity
    /// Calls that started in the bucket.
    public var calls = 0
    /// Calls in which the caller said something: the receptionist picked up (every stored call) and the caller
    /// spoke at least one turn with words (``CallFact/callerTurns`` ≥ 1). Silent calls and hang-ups during the
    /// greeting are not answered.
    public var answered = 0
    /// Calls without an outcome yet.
    public var inProgress = 0
    /// Calls flagged as emergencies (the flag, whatever the outcome).
    public var emergencies = 0
    public var outcomes = OutcomeCounts()
    /// Calls with a duration (the mean and quantiles are over these).
    public var durationCount = 0
    /// Mean call duration, in seconds.
    public var durationMeanSeconds: Double?
    public var durationP50Seconds: Double?
    public var durationP90Seconds: Double?
    public var transferAttempts = 0
    public var transfersConnected = 0
    /// `transfersConnected / transferAttempts`; nil without attempts.
    public var transferSuccessRate: Double?
    public var questionsAnswered = 0
    public var questionsDeclined = 0
    /// `questionsAnswered / (questionsAnswered + questionsDeclined)`; nil without questions.
    public var knowledgeAnswerRate: Double?
    /// Calls with a sentiment score.
    public var sentimentCount = 0
    /// Mean of the scored calls' sentiment; nil when none was scored.
    public var sentimentMean: Double?
    /// Receptionist turns with a server latency.
    public var latencyCount = 0
    /// Server turn latency, in milliseconds.
    public var latencyP50Ms: Double?
    public var latencyP95Ms: Double?

    public init(start: Date, end: Date, granularity: MetricsGranularity) {
        self.start = start
        self.end = end
        self.granularity = granularity
    }
}
