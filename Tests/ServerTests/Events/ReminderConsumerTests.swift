import Events
import Foundation
import GRDB
import HummingbirdTesting
import Testing
@testable import Server

/// The `reminders` consumer: appointments booked over the API get a timer in the work queue, and the timer texts
/// the reminder once — or nothing, when the appointment moved, was cancelled or its customer opted out.
@Suite struct ReminderConsumerTests {
    /// Tuesday 4 June 2030, 10:00 in Chicago (the CRM test businesses' zone; reminders 24 hours ahead).
    static let tuesday = ContractTime.chicago("2030-06-04T10:00")
    static let text = "Reminder from Rapid Rooter: your Drain cleaning appointment is on Tue 4 Jun at 10:00 AM. Reply STOP to opt out."

    /// Books Ann at `start` (local Chicago time) over the API and returns the appointment's id and Ann's.
    static func book(_ crm: CRMTestApp, start: String = "2030-06-04T10:00") async throws -> (appointment: String, customer: String) {
        try await crm.test.app.test(.router) { client in
            let ann = try await AppointmentsAPITests.customer(client, key: crm.keyA)
            let booked = try await AppointmentsAPITests.book(client, key: crm.keyA, customer: ann, start: start)
            #expect(booked.status == .created)
            return (try #require(booked.body.id), ann)
        }
    }

    /// PATCHes one field over the API.
    static func patch(_ crm: CRMTestApp, _ path: String, _ field: String, _ value: some Sendable) async throws {
        let status = try await crm.test.app.test(.router) { client in
            try await client.call(.patch, path, key: crm.keyA, json: [field: value]).status
        }
        #expect(status == .ok)
    }

    static func timers(_ crm: CRMTestApp) async throws -> [Job] {
        try await crm.test.services.jobs.jobs(kind: ReminderSendJob.kind)
    }

    /// The texts queued, as (dedupe key, body).
    static func texts(_ crm: CRMTestApp) async throws -> [[String?]] {
        try await crm.test.services.database.dbPool.read { db in
            try Row.fetchAll(db, sql: "SELECT dedupe_key, body FROM sms_outbox ORDER BY id").map { [$0["dedupe_key"], $0["body"]] }
        }
    }

    @Test func aBookedAppointmentGetsATimerThatTextsTheReminderOnce() async throws {
        let crm = try await CRMTestApp.make()
        let (id, _) = try await Self.book(crm)
        await crm.test.services.eventConsumers.drainAll()
        let timer = try #require(try await Self.timers(crm).first)
        #expect(try await Self.timers(crm).count == 1)
        #expect(timer.runAt == Self.tuesday.addingTimeInterval(-24 * 3600))
        #expect(timer.businessId == crm.a.id)
        #expect(timer.dedupeKey == "reminder-timer:\(id):\(Int(Self.tuesday.timeIntervalSince1970))")

        // A redelivered event adds nothing.
        let consumer = try #require(crm.test.services.eventConsumers.consumer(named: "reminders"))
        #expect(try await crm.test.services.eventConsumers.replay(consumer: consumer, after: 0) == 1)
        #expect(try await Self.timers(crm).count == 1)

        let runner = crm.test.services.jobRunner
        try await runner.runDue(now: timer.runAt.addingTimeInterval(-1))
        #expect(try await crm.test.services.jobs.job(id: timer.id)?.status == .queued, "not before its time")
        #expect(try await Self.texts(crm).isEmpty)
        try await runner.runDue(now: timer.runAt)
        try await runner.runDue(now: timer.runAt.addingTimeInterval(60))
        #expect(try await crm.test.services.jobs.job(id: timer.id)?.status == .done)
        #expect(try await Self.texts(crm) == [["reminder:\(id)", Self.text]])

        // The hourly sweep finds it reminded already (the same outbox key).
        let swept = try await crm.test.services.reminders.sendUpcoming(business: crm.a, now: timer.runAt.addingTimeInterval(3600))
        #expect(swept.sent.isEmpty)
        #expect(swept.skipped.map(\.reason) == ["already_sent"])
        #expect(try await Self.texts(crm).count == 1)
    }

    @Test func aMovedAppointmentGetsANewTimerAndTheOldOneDoesNothing() async throws {
        let crm = try await CRMTestApp.make()
        let (id, _) = try await Self.book(crm)
        await crm.test.services.eventConsumers.drainAll()
        try await Self.patch(crm, "/v1/appointments/\(id)", "start", "2030-06-05T10:00")
        await crm.test.services.eventConsumers.drainAll()
        let timers = try await Self.timers(crm)
        let wednesday = ContractTime.chicago("2030-06-05T10:00")
        #expect(timers.map(\.runAt) == [Self.tuesday.addingTimeInterval(-24 * 3600), wednesday.addingTimeInterval(-24 * 3600)])
        #expect(timers.last?.dedupeKey == "reminder-timer:\(id):\(Int(wednesday.timeIntervalSince1970))")

        let runner = crm.test.services.jobRunner
        try await runner.runDue(now: timers[0].runAt)
        #expect(try await crm.test.services.jobs.job(id: timers[0].id)?.status == .done)
        #expect(try await Self.texts(crm).isEmpty, "the old timer finds the appointment moved")
        try await runner.runDue(now: timers[1].runAt)
        #expect(try await Self.texts(crm) == [["reminder:\(id)", Self.text.replacingOccurrences(of: "Tue 4 Jun", with: "Wed 5 Jun")]])
    }

    @Test func aCancelledAppointmentIsNotReminded() async throws {
        let crm = try await CRMTestApp.make()
        let (id, _) = try await Self.book(crm)
        await crm.test.services.eventConsumers.drainAll()
        try await Self.patch(crm, "/v1/appointments/\(id)", "status", "cancelled")
        await crm.test.services.eventConsumers.drainAll()
        let timers = try await Self.timers(crm)
        #expect(timers.count == 1, "a cancellation sets no timer")
        try await crm.test.services.jobRunner.runDue(now: try #require(timers.first).runAt)
        #expect(try await crm.test.services.jobs.job(id: timers[0].id)?.status == .done)
        #expect(try await Self.texts(crm).isEmpty)
    }

    @Test func aCustomerWhoOptedOutAfterBookingIsNotTexted() async throws {
        let crm = try await CRMTestApp.make()
        let (_, customer) = try await Self.book(crm)
        await crm.test.services.eventConsumers.drainAll()
        try await Self.patch(crm, "/v1/customers/\(customer)", "sms_opt_out", true)
        let timer = try #require(try await Self.timers(crm).first)
        try await crm.test.services.jobRunner.runDue(now: timer.runAt)
        #expect(try await crm.test.services.jobs.job(id: timer.id)?.status == .done)
        #expect(try await Self.texts(crm).isEmpty)
    }

    /// The timer's time with the consumer's clock at different moments (the app's consumer is not run here).
    @Test func aTimerWhoseTimeHasPassedIsDueNowAndAStartedAppointmentGetsNone() async throws {
        let crm = try await CRMTestApp.make()
        _ = try await Self.book(crm)
        let events = try await crm.test.services.events.events(EventQuery(businessId: crm.a.id, types: [.appointmentBooked]))
        let booked = try #require(events.first)
        func consumer(at now: Date) -> ReminderConsumer {
            ReminderConsumer(businesses: crm.test.services.businesses, jobs: crm.test.services.jobs, now: { now }, queued: {})
        }
        try await consumer(at: Self.tuesday).handle(booked)
        #expect(try await Self.timers(crm).isEmpty, "the appointment has started")
        let twoHoursBefore = Self.tuesday.addingTimeInterval(-2 * 3600)
        try await consumer(at: twoHoursBefore).handle(booked)
        #expect(try await Self.timers(crm).map(\.runAt) == [twoHoursBefore])
        try await crm.test.services.jobRunner.runDue(now: twoHoursBefore)
        #expect(try await Self.texts(crm).map { $0[1] } == [Self.text])
    }
}
