import Foundation
import Maintenance
import Testing
@testable import Receptionist

/// The maintenance path of a property manager's line, walked through the machine's public API with transcriber-style
/// words (lower case, no punctuation, numbers as words).
struct CallMachineMaintenanceTests {
    typealias T = CallMachineTests

    static func policy(outdoor: Double? = nil) -> CallPolicy {
        var policy = T.policy()
        policy.businessName = "Elm Property Management"
        policy.maintenanceIntake = true
        policy.outdoorFahrenheit = outdoor
        return policy
    }

    static func openedTicket(_ actions: [CallAction]) -> TicketDraft? {
        actions.lazy.compactMap { if case .openTicket(let draft) = $0 { draft } else { nil } }.first
    }

    static func flagged(_ actions: [CallAction]) -> EmergencyMatch? {
        actions.lazy.compactMap { if case .flagEmergency(let match) = $0 { match } else { nil } }.first
    }

    /// Says each line in turn; returns the actions of the last.
    @discardableResult
    static func say(_ lines: [String], to machine: inout CallMachine, policy: CallPolicy = policy()) -> [CallAction] {
        var last: [CallAction] = []
        for line in lines { last = machine.handle(T.heard(line), policy: policy) }
        return last
    }

    @Test func aLeakIsTakenQuestionByQuestionReadBackAndOpenedOnYes() throws {
        let policy = Self.policy()
        var machine = T.greeted(policy)
        let words = "hi um my kitchen sink is leaking under the cabinet"
        #expect(machine.knowledgeQuery(for: words, policy: policy) == nil, "the maintenance path takes it: no lookup")
        let start = machine.handle(T.heard(words), policy: policy)
        #expect(start == [.say(CallScript.maintenanceIntro), .say("What's the address, with the apartment or unit number?"), .listen])
        #expect(machine.state == .leadCapture)
        #expect(machine.intake?.draft.trade == .plumbing)
        #expect(machine.intake?.draft.priority == .urgent)

        let unit = machine.handle(T.heard("fourteen elm street"), policy: policy)
        #expect(T.said(unit) == "Is there an apartment or unit number?")
        let access = machine.handle(T.heard("yeah apartment three b"), policy: policy)
        #expect(T.said(access) == "When can a vendor come in? For example, tomorrow morning, or any time.")
        let name = machine.handle(T.heard("tomorrow morning works"), policy: policy)
        #expect(T.said(name) == "Can I get your name, please?")
        let callerID = machine.handle(T.heard("ana ruiz"), policy: policy)
        #expect(T.said(callerID) == CallScript.confirmCallerID(T.caller))
        let readBack = machine.handle(T.heard("yes"), policy: policy)
        #expect(machine.state == .confirmation)
        #expect(T.said(readBack) == "Let me read that back. Problem: my kitchen sink is leaking under the cabinet, for a plumber, "
            + "urgent. Address: 14 Elm Street, Apartment 3B. Access: tomorrow morning. Name: Ana Ruiz. "
            + "Number: 5 5 5, 7 6 5, 4 3 2 1. Is that right?")

