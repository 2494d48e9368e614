import Foundation

/// Builds the post-call summary from a finished call's transcript, outcome and lead: deterministic and
/// extractive — every phrase in it is the caller's own words, an entry title, or a fixed template; no LLM.
///
/// - **Reason**: the first caller turn that is substantive: it led to an answer or a decline, or it still has at
///   least ``minimumReasonWords`` words after ``clean(_:)`` drops greetings and fillers and it is not a bare
///   acknowledgement ("that's right", "bye"). Turns spoken while the receptionist was taking details (the turn
///   before was in `LEAD_CAPTURE` or `CONFIRMATION`) are details, not reasons, and are skipped.
/// - **Answered / declined**: each receptionist turn that cited entries (answered) or declined is paired with the
///   caller turn just before it.
/// - **Follow-up**: see ``CallSummary/FollowUpReason``; an abandoned call counts as abandoned during capture when
///   the last state before it ended was `BOOKING_REQUEST`, `LEAD_CAPTURE` or `CONFIRMATION`.
public struct CallSummarizer: Sendable {
    /// Fewest words (after cleaning) a caller turn needs to count as the reason for the call.
    public var minimumReasonWords: Int
    /// Longest reason or question kept, in characters; longer ones are cut at a word boundary with "…".
    public var maximumQuoteLength: Int

    public init(minimumReasonWords: Int = 3, maximumQuoteLength: Int = 200) {
        self.minimumReasonWords = minimumReasonWords
        self.maximumQuoteLength = maximumQuoteLength
    }

    static let captureStates: Set<String> = ["LEAD_CAPTURE", "CONFIRMATION"]
    static let unfinishedStates: Set<String> = ["BOOKING_REQUEST", "LEAD_CAPTURE", "CONFIRMATION"]

    /// Summarises one call.
    public func summarize(_ call: CallTranscript) -> CallSummary {
        var answered: [CallSummary.AnsweredQuestion] = []
        var declined: [String] = []
        var reason: String?
        var lastCallerText: String?
        var previousState: String?

        for turn in call.turns {
            switch turn.speaker {
            case .caller:
                let text = turn.text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !text.isEmpty {
                    lastCallerText = text
                    if reason == nil, !Self.captureStates.contains(previousState ?? ""), isSubstantive(text) {
                        reason = quote(text)
                    }
                }
            case .receptionist:
                let question = lastCallerText.map(quote) ?? "(question not recorded)"
                if turn.declined {
                    declined.append(question)
                    if reason == nil, lastCallerText != nil { reason = question }
                } else if !turn.citations.isEmpty {
                    var ids: [String] = []
                    var titles: [String] = []
                    for cited in turn.citations where !ids.contains(cited.entryId) {
                        ids.append(cited.entryId)
                        titles.append(cited.title.flatMap { $0.isEmpty ? nil : $0 } ?? cited.entryId)
                    }
                    answered.append(.init(question: question, entryIds: ids, entryTitles: titles))
                    if reason == nil, lastCallerText != nil { reason = question }
                }
                lastCallerText = nil
            }
            if let state = turn.state { previousState = state }
        }

        let reasons = followUpReasons(call, declined: declined)
        var summary = CallSummary(
            reason: reason, answered: answered, declined: declined, outcome: call.outcome, lead: call.lead,
            isEmergency: call.isEmergency, emergencyCategory: call.emergencyCategory,
            followUpNeeded: !reasons.isEmpty, followUpReasons: reasons, text: "")
        summary.text = CallSummaryText.render(summary, businessName: call.businessName)
        return summary
    }

    /// The follow-up reasons that apply, most urgent first.
    func followUpReasons(_ call: CallTranscript, declined: [String]) -> [CallSummary.FollowUpReason] {
        var reasons: [CallSummary.FollowUpReason] = []
        if call.isEmergency { reasons.append(.emergency) }
        let midCapture = call.outcome != nil && call.outcome != .transferred
            && Self.unfinishedStates.contains(Self.lastStateBeforeEnd(call.turns) ?? "")
        if call.lead != nil, !midCapture { reasons.append(.leadCaptured) }
        if midCapture { reasons.append(.abandonedDuringCapture) }
        if !declined.isEmpty, call.lead == nil { reasons.append(.declinedWithoutLead) }
        if case .notConnected = call.transfer, call.lead == nil { reasons.append(.transferNotConnected) }
        return reasons
    }

    /// The last known state other than `ENDED`: where the conversation was when the call ended.
    static func lastStateBeforeEnd(_ turns: [TranscriptTurn]) -> String? {
        turns.lazy.reversed().compactMap(\.state).first { $0 != "ENDED" }
    }

    func isSubstantive(_ text: String) -> Bool {
        let cleaned = Self.clean(text)
        let words = Self.words(cleaned)
        guard words.count >= minimumReasonWords else { return false }
        return !Self.acknowledgements.contains(words.joined(separator: " "))
    }

    func quote(_ text: String) -> String {
        let cleaned = Self.clean(text)
        guard cleaned.count > maximumQuoteLength else { return cleaned }
        var cut = String(cleaned.prefix(maximumQuoteLength))
        if let space = cut.lastIndex(of: " ") { cut = String(cut[..<space]) }
        return cut.trimmingCharacters(in: CharacterSet.punctuationCharacters.union(.whitespaces)) + "…"
    }
}
