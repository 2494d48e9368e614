/// Where a call is in the receptionist's conversation. Stored with the call, so a call survives a restart between
/// two turns; the raw values are what `GET /v1/calls` shows.
public enum CallState: String, Codable, Sendable, CaseIterable {
    /// Answered, greeting not yet spoken.
    case greeting = "GREETING"
    /// Greeted; waiting for what the caller wants.
    case intent = "INTENT"
    /// A question was answered (or declined); waiting for a follow-up or for the reply to an offer.
    case faq = "FAQ"
    /// The caller wants a visit or appointment; waiting for a preferred day and time.
    case bookingRequest = "BOOKING_REQUEST"
    /// The call is being dialled through to the business; waiting for `<Dial>` to finish.
    case transferAttempt = "TRANSFER_ATTEMPT"
    /// Taking the caller's details (name, callback number, address, message) one field at a time.
    case leadCapture = "LEAD_CAPTURE"
    /// Details read back; waiting for "yes" or a correction.
    case confirmation = "CONFIRMATION"
    /// The caller's need is handled; waiting for "anything else?".
    case wrapUp = "WRAP_UP"
    /// Hung up (by either side). No event changes it any more.
    case ended = "ENDED"
}

/// How a finished call went, in priority order: an emergency call is an emergency even if a lead was taken.
public enum CallOutcome: String, Codable, Sendable, CaseIterable {
    case emergency
    case transferred
    case booked
    case leadCaptured = "lead_captured"
    case answeredQuestion = "answered_question"
    case abandoned
}
