import Events
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Receptionist
import Testing
@testable import Server

/// Calls FrontDesk places: queued as a `call.create` job, created through the Twilio stand-in's REST API, then
/// served by the same webhooks as inbound calls — found by their stored record, with the roles the right way round.
@Suite struct OutboundCallTests {
    static let businessNumber = "+15550100000"
    static let callee = "+15557654321"
    static let token = TwilioMessagingStandIn.authToken

    static func makeApp(_ base: URL) async throws -> (TestApp, Business) {
        let app = try await TestApp.make { config in
            config.twilioAuthToken = token
            config.twilioAccountSid = TwilioMessagingStandIn.accountSid
            config.twilioAPIBaseURL = base.absoluteString
            config.publicBaseURL = TwilioTestClient.publicBaseURL
        }
        let business = try await app.services.businesses.create(NewBusiness(
            slug: "rapid-rooter", name: "Rapid Rooter", timeZone: "America/Chicago",
            settings: ReceptionistSettings(greeting: "Thanks for calling Rapid Rooter."), numbers: [businessNumber]))
        return (app, business)
    }

    /// The webhook parameters Twilio sends for an outbound call: `From` is the business, `To` the callee.
    static func parameters(_ sid: String, _ extra: [(String, String)]) -> [(String, String)] {
        [("AccountSid", TwilioMessagingStandIn.accountSid), ("CallSid", sid), ("From", businessNumber), ("To", callee),
         ("Direction", "outbound-api")] + extra
    }

