import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Server

/// Calls end to end through the real router: signed webhooks in, TwiML out, records in SQLite, read back over the
/// calls and leads API.
@Suite struct TwilioWebhookTests {
    static let authToken = "0123456789abcdef0123456789abcdef"
    static let number = "+15550100000"

    static func makeApp(in directory: TemporaryDirectory? = nil, verify: Bool = true, globalToken: String? = authToken) async throws -> TestApp {
        try await TestApp.make(in: directory) { config in
            config.twilioAuthToken = globalToken
            config.twilioVerify = verify
            config.publicBaseURL = TwilioTestClient.publicBaseURL
        }
    }

    /// A plumber in Chicago answering `number`, with a little knowledge.
    @discardableResult
    static func makeBusiness(
        _ app: TestApp, slug: String = "rapid-rooter", number: String = number, openAllWeek: Bool = false,
        transferNumber: String? = nil
    ) async throws -> (business: Business, key: String) {
        var settings = ReceptionistSettings(greeting: "Thanks for calling Rapid Rooter. How can I help?")
        settings.transferNumber = transferNumber
        if openAllWeek {
            settings.businessHours = Dictionary(uniqueKeysWithValues: Weekday.allCases.map { ($0, DayHours(open: "00:00", close: "24:00")) })
        }
        let business = try await app.services.businesses.create(NewBusiness(
            slug: slug, name: "Rapid Rooter", timeZone: "America/Chicago", settings: settings, numbers: [number]))
        let key = try await app.services.apiKeys.rotate(businessId: business.id)
        _ = try await app.services.knowledge.create(businessId: business.id, draft: KnowledgeDraft(
            title: "Opening hours",
            content: "We are open Monday to Friday from 7 a.m. to 6 p.m. On Saturdays we are open from 8 a.m. to noon. We are closed on Sundays.",
            category: "general"))
        _ = try await app.services.knowledge.create(businessId: business.id, draft: KnowledgeDraft(
            title: "Water heater installation",
            content: "We install tank and tankless water heaters. A standard 50 gallon tank replacement costs 1,450 dollars including removal of the old heater.",
            category: "services"))
        return (business, key)
    }

    static func getJSON(_ client: some TestClientProtocol, _ uri: String, key: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.call(.get, uri, key: key)
    }

