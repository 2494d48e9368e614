import Foundation
import Testing
@testable import Receptionist

/// Walks the receptionist's state machine through whole calls. Each test is a script of caller events with the
/// state and the actions expected after every one of them.
struct CallMachineTests {
    static let caller = "+15557654321"
    static let now = Date(timeIntervalSince1970: 1_795_000_000) // a Tuesday, 2026-11-17 (UTC)

    static func policy(open: Bool = false, transfer: String? = nil, collectAddress: Bool = true) -> CallPolicy {
        CallPolicy(businessName: "Rapid Rooter", greeting: "Thanks for calling Rapid Rooter. How can I help?",
                   isOpen: open, transferNumber: transfer, emergencyNumber: "911", emergencyPhrases: ["roof collapse"],
                   answerThreshold: 0.35, lowConfidenceThreshold: 0.3, collectAddress: collectAddress,
                   defaultCountryCode: "1", now: now, timeZone: TimeZone(identifier: "America/Chicago")!)
    }

    static let hoursPassage = Passage(
        entryId: "hours", chunkId: 1, title: "Opening hours",
        text: "We are open Monday to Friday from 8 a.m. to 6 p.m. On Saturdays we open from 9 a.m. to 1 p.m. We are closed on Sundays.",
        category: "general", score: 0.03, similarity: 0.71)
    static let weakPassage = Passage(
        entryId: "pricing", chunkId: 2, title: "Drain cleaning prices",
        text: "Drain cleaning starts at 129 dollars.", category: "pricing", score: 0.01, similarity: 0.12)

    /// A machine that has greeted the caller.
    static func greeted(_ policy: CallPolicy = policy()) -> CallMachine {
        var machine = CallMachine(callerNumber: caller)
        _ = machine.handle(.started, policy: policy)
        return machine
    }

    static func heard(_ text: String, confidence: Double? = 0.9, passages: [Passage]? = nil) -> CallEvent {
        .heard(Utterance(text: text, confidence: confidence, passages: passages))
    }

    static func said(_ actions: [CallAction]) -> String {
        actions.compactMap { action -> String? in
            switch action {
            case .say(let text): text
            case .answer(let answer, _): answer.text
            default: nil
            }
        }.joined(separator: " ")
    }

    static func savedLead(_ actions: [CallAction]) -> LeadDraft? {
        actions.lazy.compactMap { if case .saveLead(let lead) = $0 { lead } else { nil } }.first
    }

    static func alerts(_ actions: [CallAction]) -> [OwnerAlert] {
        actions.compactMap { if case .alertOwner(let alert) = $0 { alert } else { nil } }
    }

    @Test func greetingSpeaksTheBusinessGreetingAndListens() {
        var machine = CallMachine(callerNumber: Self.caller)
        #expect(machine.state == .greeting)
        let actions = machine.handle(.started, policy: Self.policy())
        #expect(actions == [.say("Thanks for calling Rapid Rooter. How can I help?"), .listen])
        #expect(machine.state == .intent)
    }

    @Test func answeredQuestionCitesItsSourceThenGoodbyeEndsTheCall() throws {
        let policy = Self.policy()
        var machine = Self.greeted(policy)
        let question = "what time do you open on saturday"
        #expect(machine.knowledgeQuery(for: question, policy: policy) == question)
        let actions = machine.handle(Self.heard(question, passages: [Self.hoursPassage]), policy: policy)
        #expect(machine.state == .faq)
        guard case .answer(let answer, let asked) = actions.first else {
            Issue.record("expected an answer first, got \(actions)")
            return
        }
        #expect(asked == question)
        #expect(answer.citations.map(\.entryId) == ["hours"])
        #expect(answer.text.contains("Saturday"))
        #expect(actions.suffix(2) == [.say(CallScript.anythingElse), .listen])

        let end = machine.handle(Self.heard("no that's all thanks"), policy: policy)
        #expect(end == [.say(CallScript.goodbye), .hangUp])
        #expect(machine.state == .ended)
        #expect(machine.outcome == .answeredQuestion)
        #expect(machine.handle(Self.heard("hello?"), policy: policy).isEmpty, "an ended call takes no more turns")
    }

