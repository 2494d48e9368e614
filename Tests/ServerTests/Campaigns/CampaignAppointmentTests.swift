import Campaigns
import Foundation
import GRDB
import HummingbirdTesting
import Logging
import Testing
@testable import Server

/// A campaign call's results in the CRM, through the real server, the dialer and the Twilio stand-in: the callee is a
/// customer with the call's conversation (from the call record, as for any call); a question marked `"appointment":
/// "book"` books the time the callee gave through the business's booking rules (a time the rules refuse is recorded
/// on the recipient, not booked), one marked `"confirm"` confirms the recipient's own appointment; a redelivered
/// `campaign.attempt_ended` books or records nothing twice; another business sees none of it.
@Suite struct CampaignAppointmentTests {
    static let ana = "+15550100001", bo = "+15550100002", cy = "+15550100003", di = "+15550100004"

    static func campaign(_ question: [String: Any], purpose: String = "It's time for your yearly boiler check.") -> [String: Any] {
        [
            "name": "Boiler checks",
            "caller_number": CampaignDialerTests.number,
            "pacing": ["max_concurrent_calls": 5],
            "script": [
                "purpose": purpose,
                "opening_line": "Hi {{first_name}}.",
                "questions": [question],
                "closing_line": "Thanks. Goodbye.",
            ] as [String: Any],
        ]
    }

    /// Brightwater (Chicago, open 08:00–17:00 every day) with the campaign number, and another business with the same
    /// hours; the test clock at `start`.
    struct Setup {
        let world: CampaignDialerTests.World
        let other: Business
        let otherKey: String
    }

    static let everyDay = CRMTestApp.settings { settings in
        settings.businessHours[.saturday] = DayHours(open: "08:00", close: "17:00")
        settings.businessHours[.sunday] = DayHours(open: "08:00", close: "17:00")
    }

    static func run(at start: Date = CampaignDialerTests.monday,
                    _ body: @Sendable (Setup, any TestClientProtocol) async throws -> Void) async throws {
        let standIn = TwilioMessagingStandIn()
        try await standIn.run { base in
            let clock = TestClock(start)
            let test = try await TestApp.make(configure: DispatchWorld.configure(base), now: clock.now)
            let business = try await test.services.businesses.create(NewBusiness(
                slug: "brightwater", name: "Brightwater Plumbing", timeZone: "America/Chicago",
                settings: Self.everyDay, numbers: [CampaignDialerTests.number]))
            let other = try await test.services.businesses.create(NewBusiness(
                slug: "other-plumber", name: "Other Plumber", timeZone: "America/Chicago", settings: Self.everyDay,
                numbers: [CRMTestApp.numberB]))
            let setup = Setup(
                world: CampaignDialerTests.World(test: test, standIn: standIn, clock: clock, business: business,
                                                 key: try await test.services.apiKeys.rotate(businessId: business.id)),
                other: other, otherKey: try await test.services.apiKeys.rotate(businessId: other.id))
            try await test.app.test(.router) { client in try await body(setup, client) }
        }
    }

    /// The callee at `phone` answers the latest call, says `answers` in turn, and the call ends.
    static func converse(_ world: CampaignDialerTests.World, _ client: some TestClientProtocol, _ phone: String,
                         _ answers: [String]) async throws {
        let sid = try await world.sid(phone)
        let url = try #require(world.calls(to: phone).last?.form["Url"])
        _ = try await world.webhook(client, String(url.dropFirst(TwilioTestClient.publicBaseURL.count)), sid, phone,
                                    [("CallStatus", "in-progress")])
        for answer in answers {
            _ = try await world.webhook(client, "/twilio/gather", sid, phone,
                                        [("CallStatus", "in-progress"), ("SpeechResult", answer), ("Confidence", "0.9")])
        }
        _ = try await world.webhook(client, "/twilio/call-status", sid, phone, [("CallStatus", "completed"), ("CallDuration", "40")])
        try await world.settle()
    }

    /// The consumer as the application runs it, to hand it every event again (a redelivery).
    static func redeliverAll(_ world: CampaignDialerTests.World) async throws {
        let services = world.test.services
        let consumer = CampaignAppointmentConsumer(
            campaigns: services.repositories.campaigns, appointments: services.appointments, customers: services.customers,
            businesses: services.businesses, logger: Logger(label: "test"), now: world.clock.now)
        _ = try await services.eventConsumers.replay(consumer: consumer, after: 0)
    }

    /// The voice conversation the call record made for `callSid` (no route lists a call's conversation: read the
    /// table, on whichever backend the app runs).
    static func voiceConversation(_ test: TestApp, callSid: String) async throws -> String? {
        let sql = "SELECT id FROM conversations WHERE channel = 'voice' AND call_sid = '\(callSid)'"
        if let url = test.config.databaseURL {
            let id = try TestPostgres.psql(sql, url: url)
            return id.isEmpty ? nil : id
        }
        return try await test.services.database.dbPool.read { db in try String.fetchOne(db, sql: sql) }
    }

