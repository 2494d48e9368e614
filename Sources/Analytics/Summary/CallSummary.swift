/// A post-call summary: why they called, what was answered from which entries, what could not be answered,
/// how it ended, the caller's details and whether the owner needs to do something. Built by ``CallSummarizer``.
public struct CallSummary: Sendable, Equatable, Codable {
    /// A question the receptionist answered, with the knowledge entries the answer came from.
    public struct AnsweredQuestion: Sendable, Equatable, Codable {
        /// The caller's words, cleaned (see ``CallSummarizer/clean(_:)``).
        public var question: String
        /// Cited entries, in citation order, without repeats.
        public var entryIds: [String]
        /// Their titles, aligned with `entryIds` (an entry without a title shows its id).
        public var entryTitles: [String]

        public init(question: String, entryIds: [String], entryTitles: [String]) {
            self.question = question
            self.entryIds = entryIds
            self.entryTitles = entryTitles
        }
    }

    /// Why the owner should act on a call.
    public enum FollowUpReason: String, Sendable, Codable, CaseIterable {
        /// The caller reported an emergency.
        case emergency
        /// The caller left details and expects a callback or a visit.
        case leadCaptured = "lead_captured"
        /// The caller hung up while giving their details (partial details or none).
        case abandonedDuringCapture = "abandoned_during_capture"
        /// A question could not be answered and no details were left.
        case declinedWithoutLead = "declined_without_lead"
        /// A transfer did not connect and no details were left.
        case transferNotConnected = "transfer_not_connected"
    }

    /// Why they called: the first substantive thing the caller asked for, cleaned; nil if they said nothing.
    public var reason: String?
    /// Questions answered from the knowledge base, in call order.
    public var answered: [AnsweredQuestion]
    /// Questions the receptionist could not answer (the caller's words, cleaned), in call order.
    public var declined: [String]
    /// How the call ended; nil while it has not.
    public var outcome: CallOutcomeKind?
    /// The caller's details, if any were left.
    public var lead: LeadDetails?
    /// The call was flagged as an emergency.
    public var isEmergency: Bool
    /// The emergency's category, when flagged.
    public var emergencyCategory: String?
    /// Whether the owner should follow up (`!followUpReasons.isEmpty`).
    public var followUpNeeded: Bool
    /// Every reason that applies, most urgent first.
    public var followUpReasons: [FollowUpReason]
    /// A 2–4 sentence plain-English summary for the owner.
    public var text: String
}
