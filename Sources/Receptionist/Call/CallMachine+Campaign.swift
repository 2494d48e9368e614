import Foundation

/// An outbound campaign call (``CampaignCallProgress``): the opening, then each question of the script with its
/// answer read as its kind, then the closing line — while the callee may at any point ask not to be called again
/// (the call ends politely at once), ask a question (answered from the knowledge base with its source, then the
/// script goes on), ask for a person (the usual transfer or message), or report an emergency (the usual emergency
/// path). Results stay in ``campaign`` and are read by the server from the stored call.
extension CallMachine {
    /// A machine for an outbound call that runs `script`.
    public init(callerNumber: String?, script: OutboundScript) {
        self.init(callerNumber: callerNumber)
        campaign = CampaignCallProgress(script: script)
    }

    /// Words that mean "do not call me again".
    static let optOutPhrases = [
        "stop calling", "stop ringing", "dont call", "don't call", "do not call", "never call", "no more calls",
        "remove me", "remove my number", "take me off", "take my number off", "unsubscribe", "opt out",
        "stop phoning", "quit calling",
    ]

    /// Whether `text` asks not to be called again.
    static func asksNotToBeCalled(_ text: String) -> Bool {
        let spoken = " " + SpokenText(text).normalised + " "
        return optOutPhrases.contains { spoken.contains(" " + SpokenText($0).normalised + " ") }
    }

    /// The first turn of a campaign call.
    mutating func startCampaign() -> [CallAction] {
        guard let campaign else { return [] }
        state = .intent
        guard let first = campaign.script.questions.first else {
            return finishCampaign(saying: campaign.script.closing, prefix: [.say(campaign.script.opening)])
        }
        return [.say(campaign.script.opening), .say(first.text), .listen]
    }

    /// Whether these words are the callee's own question rather than an answer to the current one: a free-text
    /// answer is a question only when it opens like one ("what time do you…"); any other answer when it cannot be
    /// read as its kind and sounds like a question.
    func campaignHearsQuestion(_ text: String, policy: CallPolicy) -> Bool {
        guard let campaign, campaign.active else { return false }
        let question = campaign.script.questions[campaign.index]
        if question.kind == .freeText { return IntentClassifier.opensWithQuestion(text) }
        return Self.read(text, as: question.kind, policy: policy) == nil && IntentClassifier.classify(text) == .question
    }

    /// One callee turn while the script runs.
    mutating func campaignTurn(_ utterance: Utterance, policy: CallPolicy) -> [CallAction] {
        guard var campaign else { return [] }
        let text = utterance.text
        if Self.asksNotToBeCalled(text) {
            campaign.optedOut = true
            self.campaign = campaign
            state = .ended
            return [.say(CallScript.campaignOptedOut), .hangUp]
        }
        if emergency == nil, let match = EmergencyDetector(extraPhrases: policy.emergencyPhrases).detect(text) {
            campaign.handedOver = true
            self.campaign = campaign
            return emergencyReported(match, text: text, policy: policy)
        }
        let question = campaign.script.questions[campaign.index]
        let intent = IntentClassifier.classify(text)
        if intent == .humanRequest {
            campaign.handedOver = true
            self.campaign = campaign
            return handOverToPerson(policy)
        }
        if let passages = utterance.passages, campaignHearsQuestion(text, policy: policy) {
            // The callee's own question, looked up by the server: answered with its source, then the script goes on.
            if let spoken = AnswerComposer.compose(question: text, passages: passages, threshold: policy.answerThreshold) {
                questionsAnswered += 1
                return [.answer(spoken, question: text), .say(question.text), .listen]
            }
            questionsDeclined += 1
            let best = passages.compactMap(\.similarity).max()
            return [.declined(question: text, bestSimilarity: best), .say(CallScript.campaignCannotAnswer),
                    .say(question.text), .listen]
        }
        if intent == .goodbye, Self.read(text, as: question.kind, policy: policy) == nil || question.kind == .freeText {
            state = .ended
            return [.say(CallScript.campaignEndedEarly), .hangUp]
        }
        let value = Self.read(text, as: question.kind, policy: policy)
        if value == nil, !campaign.reasked {
            campaign.reasked = true
            self.campaign = campaign
            return [.say(CallScript.campaignReask(question.kind)), .say(question.text), .listen]
        }
        campaign.answers.append(CampaignAnswer(field: question.field, kind: question.kind, value: value, heard: text))
        campaign.index += 1
        campaign.reasked = false
        self.campaign = campaign
        if let next = campaign.script.questions.dropFirst(campaign.index).first {
            return [.say(next.text), .listen]
        }
        return finishCampaign(saying: campaign.script.closing, prefix: [])
    }

    /// The current question again (after silence).
    func repeatCampaignQuestion() -> [CallAction] {
        guard let campaign, campaign.active else { return [] }
        return [.say(campaign.script.questions[campaign.index].text), .listen]
    }

    private mutating func finishCampaign(saying closing: String, prefix: [CallAction]) -> [CallAction] {
        state = .ended
        return prefix + [.say(closing), .hangUp]
    }

    /// `text` read as `kind`, or nil.
    static func read(_ text: String, as kind: OutboundScript.AnswerKind, policy: CallPolicy) -> String? {
        switch kind {
        case .yesNo:
            switch IntentClassifier.classify(text) {
            case .affirm: return "yes"
            case .deny: return "no"
            default: return nil
            }
        case .dateTime:
            guard let window = EntityExtractor.timeWindow(in: text, now: policy.now, timeZone: policy.timeZone) else { return nil }
            return window.start.formatted(.iso8601)
        case .number:
            let words = SpokenText(text).convertingNumberWords().words
            return words.first { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
        case .freeText:
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        }
    }
}
