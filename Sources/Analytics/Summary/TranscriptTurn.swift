/// One line of a call's transcript, as the summarizer needs it (the server builds it from a `call_turns` row
/// and the titles of the entries it cites).
public struct TranscriptTurn: Sendable, Equatable, Codable {
    /// Who spoke the turn.
    public enum Speaker: String, Sendable, Codable {
        case caller, receptionist
    }

    /// A knowledge entry an answer was drawn from.
    public struct CitedEntry: Sendable, Equatable, Codable {
        public var entryId: String
        /// The entry's title at the time of the summary (nil if the entry was since deleted).
        public var title: String?

        public init(entryId: String, title: String?) {
            self.entryId = entryId
            self.title = title
        }
    }

    public var speaker: Speaker
    /// The caller's words, or everything the receptionist said on the turn.
    public var text: String
    /// What happened: `started`, `speech`, `silence`, `transfer:<status>`, `hangup:<status>`.
    public var event: String
    /// Entries the receptionist's answer cited (receptionist turns that answered), in citation order.
    public var citations: [CitedEntry]
    /// The receptionist could not answer the caller's question from the knowledge base.
    public var declined: Bool
    /// Cosine similarity of the best passage when a question was answered or declined.
    public var answerConfidence: Double?
    /// The call's state after the turn (`CallState` raw value: `LEAD_CAPTURE`, `CONFIRMATION`, …), if known.
    public var state: String?

    public init(speaker: Speaker, text: String, event: String = "speech", citations: [CitedEntry] = [],
                declined: Bool = false, answerConfidence: Double? = nil, state: String? = nil) {
        self.speaker = speaker
        self.text = text
        self.event = event
        self.citations = citations
        self.declined = declined
        self.answerConfidence = answerConfidence
        self.state = state
    }
}
