import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Server

/// A campaign dialled end to end on the test's clock: the dialer places calls through the Twilio stand-in, the
/// callees' webhooks run the script, and each attempt's end lands on its recipient — a completed conversation with
/// its answers, a busy line retried no sooner than the retry gap, a voicemail left, a recipient outside their
/// calling window deferred to its opening, a number on the do-not-call list never dialled, a "stop calling" that
/// puts the number on the list; and a restart dials nobody twice.
@Suite struct CampaignDialerTests {
    static let number = "+15550009999"
    /// 17:00 UTC on Monday 10 June 2030: 13:00 in New York, 07:00 in Honolulu.
    static let monday = ISO8601DateFormatter().date(from: "2030-06-10T17:00:00Z")!
    static let ana = "+15550100001", bo = "+15550100002", cy = "+15550100003", di = "+15550100004", ed = "+15550100005"

    static let csv = """
        phone_number,first_name,timezone
        \(ana),Ana,America/New_York
        \(bo),Bo,America/New_York
        \(cy),Cy,America/New_York
        \(di),Di,Pacific/Honolulu
        \(ed),Ed,America/New_York
        """

    static var campaign: [String: Any] { [
        "name": "Boiler visit confirmations",
        "caller_number": number,
        "voicemail": "leave_message",
        "pacing": ["max_concurrent_calls": 5],
        "script": [
            "purpose": "I'm calling to confirm your boiler service tomorrow.",
            "opening_line": "Hi {{first_name}}.",
            "questions": [["field": "confirmed", "text": "Can you still make it?", "kind": "yes_no"],
                          ["field": "notes", "text": "Anything the engineer should know?", "kind": "free_text"]],
            "closing_line": "Thanks, see you tomorrow. Goodbye.",
            "voicemail_message": "Hi {{first_name}}, please call us back to confirm your boiler service.",
        ] as [String: Any],
    ] }

    struct World {
        let test: TestApp
        let standIn: TwilioMessagingStandIn
        let clock: TestClock
        let business: Business
        let key: String

        func settle() async throws {
            try await test.services.settle(at: clock.read())
        }

        func calls(to phone: String) -> [TwilioMessagingStandIn.Received] {
            standIn.received.filter { $0.path.hasSuffix("/Calls.json") && $0.form["To"] == phone }
        }

        func sid(_ phone: String) async throws -> String {
            let calls = try await test.services.calls.calls(businessId: business.id, limit: 50, cursor: nil).items
            return try #require(calls.filter { $0.called == phone }.max { $0.startedAt < $1.startedAt }).sid
        }

        func webhook(_ client: some TestClientProtocol, _ path: String, _ sid: String, _ callee: String,
                     _ extra: [(String, String)]) async throws -> String {
            let reply = try await TwilioTestClient(authToken: TwilioMessagingStandIn.authToken).post(client, path, [
                ("AccountSid", TwilioMessagingStandIn.accountSid), ("CallSid", sid), ("From", CampaignDialerTests.number),
                ("To", callee), ("Direction", "outbound-api")] + extra)
            #expect(reply.status == .ok, "\(path): \(reply.body)")
            return reply.body
        }