    @Test func anOutboundCallIsPlacedAndServedByTheSameWebhooks() async throws {
        let standIn = TwilioMessagingStandIn()
        try await standIn.run { base in
            let (app, business) = try await Self.makeApp(base)
            let requestId = try await app.services.outboundCalls.place(
                businessId: business.id, to: Self.callee,
                context: .init(greeting: "Hi, this is Rapid Rooter calling to confirm your visit tomorrow.", purpose: "test"))
            #expect(try await app.services.jobRunner.runDue(now: Date()) == 1)

            // What Twilio was asked: the call, its Url back to us naming the request, status events, async AMD.
            let sent = try #require(standIn.received.first { $0.path.hasSuffix("/Calls.json") })
            #expect(sent.form["To"] == Self.callee && sent.form["From"] == Self.businessNumber)
            let url = try #require(sent.form["Url"])
            #expect(url.hasPrefix("https://frontdesk.example.com/twilio/voice?outbound=\(requestId)&business=\(business.id)"))
            #expect(sent.form["StatusCallback"] == "https://frontdesk.example.com/twilio/call-status")
            #expect(sent.form["AsyncAmdStatusCallback"] == "https://frontdesk.example.com/twilio/amd-status")
            #expect(sent.body.components(separatedBy: "StatusCallbackEvent=").count - 1 == 4)

            // The call is stored with its direction; the callee is the customer.
            let calls = try await app.services.calls.calls(businessId: business.id, limit: 10, cursor: nil).items
            let call = try #require(calls.first)
            #expect(call.direction == .outbound && call.caller == Self.businessNumber && call.called == Self.callee)
            #expect(call.customerNumber == Self.callee)
            let customers = try await app.services.customers.list(businessId: business.id, phone: nil, text: nil, limit: 10, cursor: nil)
            #expect(customers.items.map(\.phone) == [Self.callee])

            let twilio = TwilioTestClient(authToken: Self.token)
            let path = String(url.dropFirst(TwilioTestClient.publicBaseURL.count))
            try await app.app.test(.router) { client in
                // Twilio reports the call's progress out of order.
                let status = "/twilio/call-status"
                #expect(try await twilio.post(client, status, Self.parameters(call.sid, [("CallStatus", "initiated"), ("SequenceNumber", "0")])).status == .ok)
                #expect(try await twilio.post(client, status, Self.parameters(call.sid, [("CallStatus", "in-progress"), ("SequenceNumber", "2")])).status == .ok)
                #expect(try await twilio.post(client, status, Self.parameters(call.sid, [("CallStatus", "ringing"), ("SequenceNumber", "1")])).status == .ok)
                #expect(try await app.services.calls.call(sid: call.sid)?.status == "in-progress", "a late ringing does not move the call back")

                // Answered: the callee hears the call's own opening, and the conversation runs as usual.
                let opening = try await twilio.post(client, path, Self.parameters(call.sid, [("CallStatus", "in-progress")]))
                #expect(opening.status == .ok)
                #expect(opening.body.contains("confirm your visit tomorrow"), "\(opening.body)")
                #expect(opening.body.contains("<Gather"))
                let reply = try await twilio.post(client, "/twilio/gather", Self.parameters(call.sid, [
                    ("CallStatus", "in-progress"), ("SpeechResult", "my basement is flooding"), ("Confidence", "0.9")]))
                #expect(reply.body.contains("911") || reply.body.lowercased().contains("address"), "\(reply.body)")
                let amd = try await twilio.post(client, "/twilio/amd-status", Self.parameters(call.sid, [
                    ("AnsweredBy", "human"), ("MachineDetectionDuration", "1840")]))
                #expect(amd.status == .ok)

                #expect(try await twilio.post(client, status, Self.parameters(call.sid, [
                    ("CallStatus", "completed"), ("CallDuration", "42"), ("SequenceNumber", "3")])).status == .ok)
                // Nothing moves a finished call.
                #expect(try await twilio.post(client, status, Self.parameters(call.sid, [("CallStatus", "ringing"), ("SequenceNumber", "9")])).status == .ok)

                // The roles read right over the API and in the export.
                let key = try await app.services.apiKeys.rotate(businessId: business.id)
                let (_, detail) = try await client.call(.get, "/v1/calls/\(call.sid)", key: key)
                #expect(detail["direction"] as? String == "outbound")
                #expect(detail["customer_number"] as? String == Self.callee)
                let csv = try await client.execute(uri: "/v1/analytics/calls.csv", method: .get,
                                                   headers: [HTTPField.Name("X-API-Key")!: key]) { String(buffer: $0.body) }
                let lines = csv.split(separator: "\r\n").map(String.init)
                #expect(lines.first?.hasSuffix(",direction") == true)
                #expect(lines.count == 2 && lines[1].hasSuffix(",outbound"), "\(csv)")
            }
            let ended = try #require(try await app.services.calls.call(sid: call.sid))
            #expect(ended.status == "completed" && ended.endedAt != nil && ended.durationSeconds == 42)
            #expect(ended.statusSequence == 3)
            let turns = try await app.services.calls.turns(callSid: call.sid)
            #expect(turns.contains { $0.speaker == .caller && $0.text == "my basement is flooding" })

            let stream = try await app.services.events.events(EventQuery(businessId: business.id, stream: .call(call.sid), limit: 100))
            let started = try #require(stream.first).decode(CallStarted.self)
            #expect(started.direction == .outbound && started.customerNumber == Self.callee)
            let statuses = try stream.filter { $0.type == .callStatus }.map { try $0.decode(CallStatusChanged.self) }
            #expect(statuses.filter { $0.answeredBy == nil }.compactMap(\.sequenceNumber) == [0, 2], "the stale callbacks were not recorded: \(statuses)")
            #expect(statuses.contains { $0.answeredBy == "human" })
            #expect(try stream.last?.decode(CallEnded.self).direction == .outbound)
        }
    }

    @Test func aMachineHearsTheVoicemailAfterItsGreetingAPersonTheCallAndAFaxAHangUp() async throws {
        let ended = "CA" + String(repeating: "e", count: 32)
        let standIn = TwilioMessagingStandIn(endedCalls: [ended])
        try await standIn.run { base in
            let (app, business) = try await Self.makeApp(base)
            let voicemail = OutboundCalls.Voicemail(message: "Hi, this is Rapid Rooter about your boiler service. Please call us back.")
            for callee in ["+15557654321", "+15557654322", "+15557654323"] {
                _ = try await app.services.outboundCalls.place(businessId: business.id, to: callee,
                                                               context: .init(purpose: "test", voicemail: voicemail))
            }
            _ = try await app.services.outboundCalls.place(businessId: business.id, to: "+15557654324")
            // Four calls at one call per second: the pacing spaces them (a few seconds of real time).
            try await app.services.jobRunner.runDue(now: Date())
            let placed = standIn.received.filter { $0.path.hasSuffix("/Calls.json") }
            #expect(placed.count == 4)
            #expect(placed.filter { $0.form["MachineDetection"] == "DetectMessageEnd" }.count == 3, "wait for the beep to leave a message")
            #expect(placed.first { $0.form["To"] == "+15557654324" }?.form["MachineDetection"] == "Enable")

            let calls = try await app.services.calls.calls(businessId: business.id, limit: 10, cursor: nil).items
            let sids = Dictionary(calls.map { ($0.called, $0.sid) }, uniquingKeysWith: { first, _ in first })
            #expect(sids.count == 4)
            let twilio = TwilioTestClient(authToken: Self.token)
            try await app.app.test(.router) { client in
                func amd(_ sid: String, _ callee: String, _ verdict: String) async throws {
                    let reply = try await twilio.post(client, "/twilio/amd-status", [
                        ("AccountSid", TwilioMessagingStandIn.accountSid), ("CallSid", sid), ("From", Self.businessNumber),
                        ("To", callee), ("AnsweredBy", verdict), ("MachineDetectionDuration", "4200")])
                    #expect(reply.status == .ok)
                }
                try await amd(sids["+15557654321"] ?? "", "+15557654321", "machine_end_beep")
                try await amd(sids["+15557654321"] ?? "", "+15557654321", "machine_end_beep")   // redelivered
                try await amd(sids["+15557654322"] ?? "", "+15557654322", "human")
                try await amd(sids["+15557654323"] ?? "", "+15557654323", "fax")
                try await amd(sids["+15557654324"] ?? "", "+15557654324", "machine_end_beep")  // no voicemail behaviour
            }
            try await app.services.jobRunner.runDue(now: Date())
            let updates = standIn.received.filter { $0.path.contains("/Calls/CA") }
            #expect(updates.count == 2, "\(updates.map(\.path))")
            let message = try #require(updates.first { $0.path.hasSuffix("/Calls/\(sids["+15557654321"] ?? "").json") })
            #expect(message.form["Twiml"] == "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say>Hi, this is Rapid Rooter about your boiler service. Please call us back.</Say><Hangup /></Response>"
                    || message.form["Twiml"]?.contains("<Say>Hi, this is Rapid Rooter about your boiler service. Please call us back.</Say><Hangup") == true,
                    "\(message.form["Twiml"] ?? "")")
            let fax = try #require(updates.first { $0.path.hasSuffix("/Calls/\(sids["+15557654323"] ?? "").json") })
            #expect(fax.form["Status"] == "completed" && fax.form["Twiml"] == nil)
            // Every verdict is on its call's stream, for whatever placed the call.
            let verdicts = try await app.services.events.events(EventQuery(businessId: business.id, types: [.callStatus], limit: 100))
                .compactMap { try $0.decode(CallStatusChanged.self).answeredBy }
            #expect(verdicts.sorted() == ["fax", "human", "machine_end_beep", "machine_end_beep", "machine_end_beep"])

            // A call that is over by the time Twilio is asked is left alone, not failed.
            let job = try NewJob(kind: CallUpdateJob.kind, businessId: business.id,
                                 payload: CallUpdateJob.Payload(callSid: ended, update: .hangUp), dedupeKey: "test-ended")
            try await app.services.jobs.enqueue(job, now: Date())
            try await app.services.jobRunner.runDue(now: Date())
            #expect(try await app.services.jobs.jobs(kind: CallUpdateJob.kind).allSatisfy { $0.status == .done })
        }
    }

    @Test func aScriptedCallAsksItsQuestionsAndTheAnswersAreStoredWithTheCall() async throws {
        let standIn = TwilioMessagingStandIn()
        try await standIn.run { base in
            let (app, business) = try await Self.makeApp(base)
            let script = OutboundScript(
                opening: "Hi, this is Rapid Rooter's automated assistant, calling to confirm your visit tomorrow.",
                questions: [.init(field: "confirmed", text: "Does the visit still suit you?", kind: .yesNo),
                            .init(field: "notes", text: "Anything we should know?", kind: .freeText)],
                closing: "Thank you. Goodbye.")
            _ = try await app.services.outboundCalls.place(businessId: business.id, to: Self.callee,
                                                           context: .init(purpose: "test", script: script))
            try await app.services.jobRunner.runDue(now: Date())
            let url = try #require(standIn.received.first { $0.path.hasSuffix("/Calls.json") }?.form["Url"])
            let sid = try #require(try await app.services.calls.calls(businessId: business.id, limit: 1, cursor: nil).items.first).sid
            let twilio = TwilioTestClient(authToken: Self.token)
            try await app.app.test(.router) { client in
                let opening = try await twilio.post(client, String(url.dropFirst(TwilioTestClient.publicBaseURL.count)),
                                                    Self.parameters(sid, [("CallStatus", "in-progress")]))
                #expect(opening.body.contains("automated assistant, calling to confirm") && opening.body.contains("Does the visit still suit you?"),
                        "\(opening.body)")
                let second = try await twilio.post(client, "/twilio/gather", Self.parameters(sid, [
                    ("CallStatus", "in-progress"), ("SpeechResult", "yes that works"), ("Confidence", "0.9")]))
                #expect(second.body.contains("Anything we should know?"))
                let last = try await twilio.post(client, "/twilio/gather", Self.parameters(sid, [
                    ("CallStatus", "in-progress"), ("SpeechResult", "the dog is friendly"), ("Confidence", "0.9")]))
                #expect(last.body.contains("Thank you. Goodbye.") && last.body.contains("<Hangup"))
            }
            let stored = try #require(try await app.services.calls.call(sid: sid))
            let campaign = try #require(stored.machine.campaign)
            #expect(campaign.completed && campaign.results == ["confirmed": "yes", "notes": "the dog is friendly"])
        }
    }

    @Test func aWebhookThatOvertakesTheStoredRecordIsAskedToComeBack() async throws {
        let standIn = TwilioMessagingStandIn()
        try await standIn.run { base in
            let (app, business) = try await Self.makeApp(base)
            let twilio = TwilioTestClient(authToken: Self.token)
            let path = "/twilio/voice?outbound=0f0e&business=\(business.id)"
            try await app.app.test(.router) { client in
                let reply = try await twilio.post(client, path, Self.parameters("CA" + String(repeating: "7", count: 32),
                                                                                [("CallStatus", "in-progress")]))
                #expect(reply.status == .ok)
                #expect(reply.body.contains("<Pause length=\"1\" />"))
                #expect(reply.body.contains("<Redirect>https://frontdesk.example.com\(path.replacingOccurrences(of: "&", with: "&amp;"))</Redirect>"), "\(reply.body)")
                // Signed with another token: refused, whatever business the URL names.
                let forged = try await TwilioTestClient(authToken: "not-the-token").post(
                    client, path, Self.parameters("CA" + String(repeating: "8", count: 32), [("CallStatus", "in-progress")]))
                #expect(forged.status == .forbidden)
            }
        }
    }

    @Test func aCallWhosePlacingWasInterruptedIsNeverDialledTwice() async throws {
        let standIn = TwilioMessagingStandIn()
        try await standIn.run { base in
            let (app, business) = try await Self.makeApp(base)
            _ = try await app.services.outboundCalls.place(businessId: business.id, to: Self.callee)
            // As if a process had claimed the job and died while Twilio was being asked: running, lease expired,
            // one attempt spent, no error recorded.
            try await app.services.database.dbPool.write { db in
                try db.execute(sql: """
                    UPDATE jobs SET status = 'running', attempts = 1, locked_until = '2000-01-01 00:00:00.000'
                    WHERE kind = 'call.create'
                    """)
            }
            try await app.services.jobRunner.runDue(now: Date())
            #expect(standIn.received.isEmpty)
            let job = try #require(try await app.services.jobs.jobs(kind: OutboundCallJob.kind).first)
            #expect(job.status == .failed)
            #expect(job.lastError?.contains("never called twice") == true)
        }
    }

    @Test func placingRefusesABadNumberOrABusinessWithoutOne() async throws {
        let standIn = TwilioMessagingStandIn()
        try await standIn.run { base in
            let (app, business) = try await Self.makeApp(base)
            await #expect(throws: RepositoryError.self) { try await app.services.outboundCalls.place(businessId: business.id, to: "555-0100") }
            let (bare, _) = try await app.makeTenant("no-number")
            await #expect(throws: RepositoryError.self) { try await app.services.outboundCalls.place(businessId: bare.id, to: Self.callee) }
        }
    }
}
