/// Everything the summarizer reads about one finished call: values in, so the server's records stay in Server.
public struct CallTranscript: Sendable, Equatable, Codable {
    /// How a transfer to a person ended, when one was attempted.
    public enum Transfer: Sendable, Equatable, Codable {
        /// Somebody at the business picked up.
        case connected
        /// Busy, no answer, failed or canceled: Twilio's `DialCallStatus`.
        case notConnected(status: String)
    }

    /// The business's display name ("Brightwater Plumbing").
    public var businessName: String
    /// The transcript in order.
    public var turns: [TranscriptTurn]
    /// The call's outcome; nil while the call has not ended.
    public var outcome: CallOutcomeKind?
    /// The call was flagged as an emergency.
    public var isEmergency: Bool
    /// The emergency's category (`gas_leak`, `flooding`, …) when flagged.
    public var emergencyCategory: String?
    /// The details the caller left, if any (the server keeps partial details when a caller hangs up).
    public var lead: LeadDetails?
    /// The transfer, if one was attempted.
    public var transfer: Transfer?

    public init(businessName: String, turns: [TranscriptTurn], outcome: CallOutcomeKind?, isEmergency: Bool = false,
                emergencyCategory: String? = nil, lead: LeadDetails? = nil, transfer: Transfer? = nil) {
        self.businessName = businessName
        self.turns = turns
        self.outcome = outcome
        self.isEmergency = isEmergency
        self.emergencyCategory = emergencyCategory
        self.lead = lead
        self.transfer = transfer
    }
}
