import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Server

/// Calls joined up with the CRM: callers become customers, owner alerts are texted, reminders go out once, and
/// the owner hears the day read aloud.
@Suite struct OwnerAndRemindersTests {
    static let ownerPhone = "+15550109999"

    /// Noon on Monday 3 June 2030 in Chicago.
    static let monday = ISO8601DateFormatter().date(from: "2030-06-03T17:00:00Z")!

    @Test func callersBecomeCustomersAndOwnerAlertsAreTextedThroughTheOutbox() async throws {
        let standIn = TwilioMessagingStandIn()
        try await standIn.run { base in
            let crm = try await CRMTestApp.make(settings: CRMTestApp.settings { $0.ownerPhone = Self.ownerPhone }) { config in
                config.twilioAuthToken = TwilioMessagingStandIn.authToken
                config.twilioAccountSid = TwilioMessagingStandIn.accountSid
                config.twilioAPIBaseURL = base.absoluteString
                config.publicBaseURL = TwilioTestClient.publicBaseURL
            }
            try await crm.test.app.test(.router) { client in
                var call = SimulatedCall(twilio: TwilioTestClient(authToken: TwilioMessagingStandIn.authToken), to: CRMTestApp.numberA)
                _ = try await call.start(client)
                _ = try await call.say(client, "my basement is flooding")
                _ = try await call.say(client, "4 oak street")
                _ = try await call.say(client, "yes")
                _ = try await call.say(client, "my name is lena fox")
                _ = try await call.say(client, "yes")
                _ = try await call.hangUp(client, duration: 70)

                let (_, customers) = try await client.call(.get, "/v1/customers", key: crm.keyA)
                let customer = try #require(customers.items.first)
                #expect(customer["phone"] as? String == call.from)
                #expect(customer["name"] as? String == "Lena Fox", "the lead's name fills the customer in")
                let (_, other) = try await client.call(.get, "/v1/customers", key: crm.keyB)
                #expect(other.items.isEmpty)

                // The call is the customer's voice conversation, line by line.
                let sid = call.sid
                let conversationId = try await crm.test.services.database.dbPool.read { db in
                    try String.fetchOne(db, sql: "SELECT id FROM conversations WHERE channel = 'voice' AND call_sid = ?", arguments: [sid])
                }
                let (status, conversation) = try await client.call(.get, "/v1/conversations/\(try #require(conversationId))", key: crm.keyA)
                #expect(status == .ok)
                #expect(conversation["channel"] as? String == "voice")
                let messages = try #require(conversation["messages"] as? [[String: Any]])
                #expect(messages.first?["direction"] as? String == "outbound", "the greeting")
                #expect(messages.contains { $0["direction"] as? String == "inbound" && $0["body"] as? String == "my basement is flooding" })
                #expect(try await client.call(.get, "/v1/conversations/\(try #require(conversationId))", key: crm.keyB).status == .notFound)
            }
            // The owner-alerts consumer queues the texts; the work queue sends them.
            await crm.test.services.eventConsumers.drainAll()
            try await crm.test.services.jobRunner.runDue(now: Date())
            let texts = standIn.received.map { ($0.form["To"], $0.form["Body"] ?? "") }
            #expect(texts.count == 2, "\(texts)")
            #expect(texts.allSatisfy { $0.0 == Self.ownerPhone })
            #expect(texts.first?.1.contains("EMERGENCY") == true)
            #expect(texts.first?.1.contains("Call back: +15557654321") == true)
            #expect(texts.last?.1.contains("Lena Fox") == true)
            let statuses = try await crm.test.services.database.dbPool.read { db in
                try String.fetchAll(db, sql: "SELECT status FROM sms_outbox ORDER BY id")
            }
            #expect(statuses == ["sent", "sent"])
        }
    }

