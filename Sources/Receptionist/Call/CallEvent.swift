/// Something that happened on the call, as the server learned it from Twilio.
public enum CallEvent: Sendable, Equatable {
    /// The call was answered (`/twilio/voice`).
    case started
    /// The caller said something (`/twilio/gather` with a `SpeechResult`).
    case heard(Utterance)
    /// `<Gather>` ended without speech.
    case silence
    /// `<Dial>` finished (`/twilio/transfer-status`).
    case transferEnded(TransferResult)
    /// The call is over (`/twilio/call-status` completed, busy, failed …).
    case hungUp
    /// The slot the caller agreed to could not be booked after all (taken meanwhile): sent instead of the turn
    /// that asked to book it, to the machine as it was before that turn.
    case slotTaken
}

/// The caller's words on one turn, with what the knowledge base returned for them when the machine asked for a
/// lookup (`CallMachine.knowledgeQuery(for:policy:)`).
public struct Utterance: Sendable, Equatable {
    public var text: String
    /// Twilio's speech-recognition confidence (0…1), when it sent one.
    public var confidence: Double?
    /// Retrieved passages, best first; nil when no lookup was made.
    public var passages: [Passage]?

    public init(text: String, confidence: Double? = nil, passages: [Passage]? = nil) {
        self.text = text
        self.confidence = confidence
        self.passages = passages
    }
}

/// How a `<Dial>` transfer ended (Twilio's `DialCallStatus`).
public enum TransferResult: String, Codable, Sendable, CaseIterable {
    case completed, answered, busy, noAnswer = "no-answer", failed, canceled

    /// Whether somebody at the business picked up.
    public var connected: Bool { self == .completed || self == .answered }
}