    @Test func aWholeCallIsAnsweredRecordedAndBecomesALead() async throws {
        let app = try await Self.makeApp()
        let (_, key) = try await Self.makeBusiness(app)
        try await app.app.test(.router) { client in
            var call = SimulatedCall(twilio: TwilioTestClient(authToken: Self.authToken), to: Self.number)
            let greeting = try await call.start(client)
            #expect(greeting.contains("Thanks for calling Rapid Rooter"))
            #expect(greeting.contains("<Gather"))
            #expect(greeting.contains(#"action="https://frontdesk.example.com/twilio/gather""#))
            #expect(greeting.contains(#"input="speech""#))

            let answer = try await call.say(client, "what time are you open on saturday")
            #expect(answer.contains("Saturday"), "\(answer)")
            #expect(answer.contains("anything else"))

            let declined = try await call.say(client, "do you repair swimming pool pumps")
            #expect(declined.contains("don't have that information"), "\(declined)")
            _ = try await call.say(client, "yes please")          // leave a message
            _ = try await call.say(client, "my name is jon smith")
            _ = try await call.say(client, "yes")                  // caller ID is fine
            let readBack = try await call.say(client, "it's 14 elm road")
            #expect(readBack.contains("Jon Smith"), "\(readBack)")
            _ = try await call.say(client, "yes that's right")
            let bye = try await call.say(client, "no that's all thanks")
            #expect(bye.contains("<Hangup"))
            #expect(try await call.hangUp(client, duration: 95) == .ok)

            let (status, detail) = try await Self.getJSON(client, "/v1/calls/\(call.sid)", key: key)
            #expect(status == .ok)
            #expect(detail["outcome"] as? String == "lead_captured")
            #expect(detail["duration_seconds"] as? Int == 95)
            #expect(detail["state"] as? String == "ENDED")
            #expect(detail["caller"] as? String == "+15557654321")
            let turns = try #require(detail["turns"] as? [[String: Any]])
            let callerLines = turns.filter { $0["speaker"] as? String == "caller" && $0["event"] as? String == "speech" }
            #expect(callerLines.count == 8)
            #expect(callerLines.first?["asr_confidence"] as? Double == 0.92)
            let answered = try #require(turns.first { ($0["citations"] as? [[String: Any]])?.isEmpty == false })
            let citation = try #require((answered["citations"] as? [[String: Any]])?.first)
            #expect(citation["entry_id"] is String)
            #expect((citation["similarity"] as? Double ?? 0) > 0.35)
            #expect(answered["latency_ms"] is Double)
            #expect(turns.contains { $0["declined"] as? Bool == true })
            let seqs = turns.compactMap { $0["seq"] as? Int }
            #expect(seqs == Array(0..<seqs.count), "the transcript is in order with no gaps")

            let leads = try #require(detail["leads"] as? [[String: Any]])
            #expect(leads.count == 1)
            #expect(leads.first?["name"] as? String == "Jon Smith")
            #expect(leads.first?["phone"] as? String == "+15557654321")
            #expect(leads.first?["notes"] as? String == "do you repair swimming pool pumps")
            #expect(leads.first?["reason"] as? String == "unanswered")

            let (_, list) = try await Self.getJSON(client, "/v1/leads", key: key)
            #expect((list["items"] as? [[String: Any]])?.count == 1)
            let (_, calls) = try await Self.getJSON(client, "/v1/calls", key: key)
            #expect((calls["items"] as? [[String: Any]])?.first?["sid"] as? String == call.sid)

            let alerts = try await app.services.calls.alerts(callSid: call.sid)
            #expect(alerts.map(\.kind) == ["new_lead"])
        }
    }

    @Test func emergencyIsFlaggedWithTheSafetyLineAndAnOwnerAlert() async throws {
        let app = try await Self.makeApp()
        let (_, key) = try await Self.makeBusiness(app)
        try await app.app.test(.router) { client in
            var call = SimulatedCall(twilio: TwilioTestClient(authToken: Self.authToken), to: Self.number)
            _ = try await call.start(client)
            let reply = try await call.say(client, "help a pipe burst in the basement and there's water everywhere")
            #expect(reply.contains("call 911"), "\(reply)")
            #expect(reply.contains("address"), "the address is asked first: \(reply)")
            let (_, detail) = try await Self.getJSON(client, "/v1/calls/\(call.sid)", key: key)
            #expect(detail["is_emergency"] as? Bool == true)
            #expect(detail["emergency_category"] is String)
            let alerts = try await app.services.calls.alerts(callSid: call.sid)
            #expect(alerts.first?.kind == "emergency")
            #expect(alerts.first?.callbackNumber == "+15557654321")

            // The caller hangs up before giving details: the lead is kept with the caller ID.
            _ = try await call.hangUp(client, duration: 20)
            let (_, ended) = try await Self.getJSON(client, "/v1/calls/\(call.sid)", key: key)
            #expect(ended["outcome"] as? String == "emergency")
            let leads = try #require(ended["leads"] as? [[String: Any]])
            #expect(leads.first?["is_emergency"] as? Bool == true)
            #expect(leads.first?["phone"] as? String == "+15557654321")
        }
    }