    @Test func severalQuestionsInOneCall() {
        let policy = Self.policy()
        var machine = Self.greeted(policy)
        _ = machine.handle(Self.heard("what are your hours", passages: [Self.hoursPassage]), policy: policy)
        let second = machine.handle(Self.heard("are you open on saturdays", passages: [Self.hoursPassage]), policy: policy)
        #expect(second.contains { if case .answer = $0 { true } else { false } })
        #expect(machine.questionsAnswered == 2)
        #expect(machine.state == .faq)
    }

    @Test func unansweredQuestionAfterHoursBecomesAConfirmedLead() throws {
        let policy = Self.policy(open: false, transfer: "+15550001111")
        var machine = Self.greeted(policy)
        let question = "do you fix swimming pool heaters"
        let declined = machine.handle(Self.heard(question, passages: [Self.weakPassage]), policy: policy)
        #expect(declined.first == .declined(question: question, bestSimilarity: 0.12))
        #expect(Self.said(declined).contains("leave a message"), "closed: no transfer is offered")
        #expect(machine.state == .faq)

        let accept = machine.handle(Self.heard("yes please"), policy: policy)
        #expect(machine.state == .leadCapture)
        #expect(accept.suffix(2) == [.say(CallScript.prompt(for: .name, emergency: false)), .listen])

        let name = machine.handle(Self.heard("jon smith"), policy: policy)
        #expect(machine.lead?.name == "Jon Smith")
        #expect(name == [.say(CallScript.confirmCallerID(Self.caller)), .listen])
        #expect(Self.said(name).contains("ending in 4 3 2 1"))

        _ = machine.handle(Self.heard("yes"), policy: policy)
        #expect(machine.lead?.phone == Self.caller)
        #expect(machine.state == .leadCapture)

        let readBack = machine.handle(Self.heard("14 elm road"), policy: policy)
        #expect(machine.state == .confirmation)
        #expect(Self.said(readBack).contains("Jon Smith"))
        #expect(Self.said(readBack).contains("5 5 5, 7 6 5, 4 3 2 1"))

        let confirmed = machine.handle(Self.heard("yes that's right"), policy: policy)
        let lead = try #require(Self.savedLead(confirmed))
        #expect(lead.reason == .unanswered)
        #expect(lead.notes == question, "the unanswered question is the message")
        #expect(lead.phone == Self.caller)
        #expect(Self.alerts(confirmed).map(\.kind) == [.newLead])
        #expect(machine.state == .wrapUp)

        _ = machine.handle(Self.heard("no"), policy: policy)
        #expect(machine.state == .ended)
        #expect(machine.outcome == .leadCaptured)
    }

    @Test func declinedQuestionInsideHoursOffersATransferThatFailsIntoLeadCapture() {
        let policy = Self.policy(open: true, transfer: "+15550001111")
        var machine = Self.greeted(policy)
        let declined = machine.handle(Self.heard("can you service a commercial boiler", passages: []), policy: policy)
        #expect(Self.said(declined).contains("connect you"))
        #expect(declined.first == .declined(question: "can you service a commercial boiler", bestSimilarity: nil))
        let dial = machine.handle(Self.heard("yes"), policy: policy)
        #expect(dial == [.say(CallScript.connecting), .dial("+15550001111")])
        #expect(machine.state == .transferAttempt)

        for result in [TransferResult.busy, .noAnswer, .failed] {
            var attempt = machine
            let actions = attempt.handle(.transferEnded(result), policy: policy)
            #expect(attempt.state == .leadCapture, "\(result)")
            #expect(actions.first == .say(CallScript.noOneAnswered))
            #expect(attempt.lead?.reason == .noTransfer)
        }
        var connected = machine
        #expect(connected.handle(.transferEnded(.completed), policy: policy) == [.hangUp])
        #expect(connected.state == .ended)
        #expect(connected.outcome == .transferred)
    }

