import Foundation
import Testing
@testable import Server

/// `ReminderRepository`'s contract, on every backend (Mon–Fri 08:00–17:00 in Chicago; 2030 dates).
@Suite struct ReminderRepositoryTests {
    static func at(_ local: String) -> Date { ContractTime.chicago(local) }
    /// Monday noon.
    static let now = at("2030-06-03T12:00")
    static let text: @Sendable (Appointment) -> String = { "Reminder for \($0.id)" }

    struct Fixture {
        let store: RepositoryStore
        let business: Business
        let ann: Customer
        let bo: Customer

        init(_ backend: RepositoryBackend, numbers: [String] = ["+15550100000"]) async throws {
            store = try await backend.make()
            business = try await store.makeBusiness("acme", numbers: numbers, settings: CRMTestApp.settings())
            ann = try await store.repositories.customers.create(businessId: business.id, CustomerFields(phone: "+15557654321"))
            bo = try await store.repositories.customers.create(businessId: business.id,
                                                               CustomerFields(phone: "+15557654322", smsOptOut: true))
        }

        func book(_ customer: Customer, _ start: String, status: AppointmentStatus = .booked) async throws -> Appointment {
            let appointment = AppointmentRepositoryTests.appointment(business, customer, start)
            var booked = try await store.repositories.appointments.create(appointment, rules: business.bookingRules,
                                                                          now: ContractTime.now)
            if status != .booked {
                booked = try await store.repositories.appointments.update(
                    id: booked.id, businessId: business.id, AppointmentPatch(status: status), rules: business.bookingRules,
                    now: ContractTime.now)
            }
            return booked
        }

        func queue(_ selection: ReminderSelection, now: Date = ReminderRepositoryTests.now) async throws -> [ReminderOutcome] {
            try await store.repositories.reminders.queueReminders(businessId: business.id, selection, now: now,
                                                                  text: ReminderRepositoryTests.text)
        }

        /// The bodies of the texts queued so far, through their `sms.send` jobs.
        func bodies() async throws -> [String] {
            var bodies: [String] = []
            for job in try await store.repositories.jobs.jobs(kind: SMSSendJob.kind) {
                let row = try await store.repositories.outbox.row(id: job.decode(SMSSendJob.Payload.self).outboxId)
                bodies.append(try #require(row).body)
            }
            return bodies
        }
    }

    @Test(arguments: RepositoryBackend.all)
    func theSweepTextsEachAppointmentInItsWindowOnceAndNeverAnOptedOutCustomer(_ backend: RepositoryBackend) async throws {
        let fixture = try await Fixture(backend)
        let tuesday = try await fixture.book(fixture.ann, "2030-06-04T08:00")
        let opted = try await fixture.book(fixture.bo, "2030-06-04T10:00")
        _ = try await fixture.book(fixture.ann, "2030-06-04T09:00", status: .cancelled)
        let confirmed = try await fixture.book(fixture.ann, "2030-06-04T11:00", status: .confirmed)
        _ = try await fixture.book(fixture.ann, "2030-06-06T09:00")  // beyond the window
        let window = ReminderSelection.startingBetween(after: Self.now, through: Self.now.addingTimeInterval(86_400))

        let first = try await fixture.queue(window)
        #expect(first.map(\.appointment.id) == [tuesday.id, opted.id, confirmed.id])
        #expect(first.map(\.skipped) == [nil, "opted_out", nil])
        #expect(try await fixture.bodies() == ["Reminder for \(tuesday.id)", "Reminder for \(confirmed.id)"])
        #expect(try await fixture.store.count("sms_outbox", where: "dedupe_key = ?", ["reminder:\(tuesday.id)"]) == 1)

        let second = try await fixture.queue(window)
        #expect(second.map(\.skipped) == ["already_sent", "opted_out", "already_sent"])
        #expect(try await fixture.store.count("sms_outbox") == 2)
    }

