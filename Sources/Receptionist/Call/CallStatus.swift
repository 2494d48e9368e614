/// Twilio's `CallStatus`: where a call is in its life, as the Call resource and its status callbacks say it.
///
/// An outbound call moves `queued → initiated → ringing → in-progress` and ends in one of the terminal
/// statuses; an inbound call starts at `ringing`. Terminal statuses are final: Twilio never reports a call
/// coming back from one.
public enum CallStatus: String, Codable, Sendable, CaseIterable {
    case queued, initiated, ringing
    case inProgress = "in-progress"
    case completed, busy, failed
    case noAnswer = "no-answer"
    case canceled

    /// The call is over: completed, busy, failed, no-answer or canceled.
    public var isTerminal: Bool { rank == Self.terminalRank }

    /// How far along the call is: queued 0, initiated 1, ringing 2, in-progress 3, every terminal status 4.
    /// Terminal statuses share a rank because none of them follows another.
    public var rank: Int {
        switch self {
        case .queued: 0
        case .initiated: 1
        case .ringing: 2
        case .inProgress: 3
        case .completed, .busy, .failed, .noAnswer, .canceled: Self.terminalRank
        }
    }

    private static let terminalRank = 4
}
