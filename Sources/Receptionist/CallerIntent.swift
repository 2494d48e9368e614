import Foundation

/// What a caller's utterance asks the receptionist to do, as read by ``IntentClassifier``.
public enum CallerIntent: String, Sendable, Codable, CaseIterable {
    /// Asks something ("do you do boiler repairs", "what are your hours"); also any substantive utterance
    /// that is none of the others, because the receptionist answers it from the business's knowledge.
    case question
    /// Wants an appointment, a visit, someone to come out, a quote visit.
    case booking
    /// Wants a person: "talk to someone", "operator", "representative", "transfer me".
    case humanRequest
    /// Wants to leave a message or be called back.
    case leaveMessage
    /// Ends the call: "that's all", "bye", "nothing else".
    case goodbye
    /// Says yes: "yes", "that's right", "sounds good".
    case affirm
    /// Says no or corrects: "no", "that's wrong", "incorrect".
    case deny
    /// Nothing to act on: silence, filler ("um"), a bare "hello?".
    case unclear
}
