/// What the server must do after an event. Speech and call control become TwiML (`CallResponse`); the rest are
/// records the server stores in the same transaction as the turn.
public enum CallAction: Sendable, Equatable {
    /// Speak a line.
    case say(String)
    /// Speak an answer drawn from the knowledge base (the server may re-phrase it with an LLM, from the same
    /// passages), citing its sources.
    case answer(SpokenAnswer, question: String)
    /// Listen for the caller's next words (`<Gather input="speech">`).
    case listen
    /// Transfer the call to a number (`<Dial>`).
    case dial(String)
    /// End the call.
    case hangUp
    /// A question the knowledge base could not answer well enough: a knowledge gap to report.
    case declined(question: String, bestSimilarity: Double?)
    /// Mark the call as an emergency.
    case flagEmergency(EmergencyMatch)
    /// Store the caller's details as a lead.
    case saveLead(LeadDraft)
    /// Book this appointment for the caller (the server checks the booking rules again; when the slot is gone it
    /// sends `.slotTaken` instead of this turn).
    case book(BookingInterval, LeadDraft)
    /// Queue a text to the owner.
    case alertOwner(OwnerAlert)
    /// Open this maintenance ticket (the caller confirmed the read-back; `CallPolicy.maintenanceIntake`). The
    /// server stores it and starts the booking loop; the caller has been told a vendor will be arranged and a text
    /// will follow.
    case openTicket(TicketDraft)
}

/// A message for the business owner (sent by SMS by the server).
public struct OwnerAlert: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case emergency, newLead = "new_lead" }
    public var kind: Kind
    /// The caller's number to ring back, when known.
    public var callbackNumber: String?
    /// One line the owner reads on their phone.
    public var message: String

    public init(kind: Kind, callbackNumber: String?, message: String) {
        self.kind = kind
        self.callbackNumber = callbackNumber
        self.message = message
    }
}
