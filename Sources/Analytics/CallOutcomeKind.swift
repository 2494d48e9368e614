/// How a finished call went, as Analytics sees it. The raw values are the strings stored in `calls.outcome`
/// (the receptionist's own `CallOutcome`, which Analytics does not import), listed in the receptionist's
/// priority order: an emergency call is an emergency even if a lead was taken.
public enum CallOutcomeKind: String, Sendable, Codable, CaseIterable, Hashable {
    case emergency
    case transferred
    case booked
    case leadCaptured = "lead_captured"
    case answeredQuestion = "answered_question"
    case abandoned
}