        /// The recipients as `GET …/results` shows them, by phone number.
        func results(_ client: some TestClientProtocol, _ id: String) async throws -> [String: [String: Any]] {
            let rows = try await client.execute(uri: "/v1/campaigns/\(id)/results", method: .get,
                                                headers: [HTTPField.Name("X-API-Key")!: key]) { response in
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]] ?? []
            }
            return Dictionary(rows.compactMap { row in (row["phone_number"] as? String).map { ($0, row) } },
                              uniquingKeysWith: { first, _ in first })
        }
    }

    @Test func aCampaignIsDialledWithinEachRecipientsWindowAndEveryEndLandsOnItsRecipient() async throws {
        let standIn = TwilioMessagingStandIn()
        try await standIn.run { base in
            let clock = TestClock(Self.monday)
            let test = try await TestApp.make(configure: DispatchWorld.configure(base), now: clock.now)
            let business = try await test.services.businesses.create(NewBusiness(
                slug: "brightwater", name: "Brightwater Plumbing", timeZone: "America/Chicago", numbers: [Self.number]))
            let key = try await test.services.apiKeys.rotate(businessId: business.id)
            let world = World(test: test, standIn: standIn, clock: clock, business: business, key: key)
            let dialer = test.services.campaignDialer
            try await test.app.test(.live) { client in
                #expect(try await client.call(.post, "/v1/do-not-call", key: key, json: ["phone": Self.ed]).status == .created)
                let id = try #require(try await client.call(.post, "/v1/campaigns", key: key, json: Self.campaign).body.id)
                let uploaded = try await client.call(.post, "/v1/campaigns/\(id)/recipients", key: key, raw: Self.csv,
                                                     contentType: "text/csv")
                #expect(uploaded.status == .created, "\(uploaded.body)")
                let started = try await client.call(.post, "/v1/campaigns/\(id)/start", key: key)
                #expect(started.body["state"] as? String == "running", "\(started.body)")

                // One pass: three dialled, Di deferred (7am in Honolulu), Ed suppressed (do-not-call).
                let pass = try await dialer.run()
                #expect(pass.placed == 3 && pass.deferred == 1 && pass.suppressed == 1, "\(pass)")
                try await world.settle()
                for callee in [Self.ana, Self.bo, Self.cy] { #expect(world.calls(to: callee).count == 1, "\(callee)") }
                #expect(world.calls(to: Self.di).isEmpty && world.calls(to: Self.ed).isEmpty)
                let placed = try #require(world.calls(to: Self.ana).first)
                #expect(placed.form["From"] == Self.number && placed.form["MachineDetection"] == "DetectMessageEnd")

                // Ana answers and goes through the script.
                let ana = try await world.sid(Self.ana)
                let url = try #require(placed.form["Url"])
                let opening = try await world.webhook(client, String(url.dropFirst(TwilioTestClient.publicBaseURL.count)), ana,
                                                      Self.ana, [("CallStatus", "in-progress")])
                #expect(opening.contains("automated assistant calling for Brightwater Plumbing") && opening.contains("Hi Ana")
                        && opening.contains("Can you still make it?"), "\(opening)")
                _ = try await world.webhook(client, "/twilio/gather", ana, Self.ana,
                                            [("CallStatus", "in-progress"), ("SpeechResult", "yes I can"), ("Confidence", "0.9")])
                let closing = try await world.webhook(client, "/twilio/gather", ana, Self.ana, [
                    ("CallStatus", "in-progress"), ("SpeechResult", "the side gate is open"), ("Confidence", "0.9")])
                #expect(closing.contains("Thanks, see you tomorrow. Goodbye."))
                _ = try await world.webhook(client, "/twilio/call-status", ana, Self.ana,
                                            [("CallStatus", "completed"), ("CallDuration", "48")])
                // Bo is busy; Cy's machine gets the voicemail.
                let bo = try await world.sid(Self.bo)
                _ = try await world.webhook(client, "/twilio/call-status", bo, Self.bo, [("CallStatus", "busy")])
                let cy = try await world.sid(Self.cy)
                _ = try await world.webhook(client, "/twilio/amd-status", cy, Self.cy, [("AnsweredBy", "machine_end_beep")])
                try await world.settle()
                let update = try #require(standIn.received.first { $0.path.hasSuffix("/Calls/\(cy).json") })
                #expect(update.form["Twiml"]?.contains("Hi Cy, please call us back to confirm your boiler service.") == true)
                _ = try await world.webhook(client, "/twilio/call-status", cy, Self.cy, [("CallStatus", "completed"), ("CallDuration", "21")])
                try await world.settle()

                var rows = try await world.results(client, id)
                #expect(rows[Self.ana]?["state"] as? String == "completed")
                #expect(rows[Self.ana]?["answers"] as? [String: String] == ["confirmed": "yes", "notes": "the side gate is open"])
                #expect(rows[Self.bo]?["state"] as? String == "busy" && rows[Self.bo]?["attempts"] as? Int == 1)
                #expect(rows[Self.cy]?["state"] as? String == "voicemail" && rows[Self.cy]?["last_outcome"] as? String == "voicemail_left")
                #expect(rows[Self.di]?["state"] as? String == "pending")
                let deferred = (rows[Self.di]?["next_attempt_at"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) }
                #expect(deferred == ISO8601DateFormatter().date(from: "2030-06-10T18:00:00Z"), "8am in Honolulu")
                #expect(rows[Self.ed]?["state"] as? String == "opted_out" && rows[Self.ed]?["attempts"] as? Int == 0)

                // A restart mid-campaign: the new process's dialer places nobody twice.
                let restarted = try await TestApp.make(in: test.directory, configure: DispatchWorld.configure(base), now: clock.now)
                #expect(try await restarted.services.campaignDialer.run().placed == 0)
                _ = try await restarted.services.jobRunner.runDue(now: clock.read())
                #expect(standIn.received.filter { $0.path.hasSuffix("/Calls.json") }.count == 3)

                // 08:00 in Honolulu: Di is dialled; Bo's retry waits out its two hours.
                clock.advance(by: 3600 + 1)
                #expect(try await dialer.run().placed == 1)
                try await world.settle()
                #expect(world.calls(to: Self.di).count == 1 && world.calls(to: Self.bo).count == 1)
                // Di asks not to be called again: the call ends at once and the number joins the do-not-call list.
                let di = try await world.sid(Self.di)
                let diURL = try #require(world.calls(to: Self.di).first?.form["Url"])
                _ = try await world.webhook(client, String(diURL.dropFirst(TwilioTestClient.publicBaseURL.count)), di, Self.di,
                                            [("CallStatus", "in-progress")])
                let bye = try await world.webhook(client, "/twilio/gather", di, Self.di, [
                    ("CallStatus", "in-progress"), ("SpeechResult", "please stop calling me"), ("Confidence", "0.9")])
                #expect(bye.contains("<Hangup"))
                _ = try await world.webhook(client, "/twilio/call-status", di, Self.di, [("CallStatus", "completed"), ("CallDuration", "9")])
                try await world.settle()
                rows = try await world.results(client, id)
                #expect(rows[Self.di]?["state"] as? String == "opted_out")
                #expect(try await test.services.repositories.doNotCall.entry(businessId: business.id, phone: Self.di) != nil)

                clock.advance(by: 3600)
                #expect(try await dialer.run().placed == 1, "Bo's retry, two hours after the busy line")
                try await world.settle()
                #expect(world.calls(to: Self.bo).count == 2)
            }
        }
    }
}
