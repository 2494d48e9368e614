import Foundation
import Testing
@testable import Receptionist

/// Booking on the phone with the business's real free slots.
struct CallMachineBookingTests {
    typealias T = CallMachineTests
    static let zone = TimeZone(identifier: "America/Chicago")!

    /// Local time on the day after `T.now` (Wednesday 18 Nov 2026 in Chicago is the test's "now" day).
    static func tomorrow(_ hour: Int, _ minute: Int = 0, plusDays: Int = 1) -> BookingInterval {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let day = calendar.date(byAdding: .day, value: plusDays, to: calendar.startOfDay(for: T.now))!
        let start = calendar.date(bySettingHour: hour, minute: minute, second: 0, of: day)!
        return BookingInterval(start: start, end: start.addingTimeInterval(3600))
    }

    static var policy: CallPolicy {
        var policy = T.policy(collectAddress: false)
        policy.openSlots = [tomorrow(8), tomorrow(10, 30), tomorrow(9, plusDays: 2)]
        return policy
    }

    static func offered(_ machine: CallMachine) -> CallMachine {
        var machine = machine
        _ = machine.handle(T.heard("i'd like to book an appointment"), policy: policy)
        return machine
    }

    @Test func aBookingRequestOffersTheSoonestFreeSlots() {
        var machine = T.greeted(Self.policy)
        #expect(machine.wantsOpenSlots(for: "i'd like to book an appointment"))
        #expect(!machine.wantsOpenSlots(for: "what are your hours"))
        let actions = machine.handle(T.heard("i'd like to book an appointment"), policy: Self.policy)
        #expect(machine.state == .bookingRequest)
        #expect(actions == [.say("Sure. I can do tomorrow at 8 a.m. or tomorrow at 10:30 a.m. Which would suit you?"), .listen])
    }

    @Test func aRequestedWindowNarrowsTheOffer() {
        var machine = T.greeted(Self.policy)
        let actions = machine.handle(T.heard("can i book someone for friday morning"), policy: Self.policy)
        #expect(T.said(actions).contains("Friday at 9 a.m."), "\(T.said(actions))")
        #expect(!T.said(actions).contains("tomorrow"))
    }

    @Test func choosingTakingDetailsAndConfirmingBooksTheSlot() throws {
        var machine = Self.offered(T.greeted(Self.policy))
        let chose = machine.handle(T.heard("the second one please"), policy: Self.policy)
        #expect(T.said(chose).hasPrefix("Great, tomorrow at 10:30 a.m. it is."))
        #expect(machine.lead?.appointment == Self.tomorrow(10, 30))
        _ = machine.handle(T.heard("my name is eva ruiz"), policy: Self.policy)
        let readBack = machine.handle(T.heard("yes"), policy: Self.policy)  // caller ID; the request is the note
        #expect(machine.state == .confirmation)
        #expect(T.said(readBack).contains("Appointment: tomorrow at 10:30 a.m."))
        let done = machine.handle(T.heard("yes"), policy: Self.policy)
        guard case .book(let slot, let lead) = done.first else {
            Issue.record("expected the booking first: \(done)")
            return
        }
        #expect(slot == Self.tomorrow(10, 30))
        #expect(lead.name == "Eva Ruiz")
        #expect(lead.phone == T.caller)
        #expect(T.savedLead(done)?.reason == .booking)
        #expect(T.said(done).contains("You're booked for tomorrow at 10:30 a.m."))
        #expect(machine.state == .wrapUp)
        _ = machine.handle(T.heard("no thanks"), policy: Self.policy)
        #expect(machine.outcome == .booked)
    }

    @Test func declinedSlotsAreNotOfferedAgain() {
        var machine = Self.offered(T.greeted(Self.policy))
        let next = machine.handle(T.heard("no neither of those"), policy: Self.policy)
        #expect(T.said(next).contains("Friday at 9 a.m."))
        #expect(!T.said(next).contains("tomorrow"))
        let none = machine.handle(T.heard("no"), policy: Self.policy)
        #expect(machine.state == .leadCapture, "no slot left: details for a call back")
        #expect(T.said(none).contains("Someone will call you back to arrange a time."))
    }

    @Test func aSlotTakenMeanwhileIsOfferedAgainWithOthers() {
        var machine = Self.offered(T.greeted(Self.policy))
        for words in ["yes", "my name is eva ruiz", "yes"] { _ = machine.handle(T.heard(words), policy: Self.policy) }
        #expect(machine.state == .confirmation)
        var policy = Self.policy
        policy.openSlots.removeFirst()   // 8 a.m. went to someone else
        let actions = machine.handle(.slotTaken, policy: policy)
        #expect(machine.state == .bookingRequest)
        #expect(machine.lead?.appointment == nil)
        #expect(T.said(actions) == "I'm sorry, that time has just been taken. I can do tomorrow at 10:30 a.m. or Friday at 9 a.m. Which would suit you?")
        #expect(!machine.booked)
    }

    @Test func withoutFreeSlotsTheCallerIsAskedForAPreferredTime() {
        var policy = T.policy()
        policy.openSlots = []
        var machine = T.greeted(policy)
        let actions = machine.handle(T.heard("i'd like to book an appointment"), policy: policy)
        #expect(actions == [.say(CallScript.bookingAskTime), .listen])
    }
}
