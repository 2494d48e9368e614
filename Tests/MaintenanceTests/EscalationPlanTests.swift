import Foundation
import Maintenance
import Testing

@Suite struct EscalationPlanTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let dana = LandlordContact(name: "Dana", phone: "+15550100001")
    let omar = LandlordContact(name: "Omar", phone: "+15550100002")

    /// Walks the plan, performing each step exactly when it is due, and returns every step.
    private func walk(_ plan: EscalationPlan, delay: TimeInterval = 0) -> [EscalationPlan.Step] {
        var made: [EscalationAttempt] = []
        var steps: [EscalationPlan.Step] = []
        while case let .attempt(step) = plan.next(after: made, startedAt: start) {
            steps.append(step)
            made.append(EscalationAttempt(phone: step.contact.phone, channel: step.channel, at: step.at + delay))
            if steps.count > 100 { break }
        }
        return steps
    }

    @Test func contactsAreTriedInOrderEachByTextThenCallUpToNTimes() {
        let plan = EscalationPlan(contacts: [dana, omar], attemptsPerContact: 3, gap: 300)
        let steps = walk(plan)
        #expect(steps.count == 12)
        #expect(steps.map(\.contact.name) == Array(repeating: "Dana", count: 6) + Array(repeating: "Omar", count: 6))
        #expect(steps.map(\.channel) == Array(repeating: [EscalationPlan.Channel.sms, .call], count: 6).flatMap { $0 })
        #expect(steps.map(\.attempt) == [1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3])
        // Attempts every 5 minutes, the call with its text; Omar starts 5 minutes after Dana's third attempt.
        #expect(steps.map { $0.at.timeIntervalSince(start) / 60 } == [0, 0, 5, 5, 10, 10, 15, 15, 20, 20, 25, 25])
    }

    @Test func aLateStepPushesTheNextOneBack() {
        let plan = EscalationPlan(contacts: [dana], attemptsPerContact: 2, gap: 300)
        let steps = walk(plan, delay: 60)   // every step performed a minute late
        // sms 0 (done at 1), call due 1 (done at 2), sms due 2+5 = 7 (done 8), call due 8.
        #expect(steps.map { $0.at.timeIntervalSince(start) / 60 } == [0, 1, 7, 8])
    }

    @Test func noContactsIsExhaustedAtOnce() {
        #expect(EscalationPlan(contacts: [], attemptsPerContact: 3, gap: 300).next(after: [], startedAt: start) == .exhausted)
    }

    @Test func theFirstStepIsDueWhenTheEscalationStarts() {
        let plan = DispatchSettings(landlordContacts: [dana, omar]).escalationPlan
        #expect(plan.next(after: [], startedAt: start)
                == .attempt(EscalationPlan.Step(contact: dana, channel: .sms, attempt: 1, at: start)))
        #expect(walk(plan).count == 12)
    }

    @Test func stepsMadeInAnyOrderAreCounted() {
        let plan = EscalationPlan(contacts: [dana, omar], attemptsPerContact: 1, gap: 300)
        let made = [EscalationAttempt(phone: dana.phone, channel: .call, at: start + 10),
                    EscalationAttempt(phone: dana.phone, channel: .sms, at: start)]
        #expect(plan.next(after: made, startedAt: start)
                == .attempt(EscalationPlan.Step(contact: omar, channel: .sms, attempt: 1, at: start + 310)))
    }
}
