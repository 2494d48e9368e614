import Foundation
import Testing
@testable import Receptionist

/// Outbound campaign calls: the script's opening and questions, answers read by kind, the callee's own questions
/// answered from the knowledge base, "stop calling" honoured at once, a person or an emergency handed to the
/// receptionist's usual paths.
struct CallMachineCampaignTests {
    typealias T = CallMachineTests

    static let script = OutboundScript(
        opening: "Hi, this is the automated assistant for Rapid Rooter, calling about your boiler service tomorrow.",
        questions: [
            .init(field: "confirmed", text: "Can you confirm the visit still suits you?", kind: .yesNo),
            .init(field: "better_time", text: "What time would suit you best?", kind: .dateTime),
            .init(field: "radiators", text: "How many radiators are there?", kind: .number),
            .init(field: "notes", text: "Anything the engineer should know?", kind: .freeText),
        ],
        closing: "Thank you, that's everything. Goodbye.")

    static func started() -> CallMachine {
        var machine = CallMachine(callerNumber: T.caller, script: script)
        let actions = machine.handle(.started, policy: T.policy())
        #expect(actions == [.say(script.opening), .say(script.questions[0].text), .listen])
        return machine
    }

    @Test func everyQuestionIsAskedAndItsAnswerReadAsItsKind() throws {
        var machine = Self.started()
        let policy = T.policy()
        #expect(machine.handle(T.heard("yes that's fine"), policy: policy) == [.say(Self.script.questions[1].text), .listen])
        #expect(machine.handle(T.heard("tomorrow morning please"), policy: policy) == [.say(Self.script.questions[2].text), .listen])
        #expect(machine.handle(T.heard("about seven of them"), policy: policy) == [.say(Self.script.questions[3].text), .listen])
        let last = machine.handle(T.heard("the side gate is locked, ring the bell"), policy: policy)
        #expect(last == [.say(Self.script.closing), .hangUp])
        #expect(machine.state == .ended)
        let campaign = try #require(machine.campaign)
        #expect(campaign.completed && !campaign.optedOut)
        #expect(campaign.answers.map(\.value) == [
            "yes",
            EntityExtractor.timeWindow(in: "tomorrow morning please", now: CallMachineTests.now,
                                       timeZone: TimeZone(identifier: "America/Chicago")!)?.start.formatted(.iso8601),
            "7",
            "the side gate is locked, ring the bell",
        ])
        #expect(campaign.results["radiators"] == "7")
        #expect(campaign.answers[1].heard == "tomorrow morning please")
        // The stored machine keeps it all (the server reads the results from the stored call).
        let stored = try JSONDecoder().decode(CallMachine.self, from: JSONEncoder().encode(machine))
        #expect(stored == machine)
    }

    @Test func anUnreadableAnswerIsAskedForOnceMoreThenRecordedAsUnread() throws {
        var machine = Self.started()
        let policy = T.policy()
        let again = machine.handle(T.heard("well it depends really"), policy: policy)
        #expect(again == [.say("Sorry, was that a yes or a no?"), .say(Self.script.questions[0].text), .listen])
        #expect(machine.handle(T.heard("hmm it depends"), policy: policy) == [.say(Self.script.questions[1].text), .listen])
        let answer = try #require(machine.campaign?.answers.first)
        #expect(answer.value == nil && answer.heard == "hmm it depends")
    }

    @Test func stopCallingEndsTheCallAtOnceAndMarksTheOptOut() throws {
        for words in ["please stop calling me", "take me off your list", "don't call this number again", "remove me"] {
            var machine = Self.started()
            #expect(machine.knowledgeQuery(for: words, policy: T.policy()) == nil)
            let actions = machine.handle(T.heard(words), policy: T.policy())
            #expect(actions.last == .hangUp, "\(words)")
            #expect(T.said(actions).contains("off our list"))
            #expect(machine.state == .ended && machine.campaign?.optedOut == true)
        }
        // "No" is an answer, not an opt-out.
        var machine = Self.started()
        _ = machine.handle(T.heard("no"), policy: T.policy())
        #expect(machine.campaign?.optedOut == false && machine.campaign?.answers.first?.value == "no")
    }

    @Test func theCalleesOwnQuestionIsAnsweredFromTheKnowledgeBaseThenTheScriptGoesOn() throws {
        var machine = Self.started()
        let policy = T.policy()
        let question = "what are your opening hours on saturday"
        #expect(machine.knowledgeQuery(for: question, policy: policy) == question)
        #expect(machine.knowledgeQuery(for: "yes", policy: policy) == nil, "an answer is not looked up")
        let answered = machine.handle(T.heard(question, passages: [T.hoursPassage]), policy: policy)
        guard case .answer(let spoken, _) = answered.first else { Issue.record("\(answered)"); return }
        #expect(spoken.citations.first?.entryId == "hours")
        #expect(Array(answered.dropFirst()) == [.say(Self.script.questions[0].text), .listen])
        #expect(machine.campaign?.index == 0, "the question is still open")
        let declined = machine.handle(T.heard("how much is a new boiler", passages: [T.weakPassage]), policy: policy)
        #expect(declined.contains { if case .declined = $0 { true } else { false } })
        #expect(T.said(declined).contains("someone from the team can follow up"))
    }

    @Test func aFreeTextAnswerIsAQuestionOnlyWhenItOpensLikeOne() {
        let policy = T.policy()
        var machine = CallMachine(callerNumber: T.caller, script: OutboundScript(
            opening: "Hi, this is Rapid Rooter's automated assistant.",
            questions: [.init(field: "notes", text: "Anything we should know?", kind: .freeText)], closing: "Bye."))
        _ = machine.handle(.started, policy: policy)
        #expect(machine.knowledgeQuery(for: "the dog is friendly", policy: policy) == nil)
        #expect(machine.knowledgeQuery(for: "what time do you open on saturday", policy: policy) == "what time do you open on saturday")
        let actions = machine.handle(T.heard("the dog is friendly", passages: [T.weakPassage]), policy: policy)
        #expect(actions == [.say("Bye."), .hangUp])
        #expect(machine.campaign?.results["notes"] == "the dog is friendly")
    }

    @Test func aPersonOrAnEmergencyHandsTheCallToTheUsualPaths() throws {
        var transfer = Self.started()
        let actions = transfer.handle(T.heard("can i speak to a real person"), policy: T.policy(open: true, transfer: "+15550109999"))
        #expect(actions.contains(.dial("+15550109999")))
        #expect(transfer.campaign?.handedOver == true)

        var emergency = Self.started()
        let urgent = emergency.handle(T.heard("actually my basement is flooding right now"), policy: T.policy())
        #expect(urgent.contains { if case .flagEmergency = $0 { true } else { false } })
        #expect(emergency.campaign?.handedOver == true && emergency.emergency != nil)
    }

    @Test func silenceRepeatsTheQuestion() {
        var machine = Self.started()
        let actions = machine.handle(.silence, policy: T.policy())
        #expect(actions == [.say("Sorry, I didn't hear anything."), .say(Self.script.questions[0].text), .listen])
    }
}