        let done = machine.handle(T.heard("yes that's right"), policy: policy)
        let ticket = try #require(Self.openedTicket(done))
        #expect(ticket.problem == words)
        #expect(ticket.trade == .plumbing)
        #expect(ticket.priority == .urgent)
        #expect(ticket.emergencyRule == nil)
        #expect(ticket.address == "14 Elm Street")
        #expect(ticket.unit == "Apartment 3B")
        #expect(ticket.accessWindow == "tomorrow morning")
        let window = try #require(ticket.accessTime)
        #expect(window.end.timeIntervalSince(window.start) == 4 * 3600, "tomorrow 08:00-12:00")
        #expect(ticket.name == "Ana Ruiz")
        #expect(ticket.phone == T.caller)
        #expect(T.said(done) == "Thank you, Ana. Your request is in. We'll arrange a vendor and send you a text with the details. "
            + CallScript.anythingElse)
        #expect(T.savedLead(done) == nil, "a ticket, not a lead")
        #expect(machine.state == .wrapUp)
        #expect(machine.handle(T.heard("no thanks"), policy: policy) == [.say(CallScript.goodbye), .hangUp])
        #expect(machine.outcome == .leadCaptured)
    }

    @Test func aFloodIsAnEmergencyWithoutTheGetOutLineAndNoAccessQuestion() throws {
        let policy = Self.policy()
        var machine = T.greeted(policy)
        let start = machine.handle(T.heard("water is pouring through my bathroom ceiling"), policy: policy)
        #expect(Self.flagged(start) == EmergencyMatch(phrase: "water is pouring", category: .water))
        #expect(!T.said(start).contains("911"), "nobody is in danger: no get-out line")
        let alert = try #require(T.alerts(start).first)
        #expect(alert.kind == .emergency)
        #expect(alert.message.hasPrefix("EMERGENCY maintenance (flooding or an active leak: water is pouring)"))
        #expect(start.suffix(3) == [.say(CallScript.maintenanceEmergencyIntro),
                                    .say("What's the address, with the apartment or unit number?"), .listen])

        let name = machine.handle(T.heard("twenty two oak avenue unit five"), policy: policy)
        #expect(T.said(name) == "Can I get your name, please?", "the unit was given; the access is as soon as possible")
        let readBack = Self.say(["my name is li wei", "yes"], to: &machine)
        #expect(T.said(readBack).contains("for a plumber, treated as an emergency."))
        #expect(T.said(readBack).contains("Access: as soon as possible."))
        let done = machine.handle(T.heard("yes"), policy: policy)
        let ticket = try #require(Self.openedTicket(done))
        #expect(ticket.priority == .emergency)
        #expect(ticket.emergencyRule == .flooding)
        #expect(ticket.address == "22 Oak Avenue")
        #expect(ticket.unit == "Unit 5")
        #expect(ticket.accessWindow == "as soon as possible")
        #expect(done.suffix(2) == [.say("Thank you, Li. Your request is in as an emergency. We're arranging a vendor right away, "
                                        + "and we'll send you a text with the details."), .hangUp])
        #expect(machine.state == .ended)
        #expect(machine.outcome == .emergency)
    }

    @Test func gasGoesToTheGetOutLineFirstThenTheTicket() throws {
        let policy = Self.policy()
        var machine = T.greeted(policy)
        let start = machine.handle(T.heard("i can smell gas in my apartment"), policy: policy)
        #expect(start.first == .flagEmergency(EmergencyMatch(phrase: "smell gas", category: .gas)))
        #expect(start[1] == .say("Please leave the building now, without using light switches or flames, and call 911 from outside."))
        #expect(T.alerts(start).count == 1)
        #expect(start.suffix(3) == [.say(CallScript.maintenanceLifeSafetyIntro),
                                    .say("What's the address, with the apartment or unit number?"), .listen])
        let done = Self.say(["nine main street apartment two", "maria lopez", "yes", "yes"], to: &machine)
        let ticket = try #require(Self.openedTicket(done))
        #expect(ticket.emergencyRule == .gas)
        #expect(ticket.priority == .emergency)
        #expect(ticket.trade == .plumbing)
        #expect(T.said(done).hasSuffix("and call 911 from outside."), "the safety line is the last thing said")
        #expect(done.last == .hangUp)
    }

    @Test func aMedicalEmergencyWithNothingBrokenTakesTheOrdinaryEmergencyPath() throws {
        let policy = Self.policy()
        var machine = T.greeted(policy)
        let actions = machine.handle(T.heard("my neighbour is unconscious in the hallway"), policy: policy)
        #expect(Self.flagged(actions)?.category == .medical)
        #expect(actions[1] == .say(CallScript.safety(policy)))
        #expect(machine.intake == nil)
        #expect(machine.lead?.isEmergency == true)
    }

    @Test func noHeatWithoutATemperatureAsksHowColdAndAVulnerableAnswerMakesItAnEmergency() throws {
        let policy = Self.policy()
        var machine = T.greeted(policy)
        let start = machine.handle(T.heard("the heat is not working"), policy: policy)
        #expect(Self.flagged(start) == nil)
        #expect(T.said(start) == CallScript.maintenanceIntro + " Roughly how cold is it inside right now? And is anyone there "
            + "elderly, a baby, or someone with a medical need?")
        #expect(machine.intake?.draft.priority == .urgent)
        let answer = machine.handle(T.heard("about fifty degrees and i have a newborn"), policy: policy)
        #expect(Self.flagged(answer)?.category == .heating)
        #expect(T.said(answer).hasPrefix(CallScript.maintenanceNowEmergency))
        #expect(machine.intake?.draft.emergencyRule == .noHeat)
        #expect(machine.intake?.draft.problem == "the heat is not working. about fifty degrees and i have a newborn")
        #expect(machine.intake?.draft.accessWindow == "as soon as possible")
    }

    @Test func noHeatWithAMildAnswerStaysUrgent() {
        let policy = Self.policy()
        var machine = T.greeted(policy)
        _ = machine.handle(T.heard("the heat is not working"), policy: policy)
        let answer = machine.handle(T.heard("i don't know maybe sixty five it's not too bad"), policy: policy)
        #expect(Self.flagged(answer) == nil)
        #expect(T.said(answer) == "What's the address, with the apartment or unit number?")
        #expect(machine.intake?.draft.priority == .urgent)
    }

    @Test func theBusinesssOutdoorTemperatureDecidesWithoutAsking() {
        let policy = Self.policy(outdoor: 28)
        var machine = T.greeted(policy)
        let start = machine.handle(T.heard("the furnace won't turn on"), policy: policy)
        #expect(Self.flagged(start)?.category == .heating)
        #expect(machine.intake?.draft.priority == .emergency)
        #expect(machine.intake?.draft.priorityReason.contains("28 °F, below 45 °F") == true)
        #expect(!T.said(start).contains("how cold"))
    }

    @Test func aCorrectionWithItsValueAndANamedPartAtTheReadBack() throws {
        let policy = Self.policy()
        var machine = T.greeted(policy)
        Self.say(["the dishwasher won't drain", "eight birch road", "apartment 2", "any time", "sam lee", "yes"], to: &machine)
        #expect(machine.state == .confirmation)
        #expect(machine.intake?.draft.accessWindow == "any time")

        let updated = machine.handle(T.heard("no it's apartment 5"), policy: policy)
        #expect(updated.first == .say(CallScript.updated))
        #expect(T.said(updated).contains("Address: 8 Birch Road, Apartment 5."))
        #expect(machine.state == .confirmation)

        #expect(machine.handle(T.heard("no"), policy: policy) == [.say(CallScript.maintenanceWhichField), .listen])
        let ask = machine.handle(T.heard("the time"), policy: policy)
        #expect(T.said(ask) == "When can a vendor come in? For example, tomorrow morning, or any time.")
        let readBack = machine.handle(T.heard("friday afternoon"), policy: policy)
        #expect(T.said(readBack).contains("Access: friday afternoon."))
        let ticket = try #require(Self.openedTicket(machine.handle(T.heard("yes"), policy: policy)))
        #expect(ticket.trade == .appliance)
        #expect(ticket.priority == .routine)
        #expect(ticket.unit == "Apartment 5")
        #expect(ticket.accessWindow == "friday afternoon")
    }

    @Test func theCallerIDCanBeDeclinedForAnotherNumber() throws {
        let policy = Self.policy()
        var machine = T.greeted(policy)
        Self.say(["there are mice in the kitchen", "5 pine court", "no it's a house", "weekdays after five", "jo park"], to: &machine)
        let ask = machine.handle(T.heard("no"), policy: policy)
        #expect(ask == [.say(CallScript.prompt(for: .phone, emergency: false)), .listen])
        let readBack = machine.handle(T.heard("five five five two two two three three three three"), policy: policy)
        #expect(T.said(readBack).contains("Number: 5 5 5, 2 2 2, 3 3 3 3."))
        let ticket = try #require(Self.openedTicket(machine.handle(T.heard("yes"), policy: policy)))
        #expect(ticket.phone == "+15552223333")
        #expect(ticket.unit == nil)
        #expect(ticket.trade == .pest)
        #expect(ticket.accessWindow == "weekdays after five", "a window that is no time is kept as said")
    }

    @Test func anUnusableAddressIsAskedTwiceThenKeptAsSaid() {
        let policy = Self.policy()
        var machine = T.greeted(policy)
        _ = machine.handle(T.heard("the toilet is clogged"), policy: policy)
        #expect(machine.handle(T.heard("um"), policy: policy) == [.say(CallScript.retry(for: .address)), .listen])
        #expect(machine.handle(T.heard("the blue building"), policy: policy) == [.say(CallScript.retry(for: .address)), .listen])
        let next = machine.handle(T.heard("the blue building by the park"), policy: policy)
        #expect(machine.intake?.draft.address == "the blue building by the park")
        #expect(T.said(next) == "Is there an apartment or unit number?")
    }

    @Test func aUnitAloneAsksForTheStreet() {
        let policy = Self.policy()
        var machine = T.greeted(policy)
        _ = machine.handle(T.heard("the toilet is clogged"), policy: policy)
        let street = machine.handle(T.heard("unit four"), policy: policy)
        #expect(T.said(street) == "And what's the street address?")
        let access = machine.handle(T.heard("one hundred main street"), policy: policy)
        #expect(machine.intake?.draft.fullAddress == "100 Main Street, Unit 4")
        #expect(T.said(access).hasPrefix("When can a vendor come in?"), "the unit was given: not asked again")
    }

    @Test func aMaintenanceRequestWithoutAProblemAsksWhatIsWrong() {
        let policy = Self.policy()
        var machine = T.greeted(policy)
        let ask = machine.handle(T.heard("hi i need to put in a maintenance request"), policy: policy)
        #expect(T.said(ask) == CallScript.maintenanceRequestIntro + " What's the problem? Tell me what's wrong and where in the home.")
        #expect(machine.handle(T.heard("yes"), policy: policy) == [.say(CallScript.intakeRetry(.problem)), .listen])
        let next = machine.handle(T.heard("the bedroom window won't close"), policy: policy)
        #expect(machine.intake?.draft.problem == "the bedroom window won't close")
        #expect(machine.intake?.draft.emergencyRule == .security)
        #expect(Self.flagged(next)?.category == .security)
    }

    @Test func somethingWorseMidIntakeMakesItAnEmergencyAndAsksTheSameQuestionAgain() {
        let policy = Self.policy()
        var machine = T.greeted(policy)
        Self.say(["there's a leak under the sink", "twelve cedar lane", "no"], to: &machine)
        #expect(machine.intake?.asking == .access)
        let actions = machine.handle(T.heard("oh no now water is gushing out everywhere"), policy: policy)
        #expect(Self.flagged(actions)?.category == .water)
        #expect(machine.intake?.draft.priority == .emergency)
        #expect(machine.intake?.draft.problem == "there's a leak under the sink. oh no now water is gushing out everywhere")
        #expect(T.said(actions).hasSuffix(CallScript.maintenanceEmergencyIntro + " Can I get your name, please?"),
                "the access is now as soon as possible: the next question is the name")
    }

    @Test func silenceRepeatsTheQuestionAndAHangUpKeepsTheDetailsAsALeadNotATicket() throws {
        let policy = Self.policy()
        var machine = T.greeted(policy)
        _ = machine.handle(T.heard("the front door lock is jammed and it won't lock"), policy: policy)
        let again = machine.handle(.silence, policy: policy)
        #expect(again == [.say(CallScript.noSpeech), .say("What's the address, with the apartment or unit number?"), .listen])
        _ = machine.handle(T.heard("three elm street"), policy: policy)
        let actions = machine.handle(.hungUp, policy: policy)
        #expect(Self.openedTicket(actions) == nil)
        let lead = try #require(T.savedLead(actions))
        #expect(lead.isEmergency)
        #expect(lead.phone == T.caller)
        #expect(lead.address == "3 Elm Street")
        #expect(lead.notes == "the front door lock is jammed and it won't lock")
        #expect(machine.state == .ended)
        #expect(machine.outcome == .emergency)
    }

    @Test func questionsAboutTheBusinessAndRequestsForAPersonAreNotIntake() {
        let policy = Self.policy()
        var machine = T.greeted(policy)
        let question = "do you fix broken windows"
        #expect(machine.knowledgeQuery(for: question, policy: policy) == question)
        _ = machine.handle(T.heard(question, passages: []), policy: policy)
        #expect(machine.intake == nil)
        #expect(machine.state == .faq)

        var other = T.greeted(policy)
        _ = other.handle(T.heard("i want to talk to someone about my leaking sink"), policy: policy)
        #expect(other.intake == nil)
        #expect(other.state == .leadCapture, "no transfer number: a message")
        #expect(other.lead?.reason == .noTransfer)
    }

    @Test func withoutTheSettingTheSameWordsTakeTheOrdinaryPaths() {
        let policy = T.policy()
        var machine = T.greeted(policy)
        let actions = machine.handle(T.heard("the heat is not working"), policy: policy)
        #expect(Self.flagged(actions)?.category == .heating, "the ordinary detector's no-heat emergency")
        #expect(machine.intake == nil)
        #expect(machine.lead?.isEmergency == true)
    }

    @Test func anEmergencyWhileLeavingAMessageBecomesATicketWithTheDetailsGiven() throws {
        let policy = Self.policy()
        var machine = T.greeted(policy)
        Self.say(["can i leave a message", "tom hardy"], to: &machine)
        #expect(machine.lead?.name == "Tom Hardy")
        let actions = machine.handle(T.heard("oh and the basement is flooding"), policy: policy)
        #expect(Self.flagged(actions)?.category == .water)
        #expect(machine.lead == nil, "the ticket replaces the message")
        #expect(machine.intake?.draft.name == "Tom Hardy")
        #expect(T.said(actions).hasSuffix("What's the address, with the apartment or unit number?"))
    }

    @Test func aSecondProblemOnTheSameCallIsASecondTicket() throws {
        let policy = Self.policy()
        var machine = T.greeted(policy)
        let first = Self.say(["the bathroom fan is broken", "four ash road", "no", "any time", "eve moss", "yes", "yes"],
                             to: &machine)
        #expect(Self.openedTicket(first)?.trade == .general)
        #expect(machine.state == .wrapUp)
        let second = machine.handle(T.heard("yes actually the oven is not heating either"), policy: policy)
        #expect(T.said(second).hasPrefix(CallScript.maintenanceIntro))
        let readBack = Self.say(["four ash road", "no", "any time"], to: &machine)
        #expect(T.said(readBack).contains("Name: Eve Moss."), "the same caller's name and number carry over")
        let done = machine.handle(T.heard("yes"), policy: policy)
        #expect(Self.openedTicket(done)?.trade == .appliance)
        #expect(machine.intake?.ticketsOpened == 2)
    }

    @Test func aMachineStoredMidIntakeContinuesExactlyAsOneThatWasNot() throws {
        let policy = Self.policy()
        var live = T.greeted(policy)
        Self.say(["the kitchen sink is leaking", "14 elm street"], to: &live)
        var restored = try JSONDecoder().decode(CallMachine.self, from: JSONEncoder().encode(live))
        #expect(restored == live)
        for line in ["apartment 2", "tomorrow afternoon", "ana ruiz", "yes", "yes"] {
            #expect(restored.handle(T.heard(line), policy: policy) == live.handle(T.heard(line), policy: policy))
        }
        #expect(restored == live)
        #expect(live.intake?.ticketsOpened == 1)
    }
}