    static func recorded(_ world: CampaignDialerTests.World, campaign id: String) async throws -> Int {
        try await world.test.services.events.events(EventQuery(
            businessId: world.business.id, stream: .campaign(id), types: [.campaignAppointmentRecorded], limit: 500)).count
    }

    /// A time zone where the calling window is open at `instant` (between 09:00 and 19:00 local).
    static func zoneInsideTheWindow(at instant: Date) throws -> String {
        let zones = ["Pacific/Honolulu", "America/Los_Angeles", "America/New_York", "Atlantic/Azores", "Europe/Berlin",
                     "Asia/Dubai", "Asia/Kolkata", "Asia/Shanghai", "Asia/Tokyo", "Pacific/Noumea", "Pacific/Auckland"]
        return try #require(zones.first { zone in
            (9 * 60..<19 * 60).contains(CallingWindow.minuteOfDay(instant, in: TimeZone(identifier: zone)!))
        })
    }

    /// The call flow reads "tomorrow at 10 am" against the wall clock (its `CallService` is not given the test clock),
    /// so this test's clock starts at the real time: the booking rules then judge the same "tomorrow".
    @Test func aBookingQuestionBooksTheTimeTheCalleeGaveThroughTheBookingRules() async throws {
        let now = Date()
        let zone = try Self.zoneInsideTheWindow(at: now)
        try await Self.run(at: now) { setup, client in
            let world = setup.world, key = world.key
            let question: [String: Any] = ["field": "visit", "text": "When would suit you for the visit?",
                                           "kind": "date_time", "appointment": "book"]
            let id = try #require(try await client.call(.post, "/v1/campaigns", key: key, json: Self.campaign(question)).body.id)
            let csv = "phone_number,first_name,timezone\n" + [(Self.ana, "Ana"), (Self.bo, "Bo"), (Self.cy, "Cy")]
                .map { "\($0.0),\($0.1),\(zone)" }.joined(separator: "\n")
            #expect(try await client.call(.post, "/v1/campaigns/\(id)/recipients", key: key, raw: csv, contentType: "text/csv").status == .created)
            #expect(try await client.call(.post, "/v1/campaigns/\(id)/start", key: key).status == .ok)
            #expect(try await world.test.services.campaignDialer.run().placed == 3)
            try await world.settle()

            // Ana: tomorrow at 10 — open, free: booked. Bo: tomorrow at 7 pm — after closing. Cy: Ana's slot, now taken.
            try await Self.converse(world, client, Self.ana, ["tomorrow at 10 am"])
            try await Self.converse(world, client, Self.bo, ["tomorrow at 7 pm"])
            try await Self.converse(world, client, Self.cy, ["tomorrow at 10 am please"])

            let rows = try await world.results(client, id)
            #expect(rows[Self.ana]?["state"] as? String == "completed")
            let answer = try #require((rows[Self.ana]?["answers"] as? [String: Any])?["visit"] as? String)
            let start = try Date(answer, strategy: .iso8601)
            #expect(CallingWindow.minuteOfDay(start, in: world.business.zone) == 10 * 60, "10:00 in Chicago: \(answer)")
            let booked = try #require(rows[Self.ana]?["appointment"] as? [String: Any], "\(String(describing: rows[Self.ana]))")
            #expect(booked["status"] as? String == "booked" && booked["note"] is NSNull)
            let appointmentId = try #require(booked["appointment_id"] as? String)
            let bo = try #require(rows[Self.bo]?["appointment"] as? [String: Any])
            #expect(bo["status"] as? String == "refused" && bo["appointment_id"] is NSNull)
            #expect(bo["note"] as? String == "the appointment is outside business hours", "\(bo)")
            let cy = try #require(rows[Self.cy]?["appointment"] as? [String: Any])
            #expect(cy["status"] as? String == "refused" && (cy["note"] as? String)?.contains("overlaps") == true, "\(cy)")

            // In the CRM: one appointment, Ana's, on her call, at 10:00 Chicago time for the business's slot length.
            let anaSid = try await world.sid(Self.ana)
            let appointments = try await client.call(.get, "/v1/appointments", key: key).body.items
            #expect(appointments.count == 1)
            let appointment = try #require(appointments.first)
            #expect(appointment["id"] as? String == appointmentId && appointment["status"] as? String == "booked")
            #expect(appointment["start"] as? String == LocalDateTime.format(start, in: world.business.zone)
                    && appointment["end"] as? String == LocalDateTime.format(start + 3600, in: world.business.zone), "\(appointment)")
            #expect(appointment["source_call_sid"] as? String == anaSid)

            // Ana is a customer (named from the upload) with the call and the appointment on her timeline, and the call
            // is her voice conversation, line by line (the timeline shows a call as one item).
            let customers = try await client.call(.get, "/v1/customers?phone=%2B15550100001", key: key).body.items
            let customer = try #require(customers.first)
            #expect(customers.count == 1 && customer["name"] as? String == "Ana" && customer["id"] as? String == appointment["customer_id"] as? String)
            let timeline = try await client.call(.get, "/v1/customers/\(customer["id"] as? String ?? "")/timeline", key: key).body.items
            #expect(timeline.contains { ($0["call"] as? [String: Any])?["sid"] as? String == anaSid }, "\(timeline)")
            #expect(timeline.contains { ($0["appointment"] as? [String: Any])?["id"] as? String == appointmentId })
            let conversationId = try #require(try await Self.voiceConversation(world.test, callSid: anaSid))
            let conversation = try await client.call(.get, "/v1/conversations/\(conversationId)", key: key)
            #expect(conversation.body["customer_id"] as? String == customer["id"] as? String
                    && conversation.body["channel"] as? String == "voice")
            let said = try #require(conversation.body["messages"] as? [[String: Any]])
            #expect(said.first?["direction"] as? String == "outbound"
                    && (said.first?["body"] as? String)?.contains("automated assistant calling for Brightwater Plumbing") == true, "\(said)")
            #expect(said.contains { $0["direction"] as? String == "inbound" && $0["body"] as? String == "tomorrow at 10 am" }, "\(said)")
            #expect(try await client.call(.get, "/v1/conversations/\(conversationId)", key: setup.otherKey).status == .notFound)

            // The CSV has the appointment columns.
            let csvText = try await client.execute(uri: "/v1/campaigns/\(id)/results.csv", method: .get,
                                                   headers: [.init("X-API-Key")!: key]) { String(buffer: $0.body) }
            #expect(csvText.hasPrefix("recipient_id,phone_number,state,attempts,last_outcome,last_call_sid,next_attempt_at,time_zone,visit,appointment_status,appointment_id,appointment_note,var_first_name"),
                    "\(csvText.prefix(200))")
            #expect(csvText.contains(",booked,\(appointmentId),"))

            // A redelivery books nothing and records nothing twice.
            #expect(try await Self.recorded(world, campaign: id) == 3)
            try await Self.redeliverAll(world)
            #expect(try await client.call(.get, "/v1/appointments", key: key).body.items.count == 1)
            #expect(try await Self.recorded(world, campaign: id) == 3)

            // Another business sees neither the appointment nor the campaign.
            #expect(try await client.call(.get, "/v1/appointments", key: setup.otherKey).body.items.isEmpty)
            #expect(try await client.call(.get, "/v1/campaigns/\(id)/results", key: setup.otherKey).status == .notFound)
        }
    }

    @Test func aConfirmationQuestionConfirmsOnlyTheRecipientsOwnAppointment() async throws {
        try await Self.run { setup, client in
            let world = setup.world, key = world.key
            // The business's appointments for Ana and Bo; the other business's for Cy's number.
            func appointment(_ key: String, phone: String, start: String) async throws -> String {
                let customer = try await AppointmentsAPITests.customer(client, key: key, phone: phone)
                let booked = try await AppointmentsAPITests.book(client, key: key, customer: customer, start: start)
                #expect(booked.status == .created, "\(booked.body)")
                return try #require(booked.body.id)
            }
            let anas = try await appointment(key, phone: Self.ana, start: "2030-06-11T10:00:00-05:00")
            let bos = try await appointment(key, phone: Self.bo, start: "2030-06-11T14:00:00-05:00")
            let foreign = try await appointment(setup.otherKey, phone: Self.cy, start: "2030-06-11T10:00:00-05:00")

            let question: [String: Any] = ["field": "confirmed", "text": "Can you still make {{date}}?", "kind": "yes_no",
                                           "appointment": "confirm"]
            let created = try await client.call(.post, "/v1/campaigns", key: key,
                                                json: Self.campaign(question, purpose: "I'm calling about your visit on {{date}}."))
            let id = try #require(created.body.id)
            let script = try #require(created.body["script"] as? [String: Any])
            #expect((script["questions"] as? [[String: Any]])?.first?["appointment"] as? String == "confirm")
            #expect((script["variables"] as? [String])?.contains("appointment_id") == true, "\(script)")

            // Every recipient needs the appointment's id.
            let lacking = try await client.call(.post, "/v1/campaigns/\(id)/recipients", key: key,
                                                raw: "phone_number,first_name,date\n\(Self.ana),Ana,Tuesday\n", contentType: "text/csv")
            #expect(lacking.status == .unprocessableContent && (lacking.body.errorField == "appointment_id"), "\(lacking.body)")
            // Di names Ana's appointment; Cy the other business's.
            let csv = """
                phone_number,first_name,date,appointment_id,timezone
                \(Self.ana),Ana,Tuesday,\(anas),America/New_York
                \(Self.bo),Bo,Tuesday,\(bos),America/New_York
                \(Self.cy),Cy,Tuesday,\(foreign),America/New_York
                \(Self.di),Di,Tuesday,\(anas),America/New_York
                """
            #expect(try await client.call(.post, "/v1/campaigns/\(id)/recipients", key: key, raw: csv, contentType: "text/csv").status == .created)
            #expect(try await client.call(.post, "/v1/campaigns/\(id)/start", key: key).status == .ok)
            #expect(try await world.test.services.campaignDialer.run().placed == 4)
            try await world.settle()
            try await Self.converse(world, client, Self.ana, ["yes I can"])
            try await Self.converse(world, client, Self.bo, ["no I can't"])
            try await Self.converse(world, client, Self.cy, ["yes"])
            try await Self.converse(world, client, Self.di, ["yes"])

            let rows = try await world.results(client, id)
            func outcome(_ phone: String) -> [String: Any] { rows[phone]?["appointment"] as? [String: Any] ?? [:] }
            #expect(outcome(Self.ana)["status"] as? String == "confirmed" && outcome(Self.ana)["appointment_id"] as? String == anas)
            #expect(outcome(Self.bo)["status"] as? String == "declined" && outcome(Self.bo)["appointment_id"] as? String == bos)
            #expect(outcome(Self.cy)["status"] as? String == "refused"
                    && (outcome(Self.cy)["note"] as? String)?.hasPrefix("no appointment") == true, "\(outcome(Self.cy))")
            #expect(outcome(Self.di)["status"] as? String == "refused"
                    && (outcome(Self.di)["note"] as? String)?.contains("another customer's") == true, "\(outcome(Self.di))")

            let statuses = Dictionary(uniqueKeysWithValues: try await client.call(.get, "/v1/appointments", key: key).body.items
                .map { ($0["id"] as? String ?? "", $0["status"] as? String ?? "") })
            #expect(statuses == [anas: "confirmed", bos: "booked"], "Bo's stays booked for the business to follow up")
            let theirs = try await client.call(.get, "/v1/appointments", key: setup.otherKey).body.items
            #expect(theirs.count == 1 && theirs.first?["status"] as? String == "booked", "the other business's is untouched")

            #expect(try await Self.recorded(world, campaign: id) == 4)
            try await Self.redeliverAll(world)
            #expect(try await Self.recorded(world, campaign: id) == 4)
        }
    }

    @Test func anAppointmentQuestionIsCheckedWithA422NamingTheField() async throws {
        try await Self.run { setup, client in
            let key = setup.world.key
            func refused(_ questions: [[String: Any]]) async throws -> String? {
                var body = Self.campaign([:])
                var script = body["script"] as! [String: Any]
                script["questions"] = questions
                body["script"] = script
                let response = try await client.call(.post, "/v1/campaigns", key: key, json: body)
                #expect(response.status == .unprocessableContent, "\(response.body)")
                return response.body.errorField
            }
            let book: [String: Any] = ["field": "visit", "text": "When suits you?", "kind": "date_time", "appointment": "book"]
            let confirm: [String: Any] = ["field": "ok", "text": "Still good?", "kind": "yes_no", "appointment": "confirm"]
            #expect(try await refused([["field": "ok", "text": "Still good?", "kind": "yes_no", "appointment": "book"]])
                    == "script.questions[0].appointment")
            #expect(try await refused([["field": "visit", "text": "When?", "kind": "date_time", "appointment": "confirm"]])
                    == "script.questions[0].appointment")
            #expect(try await refused([book, confirm]) == "script.questions[1].appointment")
            #expect(try await refused([["field": "visit", "text": "When?", "kind": "date_time", "appointment": "reschedule"]])
                    == "script.questions[0].appointment")
            #expect(try await refused([["field": "visit", "text": "When?", "kind": "date_time", "books_appointment": true]])
                    == "script.questions[0].books_appointment")
            #expect(try await refused([["field": "appointment_status", "text": "When?", "kind": "date_time"]])
                    == "script.questions[0].field")
            let created = try await client.call(.post, "/v1/campaigns", key: key, json: Self.campaign(book))
            #expect(created.status == .created, "\(created.body)")
            let questions = (created.body["script"] as? [String: Any])?["questions"] as? [[String: Any]]
            #expect(questions?.first?["appointment"] as? String == "book")
            let plain = try await client.call(.post, "/v1/campaigns", key: key,
                                              json: Self.campaign(["field": "notes", "text": "Anything else?", "kind": "free_text"]))
            #expect(((plain.body["script"] as? [String: Any])?["questions"] as? [[String: Any]])?.first?["appointment"] is NSNull)
        }
    }
}
