import Foundation

/// The receptionist's side of one phone call: events in, actions out.
///
/// GREETING → INTENT → FAQ / BOOKING_REQUEST / TRANSFER_ATTEMPT → LEAD_CAPTURE → CONFIRMATION → WRAP_UP → ENDED.
/// The machine is a value: the server stores it (JSON) with the call between two webhooks and performs the actions
/// it returns. It never looks anything up itself; when the caller's words need the knowledge base, the server asks
/// `knowledgeQuery(for:policy:)` first and passes the passages in the `.heard` event.
public struct CallMachine: Codable, Sendable, Equatable {
    public internal(set) var state: CallState = .greeting
    /// The caller ID (E.164), offered as the default callback number.
    public let callerNumber: String?
    /// The details taken so far, once the call has turned into a message, booking or emergency.
    public internal(set) var lead: LeadDraft?
    public internal(set) var emergency: EmergencyMatch?
    public internal(set) var questionsAnswered = 0
    public internal(set) var questionsDeclined = 0
    public internal(set) var transfer: TransferResult?
    public internal(set) var leadSaved = false
    /// An appointment was booked on this call.
    public internal(set) var booked = false
    /// The maintenance request being taken, or the last one (``CallPolicy/maintenanceIntake``); nil on other calls.
    public internal(set) var intake: MaintenanceCallIntake?
    /// An outbound campaign call's script, answers and opt-out (`CallMachine+Campaign.swift`); nil on other calls.
    public internal(set) var campaign: CampaignCallProgress?

    /// A yes/no question waiting for the caller's reply.
    enum Offer: String, Codable { case transfer, takeMessage, anythingElse, callerID, correction }
    var offer: Offer?
    /// The lead field last asked for.
    var asking: LeadField?
    /// The caller said the caller ID is not the number to use.
    var callerIDDeclined = false
    var silences = 0
    /// Consecutive turns that did not move the call on (low confidence, unclear, an unusable answer).
    var retries = 0
    var turns = 0
    /// The last question the knowledge base could not answer: the message if the caller then leaves one.
    var unansweredQuestion: String?
    /// Slots offered on this turn and the ones the caller turned down.
    var offeredSlots: [BookingInterval] = []
    var declinedSlots: [BookingInterval] = []

    /// Caller turns after which the call is wrapped up, whatever its state: a loop guard, not a limit callers meet.
    static let maxTurns = 40

    public init(callerNumber: String?) {
        self.callerNumber = callerNumber
    }

    /// How the call went; meaningful once it has ended.
    public var outcome: CallOutcome {
        if emergency != nil { return .emergency }
        if transfer?.connected == true { return .transferred }
        if booked { return .booked }
        // A maintenance ticket is the caller's details taken and passed on: a captured lead, by outcome.
        if leadSaved || (intake?.ticketsOpened ?? 0) > 0 { return .leadCaptured }
        if questionsAnswered > 0 { return .answeredQuestion }
        return .abandoned
    }

    /// Whether the server should fill `CallPolicy.openSlots` for this turn: the caller is booking, or asks to.
    public func wantsOpenSlots(for text: String) -> Bool {
        if campaign?.active == true { return false }
        switch state {
        case .bookingRequest: return true
        case .confirmation: return lead?.appointment != nil
        case .greeting, .intent, .faq, .wrapUp: return IntentClassifier.classify(text) == .booking
        default: return false
        }
    }

    /// The text to look up in the knowledge base before `handle(.heard(…))`, or nil when these words will not be
    /// treated as a question (an emergency, a yes/no reply, a name during lead capture …).
    public func knowledgeQuery(for text: String, policy: CallPolicy) -> String? {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        if campaign?.active == true {
            // A campaign's answer is not a question; the callee's own question is.
            guard !Self.asksNotToBeCalled(text) else { return nil }
            return campaignHearsQuestion(text, policy: policy) ? text : nil
        }
        switch state {
        case .greeting, .intent, .faq, .wrapUp: break
        default: return nil
        }
        if policy.maintenanceIntake {
            if maintenanceWouldTake(text, policy: policy) { return nil }
        } else if emergency == nil, EmergencyDetector(extraPhrases: policy.emergencyPhrases).detect(text) != nil {
            return nil
        }
        return IntentClassifier.classify(text) == .question ? text : nil
    }