    @Test func remindersGoOutOncePerAppointmentAndNeverToOptedOutCustomers() async throws {
        let crm = try await CRMTestApp.make()
        let (ann, bo) = try await crm.test.app.test(.router) { client in
            let ann = try await AppointmentsAPITests.customer(client, key: crm.keyA, phone: "+15557654321")
            let bo = try await AppointmentsAPITests.customer(client, key: crm.keyA, phone: "+15557654322")
            #expect(try await AppointmentsAPITests.book(client, key: crm.keyA, customer: ann, start: "2030-06-04T08:00").status == .created)
            #expect(try await AppointmentsAPITests.book(client, key: crm.keyA, customer: bo, start: "2030-06-04T10:00").status == .created)
            #expect(try await AppointmentsAPITests.book(client, key: crm.keyA, customer: ann, start: "2030-06-06T09:00").status == .created)
            _ = try await client.call(.patch, "/v1/customers/\(bo)", key: crm.keyA, json: ["sms_opt_out": true])
            return (ann, bo)
        }
        let reminders = ReminderService(reminders: crm.test.services.repositories.reminders)
        let first = try await reminders.sendUpcoming(business: crm.a, now: Self.monday)
        #expect(first.sent.map(\.customerId) == [ann], "only the appointment within 24 hours, and not to the opted-out customer")
        #expect(first.skipped.map(\.customerId) == [bo])
        #expect(first.skipped.first?.reason == "opted_out")
        let second = try await reminders.sendUpcoming(business: crm.a, now: Self.monday.addingTimeInterval(3600))
        #expect(second.sent.isEmpty)
        #expect(second.skipped.map(\.reason) == ["already_sent", "opted_out"])
        let bodies = try await crm.test.services.database.dbPool.read { db in try String.fetchAll(db, sql: "SELECT body FROM sms_outbox") }
        #expect(bodies == ["Reminder from Rapid Rooter: your Drain cleaning appointment is on Tue 4 Jun at 8:00 AM. Reply STOP to opt out."])
        #expect(try await reminders.sendUpcoming(business: crm.b, now: Self.monday).sent.isEmpty, "the other business has none")
    }

    @Test func theOwnerHearsTomorrowsScheduleAndTodaysSummary() async throws {
        let crm = try await CRMTestApp.make()
        try await crm.test.app.test(.router) { client in
            let ann = try #require(try await client.call(.post, "/v1/customers", key: crm.keyA,
                                                         json: ["name": "Ann Lee", "phone": "+15557654321", "address": "14 Elm Road"]).body.id)
            _ = try await AppointmentsAPITests.book(client, key: crm.keyA, customer: ann, start: "2030-06-04T10:30")
            _ = try await AppointmentsAPITests.book(client, key: crm.keyA, customer: ann, start: "2030-06-04T08:00")
        }
        // The owner routes with the clock at Monday noon.
        let router = Router(context: AppRequestContext.self)
        router.middlewares.add(JSONErrorMiddleware())
        OwnerController(appointments: crm.test.services.appointments, analytics: crm.test.services.repositories.analytics,
                        now: { Self.monday })
            .addRoutes(to: router.group("v1/owner").add(middleware: BusinessAuthMiddleware(keys: crm.test.services.apiKeys)))
        try await Application(router: router).test(.router) { client in
            let (status, schedule) = try await client.call(.get, "/v1/owner/schedule/tomorrow", key: crm.keyA)
            #expect(status == .ok)
            #expect(schedule["date"] as? String == "2030-06-04")
            #expect(schedule["count"] as? Int == 2)
            #expect(schedule["reply_text"] as? String ==
                    "Tomorrow you have 2 jobs. First, 8 a.m., a Drain cleaning at 14 Elm Road for Ann Lee. Last, 10:30 a.m., a Drain cleaning at 14 Elm Road for Ann Lee.")
            let twiml = try await client.execute(uri: "/v1/owner/schedule/tomorrow?format=twiml", method: .get,
                                                 headers: [HTTPField.Name("X-API-Key")!: crm.keyA]) { String(buffer: $0.body) }
            #expect(twiml.contains("<Say"))
            #expect(twiml.contains("Tomorrow you have 2 jobs."))
            let (_, empty) = try await client.call(.get, "/v1/owner/schedule/tomorrow", key: crm.keyB)
            #expect(empty["reply_text"] as? String == "Tomorrow you have no jobs booked.")

            let (_, today) = try await client.call(.get, "/v1/owner/summary/today", key: crm.keyA)
            #expect(today["bookings"] as? Int == 0, "booked on another day")
            #expect(today["reply_text"] as? String == "Today you had no calls yet.")
            #expect(try await client.call(.get, "/v1/owner/summary/today?format=xml", key: crm.keyA).status == .badRequest)
        }
    }

    @Test(arguments: [(0, 0, 0, 0, "Today you had no calls yet."),
                      (1, 1, 0, 0, "Today you had 1 call: 1 new lead and 0 bookings."),
                      (12, 3, 2, 1, "Today you had 12 calls: 3 new leads, 2 bookings and 1 emergency.")])
    func summaryTextReadsNaturally(calls: Int, leads: Int, bookings: Int, emergencies: Int, text: String) {
        #expect(OwnerController.summaryText(calls: calls, leads: leads, bookings: bookings, emergencies: emergencies) == text)
    }
}