    @Test func declinedTransferOffersAMessageInstead() {
        let policy = Self.policy(open: true, transfer: "+15550001111")
        var machine = Self.greeted(policy)
        _ = machine.handle(Self.heard("do you do solar panels", passages: [Self.weakPassage]), policy: policy)
        #expect(machine.handle(Self.heard("no"), policy: policy) == [.say(CallScript.offerMessageInstead), .listen])
        #expect(machine.handle(Self.heard("no thanks"), policy: policy).contains(.hangUp) || machine.state == .faq)
    }

    @Test(arguments: [(true, CallState.transferAttempt), (false, CallState.leadCapture)])
    func talkToAPersonTransfersOnlyInsideBusinessHours(open: Bool, expected: CallState) {
        let policy = Self.policy(open: open, transfer: "+15550001111")
        var machine = Self.greeted(policy)
        #expect(machine.knowledgeQuery(for: "can i talk to a person", policy: policy) == nil)
        let actions = machine.handle(Self.heard("can i talk to a person"), policy: policy)
        #expect(machine.state == expected)
        #expect(actions.contains(.dial("+15550001111")) == open)
        if !open { #expect(Self.said(actions).contains("closed")) }
    }

    @Test func talkToAPersonWithoutATransferNumberTakesAMessage() {
        let policy = Self.policy(open: true, transfer: nil)
        var machine = Self.greeted(policy)
        _ = machine.handle(Self.heard("i want to talk to someone"), policy: policy)
        #expect(machine.state == .leadCapture)
        #expect(machine.lead?.reason == .noTransfer)
    }

    @Test func silenceIsRepromptedTwiceThenTheCallEndsPolitely() {
        let policy = Self.policy()
        var machine = Self.greeted(policy)
        for _ in 0..<2 {
            let actions = machine.handle(.silence, policy: policy)
            #expect(actions.first == .say(CallScript.noSpeech))
            #expect(actions.last == .listen)
            #expect(machine.state == .intent)
        }
        #expect(machine.handle(.silence, policy: policy) == [.say(CallScript.cannotHear), .hangUp])
        #expect(machine.state == .ended)
        #expect(machine.outcome == .abandoned)
    }

    @Test func emptySpeechCountsAsSilenceAndSpeechResetsTheCount() {
        let policy = Self.policy()
        var machine = Self.greeted(policy)
        _ = machine.handle(.silence, policy: policy)
        _ = machine.handle(Self.heard("   "), policy: policy)
        _ = machine.handle(Self.heard("what are your hours", passages: [Self.hoursPassage]), policy: policy)
        _ = machine.handle(.silence, policy: policy)
        _ = machine.handle(.silence, policy: policy)
        #expect(machine.state == .faq, "two silences after speech still reprompt")
    }

    @Test func lowConfidenceIsAskedAgainAtMostTwiceInARow() {
        let policy = Self.policy()
        var machine = Self.greeted(policy)
        let mumble = Self.heard("what are your hours", confidence: 0.1, passages: [Self.hoursPassage])
        #expect(machine.handle(mumble, policy: policy) == [.say(CallScript.didNotCatch), .listen])
        #expect(machine.handle(mumble, policy: policy) == [.say(CallScript.didNotCatch), .listen])
        let third = machine.handle(mumble, policy: policy)
        #expect(third.contains { if case .answer = $0 { true } else { false } }, "the third time the best guess is used")
    }

    @Test func emergencySaysTheSafetyLineFirstAndAsksWhereBeforeAnythingElse() throws {
        let policy = Self.policy()
        var machine = Self.greeted(policy)
        let words = "i can smell gas in the kitchen"
        #expect(machine.knowledgeQuery(for: words, policy: policy) == nil)
        let actions = machine.handle(Self.heard(words), policy: policy)
        guard case .flagEmergency(let match) = actions.first else {
            Issue.record("expected the call flagged first, got \(actions)")
            return
        }
        #expect(match.category == .gas)
        #expect(actions[1] == .say(CallScript.safety(policy)))
        #expect(Self.said(actions).contains("call 911"))
        let alert = try #require(Self.alerts(actions).first)
        #expect(alert.kind == .emergency)
        #expect(alert.callbackNumber == Self.caller)
        #expect(machine.state == .leadCapture)
        #expect(machine.asking == .address)
        #expect(actions.suffix(2) == [.say(CallScript.prompt(for: .address, emergency: true)), .listen])

        _ = machine.handle(Self.heard("22 oak street"), policy: policy)
        #expect(machine.lead?.address != nil)
        _ = machine.handle(Self.heard("yes"), policy: policy)  // caller ID is the callback number
        _ = machine.handle(Self.heard("maria lopez"), policy: policy)
        #expect(machine.state == .confirmation)
        let done = machine.handle(Self.heard("yes"), policy: policy)
        let lead = try #require(Self.savedLead(done))
        #expect(lead.isEmergency)
        #expect(lead.severity == .urgent)
        #expect(lead.notes == words)
        #expect(done.last == .hangUp)
        #expect(machine.outcome == .emergency)
    }

    @Test func businessEmergencyPhrasesCountToo() {
        let policy = Self.policy()
        var machine = Self.greeted(policy)
        let actions = machine.handle(Self.heard("part of the roof collapse happened last night"), policy: policy)
        #expect(actions.first == .flagEmergency(EmergencyMatch(phrase: "roof collapse", category: .custom)))
    }

    @Test func callerWhoHangsUpMidEmergencyStillLeavesALead() throws {
        let policy = Self.policy()
        var machine = Self.greeted(policy)
        _ = machine.handle(Self.heard("a pipe burst and water is everywhere"), policy: policy)
        let actions = machine.handle(.hungUp, policy: policy)
        let lead = try #require(Self.savedLead(actions))
        #expect(lead.phone == Self.caller, "the caller ID is the callback number")
        #expect(machine.state == .ended)
        #expect(machine.outcome == .emergency)
    }

    @Test func correctingAFieldDuringReadBack() throws {
        let policy = Self.policy(collectAddress: false)
        var machine = Self.greeted(policy)
        _ = machine.handle(Self.heard("can i leave a message"), policy: policy)
        _ = machine.handle(Self.heard("my name is ana perez"), policy: policy)
        _ = machine.handle(Self.heard("yes"), policy: policy)
        _ = machine.handle(Self.heard("please ask them to call me about my invoice"), policy: policy)
        #expect(machine.state == .confirmation)

        // A correction with the new value in the same words.
        let corrected = machine.handle(Self.heard("no my number is 555 222 3333"), policy: policy)
        #expect(corrected.first == .say(CallScript.updated))
        #expect(machine.lead?.phone == "+15552223333")
        #expect(machine.state == .confirmation, "read back again")
        #expect(Self.said(corrected).contains("5 5 5, 2 2 2, 3 3 3 3"))

        // "No" without a value: which part? Then the new value.
        #expect(machine.handle(Self.heard("no"), policy: policy) == [.say(CallScript.whichField), .listen])
        let ask = machine.handle(Self.heard("the name"), policy: policy)
        #expect(machine.state == .leadCapture)
        #expect(ask.suffix(2) == [.say(CallScript.prompt(for: .name, emergency: false)), .listen])
        _ = machine.handle(Self.heard("anna perez"), policy: policy)
        #expect(machine.state == .confirmation)
        let saved = machine.handle(Self.heard("yes"), policy: policy)
        let lead = try #require(Self.savedLead(saved))
        #expect(lead.name == "Anna Perez")
        #expect(lead.phone == "+15552223333")
        #expect(lead.address == nil, "this business does not collect addresses")
        #expect(lead.notes == "please ask them to call me about my invoice")
    }

    @Test func callerIDDeclinedAsksForAnotherNumber() {
        let policy = Self.policy(collectAddress: false)
        var machine = Self.greeted(policy)
        _ = machine.handle(Self.heard("i'd like to leave a message"), policy: policy)
        _ = machine.handle(Self.heard("sam lee"), policy: policy)
        let ask = machine.handle(Self.heard("no"), policy: policy)
        #expect(ask == [.say(CallScript.prompt(for: .phone, emergency: false)), .listen])
        _ = machine.handle(Self.heard("it's 555 987 6543"), policy: policy)
        #expect(machine.lead?.phone == "+15559876543")
    }

    @Test func bookingWithoutATimeAsksForOne() {
        let policy = Self.policy()
        var machine = Self.greeted(policy)
        let actions = machine.handle(Self.heard("i'd like to book an appointment"), policy: policy)
        #expect(machine.state == .bookingRequest)
        #expect(actions == [.say(CallScript.bookingAskTime), .listen])
        _ = machine.handle(Self.heard("tomorrow morning would be good"), policy: policy)
        #expect(machine.state == .leadCapture)
        #expect(machine.lead?.timeWindow != nil)
        #expect(machine.lead?.reason == .booking)
    }

    @Test func bookingWithATimeGoesStraightToDetails() {
        let policy = Self.policy()
        var machine = Self.greeted(policy)
        _ = machine.handle(Self.heard("can i book someone to come out tomorrow"), policy: policy)
        #expect(machine.state == .leadCapture)
        #expect(machine.lead?.timeWindow != nil)
    }

    @Test func aMachineStoredBetweenTurnsContinuesExactlyAsOneThatWasNot() throws {
        let policy = Self.policy()
        var live = Self.greeted(policy)
        _ = live.handle(Self.heard("can i leave a message"), policy: policy)
        _ = live.handle(Self.heard("jon smith"), policy: policy)
        var restored = try JSONDecoder().decode(CallMachine.self, from: JSONEncoder().encode(live))
        #expect(restored == live)
        let script = [Self.heard("no"), Self.heard("555 444 3333"), Self.heard("9 main street"), Self.heard("yes")]
        for event in script {
            #expect(restored.handle(event, policy: policy) == live.handle(event, policy: policy))
        }
        #expect(restored == live)
    }

    @Test func anEmergencyAfterASavedMessageIsSavedAsANewLead() throws {
        let policy = Self.policy(collectAddress: false)
        var machine = Self.greeted(policy)
        for words in ["can i leave a message", "sam lee", "yes", "please call me about my bill", "yes"] {
            _ = machine.handle(Self.heard(words), policy: policy)
        }
        #expect(machine.state == .wrapUp)
        _ = machine.handle(Self.heard("oh no the kitchen is flooding"), policy: policy)
        let saved = machine.handle(Self.heard("yes"), policy: policy)
        let lead = try #require(Self.savedLead(saved))
        #expect(lead.isEmergency)
        #expect(lead.reason == .emergency)
        #expect(lead.name == "Sam Lee")
        #expect(lead.notes == "oh no the kitchen is flooding")
        #expect(machine.outcome == .emergency)
    }

    @Test func aRunawayCallIsWrappedUp() {
        let policy = Self.policy()
        var machine = Self.greeted(policy)
        var last: [CallAction] = []
        for _ in 0...CallMachine.maxTurns {
            last = machine.handle(Self.heard("what are your hours", passages: [Self.hoursPassage]), policy: policy)
        }
        #expect(last.last == .hangUp)
        #expect(machine.state == .ended)
    }

    @Test func knowledgeIsOnlyLookedUpForQuestions() {
        let policy = Self.policy()
        var machine = Self.greeted(policy)
        #expect(machine.knowledgeQuery(for: "  ", policy: policy) == nil)
        #expect(machine.knowledgeQuery(for: "goodbye", policy: policy) == nil)
        _ = machine.handle(Self.heard("can i leave a message"), policy: policy)
        #expect(machine.knowledgeQuery(for: "what are your hours", policy: policy) == nil, "a name is expected now")
    }
}