    /// Advances the call by one event and returns what to do, in order.
    public mutating func handle(_ event: CallEvent, policy: CallPolicy) -> [CallAction] {
        if state == .ended { return [] }
        switch event {
        case .started:
            guard state == .greeting else { return repeatPrompt(policy) }
            if campaign?.active == true { return startCampaign() }
            state = .intent
            return [.say(policy.greeting), .listen]
        case .hungUp:
            return hangUp()
        case .slotTaken:
            return slotTaken(policy: policy)
        case .transferEnded(let result):
            return transferEnded(result, policy: policy)
        case .silence:
            return silence(policy)
        case .heard(let utterance):
            let text = utterance.text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { return silence(policy) }
            silences = 0
            turns += 1
            if turns > Self.maxTurns { return finish(saying: CallScript.tooLong) }
            if let confidence = utterance.confidence, confidence < policy.lowConfidenceThreshold, retries < 2 {
                retries += 1
                return [.say(CallScript.didNotCatch), .listen]
            }
            if campaign?.active == true {
                var heard = utterance
                heard.text = text
                return campaignTurn(heard, policy: policy)
            }
            if intake?.active == true, state == .leadCapture || state == .confirmation {
                // A maintenance request under way is finished even if the setting was switched off meanwhile.
                return intakeAnswer(text, policy: policy)
            }
            if policy.maintenanceIntake {
                // A property manager's line: the maintenance path reads emergencies with its own rules.
                if let actions = maintenanceTurn(text, policy: policy) { return actions }
            } else if emergency == nil, let match = EmergencyDetector(extraPhrases: policy.emergencyPhrases).detect(text) {
                retries = 0
                return emergencyReported(match, text: text, policy: policy)
            }
            var heard = utterance
            heard.text = text
            return respond(to: heard, policy: policy)
        }
    }

    // MARK: - Turns

    private mutating func respond(to utterance: Utterance, policy: CallPolicy) -> [CallAction] {
        switch state {
        case .greeting:
            state = .intent
            return request(utterance, policy: policy)
        case .intent, .faq, .wrapUp:
            return request(utterance, policy: policy)
        case .bookingRequest:
            return bookingTime(utterance.text, policy: policy)
        case .leadCapture:
            return leadField(utterance.text, policy: policy)
        case .confirmation:
            return confirmation(utterance.text, policy: policy)
        case .transferAttempt:
            // Speech cannot reach us while <Dial> runs; a stray turn just waits for the transfer's result.
            return [.listen]
        case .ended:
            return []
        }
    }

    /// INTENT, FAQ, WRAP_UP: what does the caller want?
    private mutating func request(_ utterance: Utterance, policy: CallPolicy) -> [CallAction] {
        let text = utterance.text
        let intent = IntentClassifier.classify(text)
        if let pending = offer {
            offer = nil
            switch (pending, intent) {
            case (.transfer, .affirm):
                return transferOrMessage(policy)
            case (.transfer, .deny):
                offer = .takeMessage
                return [.say(CallScript.offerMessageInstead), .listen]
            case (.takeMessage, .affirm):
                return startLead(.unanswered, notes: unansweredQuestion, intro: CallScript.messageIntro, policy: policy)
            case (.takeMessage, .deny), (.anythingElse, .affirm):
                state = .faq
                return [.say(CallScript.whatElse), .listen]
            case (.anythingElse, .deny):
                return finish(saying: CallScript.goodbye(policy))
            default:
                break // The caller moved on: treat the words as a new request.
            }
        }
        switch intent {
        case .goodbye:
            return finish(saying: CallScript.goodbye(policy))
        case .deny where state != .intent:
            return finish(saying: CallScript.goodbye(policy))
        case .affirm where state != .intent:
            state = .faq
            return [.say(CallScript.whatElse), .listen]
        case .humanRequest:
            return transferOrMessage(policy)
        case .leaveMessage:
            return startLead(.message, notes: nil, intro: CallScript.messageIntro, policy: policy)
        case .booking:
            return startBooking(text, policy: policy)
        case .question:
            return answer(utterance, policy: policy)
        case .unclear, .affirm, .deny:
            retries += 1
            return [.say(retries > 1 ? CallScript.howCanIHelp : CallScript.didNotCatch + " " + CallScript.howCanIHelp), .listen]
        }
    }

