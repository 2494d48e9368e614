import Foundation
import Maintenance
import Testing
@testable import Receptionist

/// Maintenance requests by text: one message to a draft, the one question texted back, and the answer folded in.
struct MaintenanceTextIntakeTests {
    static let triage = MaintenanceTriage()
    static let tenant = "+15551230000"

    static func start(_ body: String) -> MaintenanceTextIntake.Pending? {
        MaintenanceTextIntake.start(body, from: tenant, triage: triage)
    }

    static func fold(_ body: String, _ pending: MaintenanceTextIntake.Pending) -> MaintenanceTextIntake.Pending {
        MaintenanceTextIntake.fold(body, into: pending, triage: triage)
    }

    @Test func oneCompleteTextIsReadyAtOnce() throws {
        let body = "Hi, the kitchen sink is leaking under the cabinet. 14 Elm St Apt 2B, Springfield 62704. Thanks, Ana"
        #expect(DispatchReply(parsing: body) == .other, "not a reply to a job: intake reads it")
        let pending = try #require(Self.start(body))
        guard case .ready(let draft, let reply) = MaintenanceTextIntake.next(pending) else {
            Issue.record("expected ready: \(MaintenanceTextIntake.next(pending))")
            return
        }
        #expect(draft.problem == body)
        #expect(draft.trade == .plumbing)
        #expect(draft.priority == .urgent)
        #expect(draft.address == "14 Elm Street, Springfield")
        #expect(draft.unit == "Apartment 2B")
        #expect(draft.postcode == "62704")
        #expect(draft.phone == Self.tenant)
        #expect(reply == "Thanks, your request is in. We will arrange a vendor and text you the details.")
    }

    @Test func aTextWithoutAnAddressAsksForItAndTheAnswerIsFoldedIn() throws {
        #expect(DispatchReply(parsing: "No hot water since last night") == .other)
        let pending = try #require(Self.start("No hot water since last night"))
        #expect(MaintenanceTextIntake.missing(pending) == .address)
        guard case .ask(let question, let asked) = MaintenanceTextIntake.next(pending) else {
            Issue.record("expected a question")
            return
        }
        #expect(question == "Thanks, we got your request. What is the address and unit number?")
        #expect(asked.questionsAsked == 1)

        let answered = Self.fold("22 oak avenue unit 5", asked)
        #expect(answered.draft.problem == "No hot water since last night", "an address is not more problem")
        guard case .ready(let draft, _) = MaintenanceTextIntake.next(answered) else {
            Issue.record("expected ready")
            return
        }
        #expect(draft.address == "22 Oak Avenue")
        #expect(draft.unit == "Unit 5")
        #expect(draft.trade == .plumbing)
    }

    @Test func aStreetWithoutAUnitAsksOnceAndNoneAnswersIt() throws {
        let pending = try #require(Self.start("the dishwasher is broken at 9 main street"))
        guard case .ask(let question, let asked) = MaintenanceTextIntake.next(pending) else {
            Issue.record("expected the unit question")
            return
        }
        #expect(question == "Thanks. What is the apartment or unit number? Reply NONE if there isn't one.")
        #expect(MaintenanceTextIntake.missing(asked) == nil, "asked once: never again")
        let none = Self.fold("NONE", asked)
        guard case .ready(let draft, _) = MaintenanceTextIntake.next(none) else {
            Issue.record("expected ready")
            return
        }
        #expect(draft.unit == nil)
        let bare = Self.fold("3b", asked)
        #expect(bare.draft.unit == "Unit 3B")
    }

    @Test func twoQuestionsWithoutAnAddressHandItToAPerson() throws {
        var pending = try #require(Self.start("the toilet is clogged"))
        for expected in ["Thanks, we got your request. What is the address and unit number?",
                         "Sorry, we still need the street address (number and street) and unit to send someone."] {
            guard case .ask(let question, let asked) = MaintenanceTextIntake.next(pending) else {
                Issue.record("expected a question")
                return
            }
            #expect(question == expected)
            pending = Self.fold("the building by the park", asked)
        }
        guard case .unresolved(let draft, let reply) = MaintenanceTextIntake.next(pending) else {
            Issue.record("expected unresolved")
            return
        }
        #expect(draft.address == nil)
        #expect(reply == "Thanks. Someone from our team will call you to get the address.")
    }

    @Test func aFollowUpCanMakeItAnEmergency() throws {
        let pending = try #require(Self.start("small leak under the bathroom sink"))
        guard case .ask(_, let asked) = MaintenanceTextIntake.next(pending) else { return }
        let worse = Self.fold("14 elm st apt 2. now water is pouring through the ceiling below!", asked)
        #expect(worse.draft.priority == .emergency)
        #expect(worse.draft.emergencyRule == .flooding)
        #expect(worse.draft.problem == "small leak under the bathroom sink. 14 elm st apt 2. now water is pouring through the ceiling below!")
        #expect(worse.draft.address == "14 Elm Street")
        guard case .ready(_, let reply) = MaintenanceTextIntake.next(worse) else {
            Issue.record("expected ready")
            return
        }
        #expect(reply.hasPrefix("We are treating this as an emergency"))
    }

    @Test func lifeSafetyRepliesSayWhatToDoFirst() throws {
        let pending = try #require(Self.start("I smell gas in the hallway"))
        #expect(pending.draft.emergencyRule == .gas)
        guard case .ask(let question, _) = MaintenanceTextIntake.next(pending, emergencyNumber: "911") else {
            Issue.record("expected a question")
            return
        }
        #expect(question == "If you smell gas, leave now and call 911 from outside. We are treating this as an emergency. "
            + "What is the address and unit number?")
    }

    @Test func textsThatNameNoProblemAreOrdinaryMessages() {
        for body in ["Hi, what time does the office close?", "Thanks!", "Can I pay rent online?", "ok see you then"] {
            #expect(Self.start(body) == nil, "\(body)")
        }
    }

    @Test func everyReplyIsOneGSM7Text() throws {
        var replies: [String] = []
        for body in ["I smell gas", "the CO alarm is going off", "there's smoke in the kitchen", "the outlet is sparking",
                     "my dad can't breathe and the heat is off", "no heat", "the basement is flooding", "toilet won't flush"] {
            let pending = try #require(Self.start(body), "\(body)")
            for number in ["911", "999"] {
                switch MaintenanceTextIntake.next(pending, emergencyNumber: number) {
                case .ask(let text, let asked):
                    replies.append(text)
                    replies.append(MaintenanceTextIntake.question(for: .address, pending: asked))
                case .ready(_, let text), .unresolved(_, let text): replies.append(text)
                }
                var done = pending
                done.draft.address = "1 Main Street"
                done.unitAsked = true
                if case .ready(_, let text) = MaintenanceTextIntake.next(done, emergencyNumber: number) { replies.append(text) }
                done.draft.address = nil
                done.questionsAsked = MaintenanceTextIntake.maximumQuestions
                if case .unresolved(_, let text) = MaintenanceTextIntake.next(done, emergencyNumber: number) { replies.append(text) }
            }
        }
        #expect(replies.count > 40)
        for reply in replies {
            #expect(GSM7.isEncodable(reply), "\(reply)")
            #expect(GSM7.segments(reply) == 1, "\(reply) (\(reply.count))")
        }
    }
}