    @Test func transferInsideHoursDialsAndFallsBackToAMessage() async throws {
        let app = try await Self.makeApp()
        let (_, key) = try await Self.makeBusiness(app, openAllWeek: true, transferNumber: "+15550109999")
        try await app.app.test(.router) { client in
            var call = SimulatedCall(twilio: TwilioTestClient(authToken: Self.authToken), to: Self.number)
            _ = try await call.start(client)
            let dial = try await call.say(client, "can i talk to a real person please")
            #expect(dial.contains("+15550109999</Dial>") || dial.contains("+15550109999</Number>"), "\(dial)")
            #expect(dial.contains(#"action="https://frontdesk.example.com/twilio/transfer-status""#))
            #expect(dial.contains(#"timeout="20""#))
            let fallback = try await call.transferEnded(client, "no-answer")
            #expect(fallback.contains("nobody could pick up"), "\(fallback)")
            #expect(fallback.contains("<Gather"))
            let (_, detail) = try await Self.getJSON(client, "/v1/calls/\(call.sid)", key: key)
            #expect(detail["state"] as? String == "LEAD_CAPTURE")
        }
    }

    @Test func redeliveredWebhookIsRecordedOnceAndAnsweredTheSame() async throws {
        let app = try await Self.makeApp()
        let (_, key) = try await Self.makeBusiness(app)
        try await app.app.test(.router) { client in
            let twilio = TwilioTestClient(authToken: Self.authToken)
            var call = SimulatedCall(twilio: twilio, to: Self.number)
            _ = try await call.start(client)
            let parameters = call.base + [("SpeechResult", "what are your hours on saturday"), ("Confidence", "0.9")]
            let first = try await twilio.post(client, "/twilio/gather", parameters, idempotencyToken: "retry-token-1")
            let second = try await twilio.post(client, "/twilio/gather", parameters, idempotencyToken: "retry-token-1")
            #expect(first.status == .ok)
            #expect(first.body == second.body)
            #expect(first.contentType?.hasPrefix("text/xml") == true)
            let (_, detail) = try await Self.getJSON(client, "/v1/calls/\(call.sid)", key: key)
            let callerTurns = (detail["turns"] as? [[String: Any]] ?? []).filter { $0["speaker"] as? String == "caller" }
            #expect(callerTurns.count == 1)
        }
    }

    @Test func aCallSurvivesARestartBetweenTwoTurns() async throws {
        let directory = try TemporaryDirectory()
        let twilio = TwilioTestClient(authToken: Self.authToken)
        let first = try await Self.makeApp(in: directory)
        try await Self.makeBusiness(first)
        let (started, firstReply) = try await first.app.test(.router) { client in
            var call = SimulatedCall(twilio: twilio, to: Self.number)
            _ = try await call.start(client)
            _ = try await call.say(client, "i'd like to leave a message")
            let reply = try await twilio.post(client, "/twilio/gather", call.base + [("SpeechResult", "maria lopez")],
                                              idempotencyToken: "before-restart").body
            return (call, reply)
        }
        try await first.services.storage.close()

        let restarted = try await Self.makeApp(in: directory)
        let business = try #require(try await restarted.services.businesses.get(slug: "rapid-rooter"))
        let key = try await restarted.services.apiKeys.rotate(businessId: business.id)
        try await restarted.app.test(.router) { client in
            var call = started
            // Twilio retrying the last webhook gets the same reply from the new process.
            let again = try await twilio.post(client, "/twilio/gather", call.base + [("SpeechResult", "maria lopez")],
                                              idempotencyToken: "before-restart").body
            #expect(again == firstReply)
            // And the conversation carries on where it was: after the caller ID, the address.
            let next = try await call.say(client, "yes")
            #expect(next.contains("address"), "\(next)")
            let (_, detail) = try await Self.getJSON(client, "/v1/calls/\(call.sid)", key: key)
            #expect(detail["state"] as? String == "LEAD_CAPTURE")
        }
    }