    private mutating func answer(_ utterance: Utterance, policy: CallPolicy) -> [CallAction] {
        retries = 0
        state = .faq
        let passages = utterance.passages ?? []
        if let spoken = AnswerComposer.compose(question: utterance.text, passages: passages,
                                               threshold: policy.answerThreshold) {
            questionsAnswered += 1
            offer = .anythingElse
            return [.answer(spoken, question: utterance.text), .say(CallScript.anythingElse), .listen]
        }
        questionsDeclined += 1
        unansweredQuestion = utterance.text
        let best = passages.compactMap(\.similarity).max()
        offer = policy.canTransfer ? .transfer : .takeMessage
        return [.declined(question: utterance.text, bestSimilarity: best),
                .say(CallScript.declined(policy, offerTransfer: policy.canTransfer)), .listen]
    }

    /// A person was asked for: transferred when possible, else a message.
    mutating func handOverToPerson(_ policy: CallPolicy) -> [CallAction] { transferOrMessage(policy) }

    private mutating func transferOrMessage(_ policy: CallPolicy) -> [CallAction] {
        if policy.canTransfer, let number = policy.transferNumber {
            state = .transferAttempt
            return [.say(CallScript.connecting), .dial(number)]
        }
        return startLead(.noTransfer, notes: unansweredQuestion, intro: CallScript.closedOrBusy(policy), policy: policy)
    }

    private mutating func transferEnded(_ result: TransferResult, policy: CallPolicy) -> [CallAction] {
        guard state == .transferAttempt else { return [] }
        transfer = result
        if result.connected {
            // <Dial> returns once the bridged conversation is over: nothing left for the receptionist to do.
            state = .ended
            return [.hangUp]
        }
        return startLead(.noTransfer, notes: unansweredQuestion, intro: CallScript.noOneAnswered, policy: policy)
    }

    private mutating func silence(_ policy: CallPolicy) -> [CallAction] {
        silences += 1
        if silences > 2 {
            // Nobody there: keep what we have so someone can ring back, and end politely.
            var actions: [CallAction] = keepUnfinishedIntake() + [.say(CallScript.cannotHear), .hangUp]
            if let lead, !leadSaved, lead.isEmergency || lead.phone != nil {
                actions.insert(contentsOf: saveLead(policy), at: 0)
            }
            state = .ended
            return actions
        }
        return [.say(CallScript.noSpeech)] + repeatPrompt(policy)
    }

    /// The question the caller is expected to answer now, asked again.
    private func repeatPrompt(_ policy: CallPolicy) -> [CallAction] {
        if campaign?.active == true { return repeatCampaignQuestion() }
        if intake?.active == true, state == .leadCapture || state == .confirmation { return repeatIntakePrompt(policy) }
        switch state {
        case .leadCapture:
            if offer == .callerID, let callerNumber { return [.say(CallScript.confirmCallerID(callerNumber)), .listen] }
            if let asking { return [.say(CallScript.prompt(for: asking, emergency: lead?.isEmergency ?? false)), .listen] }
            return [.say(CallScript.howCanIHelp), .listen]
        case .confirmation:
            return [.say(lead.map { CallScript.readBack($0, medium: policy.medium) } ?? CallScript.yesOrNo), .listen]
        case .bookingRequest:
            return [.say(CallScript.bookingAskTime), .listen]
        case .faq, .wrapUp:
            return [.say(CallScript.anythingElse), .listen]
        default:
            return [.say(CallScript.howCanIHelp), .listen]
        }
    }

    private mutating func hangUp() -> [CallAction] {
        var actions: [CallAction] = keepUnfinishedIntake()
        // A caller who hangs up mid-emergency, or after giving a number, still gets a call back.
        if let lead, !leadSaved, lead.isEmergency || lead.phone != nil || callerNumber != nil && lead.notes != nil {
            actions += saveLead(nil)
        }
        state = .ended
        return actions
    }

    mutating func finish(saying line: String) -> [CallAction] {
        state = .ended
        var actions: [CallAction] = keepUnfinishedIntake()
        if let lead, !leadSaved, lead.isEmergency || lead.phone != nil { actions += saveLead(nil) }
        return actions + [.say(line), .hangUp]
    }
}