    @Test(arguments: RepositoryBackend.all)
    func aTimerTextsItsAppointmentOnlyWhileItIsStillAtThatStart(_ backend: RepositoryBackend) async throws {
        let fixture = try await Fixture(backend)
        let thursday = try await fixture.book(fixture.ann, "2030-06-06T09:00")
        let cancelled = try await fixture.book(fixture.ann, "2030-06-06T13:00", status: .cancelled)

        #expect(try await fixture.queue(.appointment(id: thursday.id, startAt: Self.at("2030-06-06T10:00"))).isEmpty,
                "moved since the timer was set")
        #expect(try await fixture.queue(.appointment(id: cancelled.id, startAt: cancelled.startAt)).isEmpty)
        #expect(try await fixture.queue(.appointment(id: thursday.id, startAt: thursday.startAt),
                                        now: thursday.startAt).isEmpty, "already started")
        #expect(try await fixture.store.count("sms_outbox") == 0)

        let queued = try await fixture.queue(.appointment(id: thursday.id, startAt: thursday.startAt))
        #expect(queued == [ReminderOutcome(appointment: thursday, skipped: nil)])
        let again = try await fixture.queue(.appointment(id: thursday.id, startAt: thursday.startAt))
        #expect(again.map(\.skipped) == ["already_sent"])
        #expect(try await fixture.bodies() == ["Reminder for \(thursday.id)"])

        // Another business's timer cannot reach this business's appointment.
        let other = try await fixture.store.makeBusiness("other", numbers: ["+15550200000"])
        #expect(try await fixture.store.repositories.reminders.queueReminders(
            businessId: other.id, .appointment(id: thursday.id, startAt: thursday.startAt), now: Self.now,
            text: Self.text).isEmpty)
    }

    @Test(arguments: RepositoryBackend.all)
    func withoutANumberToTextFromNothingIsQueued(_ backend: RepositoryBackend) async throws {
        let fixture = try await Fixture(backend, numbers: [])
        let tuesday = try await fixture.book(fixture.ann, "2030-06-04T08:00")
        let outcomes = try await fixture.queue(.startingBetween(after: Self.now, through: Self.now.addingTimeInterval(86_400)))
        #expect(outcomes == [ReminderOutcome(appointment: tuesday, skipped: "no_business_number")])
        #expect(try await fixture.store.count("sms_outbox") == 0)
    }

    /// Two reminder passes at once (two nodes, or a sweep and a timer): each appointment is texted once, and every
    /// outcome is either the one queued text or `already_sent`.
    @Test(arguments: RepositoryBackend.all)
    func passesAtOnceTextEachAppointmentOnce(_ backend: RepositoryBackend) async throws {
        let fixture = try await Fixture(backend)
        let other = try await fixture.store.reopened()
        let tuesday = try await fixture.book(fixture.ann, "2030-06-04T08:00")
        let wednesday = try await fixture.book(fixture.ann, "2030-06-05T08:00")
        let window = ReminderSelection.startingBetween(after: Self.now, through: Self.now.addingTimeInterval(3 * 86_400))
        let nodes = [fixture.store.repositories.reminders, other.repositories.reminders]
        let passes = try await withThrowingTaskGroup(of: [ReminderOutcome].self) { group in
            for index in 0..<6 {
                group.addTask {
                    try await nodes[index % 2].queueReminders(businessId: fixture.business.id, window, now: Self.now,
                                                              text: Self.text)
                }
            }
            return try await group.reduce(into: [[ReminderOutcome]]()) { $0.append($1) }
        }
        for appointment in [tuesday, wednesday] {
            let outcomes = passes.flatMap { $0 }.filter { $0.appointment.id == appointment.id }
            #expect(outcomes.count == 6)
            #expect(outcomes.filter { $0.skipped == nil }.count == 1)
            #expect(outcomes.filter { $0.skipped == "already_sent" }.count == 5)
        }
        #expect(try await fixture.store.count("sms_outbox") == 2)
    }
}