    @Test func unknownNumberAndSuspendedBusinessHearThatTheNumberIsNotSetUp() async throws {
        let app = try await Self.makeApp()
        let (business, _) = try await Self.makeBusiness(app)
        try await app.app.test(.router) { client in
            var unknown = SimulatedCall(twilio: TwilioTestClient(authToken: Self.authToken), to: "+15550188888")
            let reply = try await unknown.start(client)
            #expect(reply.contains("not set up"))
            #expect(reply.contains("<Hangup"))
            #expect(try await app.services.calls.call(sid: unknown.sid) == nil)

            _ = try await app.services.businesses.update(id: business.id, BusinessPatch(status: .suspended))
            var suspended = SimulatedCall(twilio: TwilioTestClient(authToken: Self.authToken), to: Self.number)
            let closed = try await suspended.start(client)
            #expect(closed.contains("not set up"))
            #expect(try await app.services.calls.call(sid: suspended.sid) == nil)
        }
    }

    @Test func signaturesAreRequiredAndChecked() async throws {
        let app = try await Self.makeApp()
        let (business, _) = try await Self.makeBusiness(app)
        try await app.app.test(.router) { client in
            let call = SimulatedCall(twilio: TwilioTestClient(authToken: nil), to: Self.number)
            let unsigned = try await call.twilio.post(client, "/twilio/voice", call.base)
            #expect(unsigned.status == .forbidden)
            #expect(unsigned.body.contains("invalid_signature"))

            let wrong = try await call.twilio.post(client, "/twilio/voice", call.base, signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
            #expect(wrong.status == .forbidden)

            // Signed for another URL (a proxy path the server does not use) is wrong too.
            let otherURL = TwilioTestClient.sign(url: "https://evil.example.com/twilio/voice", parameters: call.base, token: Self.authToken)
            #expect(try await call.twilio.post(client, "/twilio/voice", call.base, signature: otherURL).status == .forbidden)

            // A business's own token replaces the global one for its number.
            try await app.services.calls.setTwilioAuthToken("ffffeeeeddddccccbbbbaaaa99998888", businessId: business.id)
            let global = SimulatedCall(twilio: TwilioTestClient(authToken: Self.authToken), to: Self.number)
            #expect(try await global.twilio.post(client, "/twilio/voice", global.base).status == .forbidden)
            let own = SimulatedCall(twilio: TwilioTestClient(authToken: "ffffeeeeddddccccbbbbaaaa99998888"), to: Self.number)
            #expect(try await own.twilio.post(client, "/twilio/voice", own.base).status == .ok)
            #expect(try await app.services.calls.call(sid: own.sid) != nil)
            #expect(try await app.services.calls.call(sid: call.sid) == nil, "a refused webhook writes nothing")
        }
    }

    @Test func withoutAnyTokenTwilioRoutesRefuseUnlessVerificationIsOff() async throws {
        let strict = try await Self.makeApp(globalToken: nil)
        try await Self.makeBusiness(strict)
        try await strict.app.test(.router) { client in
            let call = SimulatedCall(twilio: TwilioTestClient(authToken: nil), to: Self.number)
            let response = try await call.twilio.post(client, "/twilio/voice", call.base)
            #expect(response.status == .forbidden)
            #expect(response.body.contains("twilio_not_configured"))
        }
        let open = try await Self.makeApp(verify: false, globalToken: nil)
        try await Self.makeBusiness(open)
        try await open.app.test(.router) { client in
            let call = SimulatedCall(twilio: TwilioTestClient(authToken: nil), to: Self.number)
            let response = try await call.twilio.post(client, "/twilio/voice", call.base)
            #expect(response.status == .ok)
            #expect(response.body.contains("<Gather"))
        }
    }

    @Test func badInputGetsTwiMLOrA4xxAndNeverCorruptsTheCall() async throws {
        let app = try await Self.makeApp()
        let (_, key) = try await Self.makeBusiness(app)
        try await app.app.test(.router) { client in
            let twilio = TwilioTestClient(authToken: Self.authToken)
            var call = SimulatedCall(twilio: twilio, to: Self.number)
            _ = try await call.start(client)

            let noSid = try await twilio.post(client, "/twilio/gather", [("To", Self.number), ("SpeechResult", "hello")])
            #expect(noSid.status == .badRequest)
            #expect(noSid.body.contains("invalid_webhook"))
            let noTo = try await twilio.post(client, "/twilio/voice", [("CallSid", "CAnoto")])
            #expect(noTo.status.code < 500)

            let huge = String(repeating: "water heater ", count: 800) // ~10 KB
            let long = try await call.say(client, huge)
            #expect(long.contains("<Response"))

            var bytes = Array(TwilioTestClient.formEncode(call.base).utf8)
            bytes += Array("&SpeechResult=".utf8) + [0xFF, 0xFE, 0xC3] + Array("&Confidence=0.8".utf8)
            let invalid = try await twilio.post(client, "/twilio/gather", [], signature: "x", rawBody: bytes)
            #expect(invalid.status.code < 500)

            let stranger = SimulatedCall(twilio: twilio, sid: "CAunknown000", to: Self.number)
            let unknownSid = try await twilio.post(client, "/twilio/gather", stranger.base + [("SpeechResult", "hello")])
            #expect(unknownSid.status == .ok)
            #expect(unknownSid.body.contains("<Hangup"))

            let badConfidence = try await twilio.post(client, "/twilio/gather", call.base + [("SpeechResult", "what are your hours"), ("Confidence", "banana")])
            #expect(badConfidence.status == .ok)

            // The call is still whole and answerable.
            let (status, detail) = try await Self.getJSON(client, "/v1/calls/\(call.sid)", key: key)
            #expect(status == .ok)
            let seqs = (detail["turns"] as? [[String: Any]] ?? []).compactMap { $0["seq"] as? Int }
            #expect(seqs == Array(0..<seqs.count))
            #expect(try await call.say(client, "what are your hours on saturday").contains("Saturday"))
        }
    }

    @Test func concurrentWebhooksForOneCallAreAllRecordedInOrder() async throws {
        let app = try await Self.makeApp()
        let (_, key) = try await Self.makeBusiness(app)
        try await app.app.test(.router) { client in
            let twilio = TwilioTestClient(authToken: Self.authToken)
            var call = SimulatedCall(twilio: twilio, to: Self.number)
            _ = try await call.start(client)
            let base = call.base
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<6 {
                    group.addTask {
                        let reply = try await twilio.post(client, "/twilio/gather", base + [("SpeechResult", "what are your hours")],
                                                          idempotencyToken: "concurrent-\(index)")
                        #expect(reply.status == .ok)
                    }
                }
                try await group.waitForAll()
            }
            let (_, detail) = try await Self.getJSON(client, "/v1/calls/\(call.sid)", key: key)
            let turns = detail["turns"] as? [[String: Any]] ?? []
            #expect(turns.filter { $0["speaker"] as? String == "caller" }.count == 6)
            #expect(turns.compactMap { $0["seq"] as? Int } == Array(0..<turns.count))
        }
    }

    @Test func callsAndLeadsAreOnlyVisibleToTheirBusiness() async throws {
        let app = try await Self.makeApp()
        let (_, key) = try await Self.makeBusiness(app)
        let (_, otherKey) = try await Self.makeBusiness(app, slug: "other-plumber", number: "+15550100001")
        try await app.app.test(.router) { client in
            var call = SimulatedCall(twilio: TwilioTestClient(authToken: Self.authToken), to: Self.number)
            _ = try await call.start(client)
            #expect(try await Self.getJSON(client, "/v1/calls/\(call.sid)", key: key).0 == .ok)
            let (status, body) = try await Self.getJSON(client, "/v1/calls/\(call.sid)", key: otherKey)
            #expect(status == .notFound)
            #expect(body.errorCode == "not_found")
            let (_, list) = try await Self.getJSON(client, "/v1/calls", key: otherKey)
            #expect((list["items"] as? [Any])?.isEmpty == true)
            #expect(try await client.call(.get, "/v1/calls", key: nil).status == .unauthorized)
        }
    }
}
