import Foundation
import HTTPTypes
import HummingbirdTesting
import Receptionist
import Testing
@testable import Server

/// `POST /twilio/sms` end to end: signed webhooks in, TwiML out, customers, conversations and the outbox in SQLite.
@Suite struct TwilioSMSWebhookTests {
    static let authToken = TwilioWebhookTests.authToken
    static let empty = TwiML([]).render()

    static func makeApp(ownerPhone: String? = "+15550109999") async throws -> CRMTestApp {
        try await CRMTestApp.make(settings: CRMTestApp.settings { $0.ownerPhone = ownerPhone }) { config in
            config.twilioAuthToken = authToken
            config.publicBaseURL = TwilioTestClient.publicBaseURL
        }
    }

    /// Posts an inbound text like Twilio does.
    static func text(
        _ client: some TestClientProtocol, _ body: String, from: String = "+15557654321", to: String = CRMTestApp.numberA,
        sid: String = "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased(), token: String? = authToken
    ) async throws -> (status: HTTPResponse.Status, body: String, contentType: String?) {
        let parameters = [("ToCountry", "US"), ("SmsMessageSid", sid), ("NumMedia", "0"), ("SmsSid", sid), ("SmsStatus", "received"),
                          ("Body", body), ("To", to), ("NumSegments", "1"), ("MessageSid", sid),
                          ("AccountSid", "AC00000000000000000000000000000000"), ("From", from), ("ApiVersion", "2010-04-01")]
        return try await TwilioTestClient(authToken: token).post(client, "/twilio/sms", parameters)
    }

    static func customer(_ client: some TestClientProtocol, _ crm: CRMTestApp, phone: String) async throws -> [String: Any]? {
        let encoded = phone.replacingOccurrences(of: "+", with: "%2B")
        return try await client.call(.get, "/v1/customers?phone=\(encoded)", key: crm.keyA).body.items.first
    }

    static func outbox(_ crm: CRMTestApp) async throws -> [SMSOutboxRow] {
        try await crm.test.services.database.dbPool.read { db in try SMSOutboxRow.order(sql: "id").fetchAll(db) }
    }

    @Test(arguments: ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT", "stop", " Stop. "])
    func optOutKeywordsSetTheFlagAndReplyWithAnEmptyResponse(_ keyword: String) async throws {
        let crm = try await Self.makeApp()
        try await crm.test.app.test(.router) { client in
            let reply = try await Self.text(client, keyword)
            #expect(reply.status == .ok)
            #expect(reply.contentType?.hasPrefix("text/xml") == true)
            #expect(reply.body == Self.empty)
            let customer = try #require(try await Self.customer(client, crm, phone: "+15557654321"))
            #expect(customer["sms_opt_out"] as? Bool == true)
            #expect(try await Self.outbox(crm).isEmpty, "a keyword is not news for the owner")
        }
    }

    @Test(arguments: ["START", "YES", "UNSTOP", "start", "Yes!"])
    func optInKeywordsClearTheFlagAndConfirm(_ keyword: String) async throws {
        let crm = try await Self.makeApp()
        try await crm.test.app.test(.router) { client in
            _ = try await Self.text(client, "STOP")
            let reply = try await Self.text(client, keyword)
            #expect(reply.body == TwiML.response { Message("Rapid Rooter: you will get texts from us again. Reply STOP to stop.") }.render())
            let customer = try #require(try await Self.customer(client, crm, phone: "+15557654321"))
            #expect(customer["sms_opt_out"] as? Bool == false)
            #expect(customer["sms_opt_out_at"] is NSNull)
        }
    }

    @Test(arguments: ["HELP", "INFO", "help", "Info?"])
    func helpKeywordsSayWhoAndHowToStop(_ keyword: String) async throws {
        let crm = try await Self.makeApp()
        try await crm.test.app.test(.router) { client in
            let reply = try await Self.text(client, keyword)
            #expect(reply.body == "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>Rapid Rooter: reply STOP to stop texts, START to resume. Call +15550100000 for help.</Message></Response>")
            let customer = try #require(try await Self.customer(client, crm, phone: "+15557654321"))
            #expect(customer["sms_opt_out"] as? Bool == false)
        }
    }

    @Test func anOrdinaryTextJoinsTheConversationAndAlertsTheOwner() async throws {
        let crm = try await Self.makeApp()
        try await crm.test.app.test(.router) { client in
            let first = try await Self.text(client, "STOP please", sid: "SM1")
            #expect(first.body == Self.empty)
            let customer = try #require(try await Self.customer(client, crm, phone: "+15557654321"))
            #expect(customer["sms_opt_out"] as? Bool == false, "\"STOP please\" is a message, not an opt-out")
            _ = try await Self.text(client, "can you come tomorrow?", sid: "SM2")
            _ = try await Self.text(client, "can you come tomorrow?", sid: "SM2")   // redelivered: stored once
            _ = try await Self.text(client, "help", sid: "SM3")

            let id = try #require(customer.id)
            let timeline = try await client.call(.get, "/v1/customers/\(id)/timeline", key: crm.keyA)
            let messages = timeline.body.items.compactMap { $0["message"] as? [String: Any] }
            #expect(messages.compactMap { $0["body"] as? String } == [
                "STOP please", "can you come tomorrow?", "help",
                "Rapid Rooter: reply STOP to stop texts, START to resume. Call +15550100000 for help.",
            ])
            #expect(messages.compactMap { $0["direction"] as? String } == ["inbound", "inbound", "inbound", "outbound"])
            #expect(timeline.body.items.allSatisfy { $0["channel"] as? String == "sms" })

            let conversationId = try #require(messages.first?["conversation_id"] as? String)
            let conversation = try await client.call(.get, "/v1/conversations/\(conversationId)", key: crm.keyA)
            #expect(conversation.body["channel"] as? String == "sms")
            #expect(conversation.body["customer_id"] as? String == id)
            #expect((conversation.body["messages"] as? [Any])?.count == 4)
            // Another business cannot read it.
            #expect(try await client.call(.get, "/v1/conversations/\(conversationId)", key: crm.keyB).status == .notFound)

            await crm.test.services.eventConsumers.drainAll()
            let alerts = try await Self.outbox(crm)
            #expect(alerts.map(\.body) == ["Rapid Rooter: text from +15557654321: STOP please",
                                           "Rapid Rooter: text from +15557654321: can you come tomorrow?"])
            #expect(alerts.allSatisfy { $0.kind == .owner && $0.to == "+15550109999" && $0.status == .queued })
        }
    }

    @Test func textsToEachBusinessStayWithIt() async throws {
        let crm = try await Self.makeApp(ownerPhone: nil)
        try await crm.test.app.test(.router) { client in
            _ = try await Self.text(client, "hello A", to: CRMTestApp.numberA)
            _ = try await Self.text(client, "STOP", to: CRMTestApp.numberB)
            let a = try #require(try await Self.customer(client, crm, phone: "+15557654321"))
            #expect(a["sms_opt_out"] as? Bool == false, "opting out of B's texts is not opting out of A's")
            let b = try #require(try await client.call(.get, "/v1/customers", key: crm.keyB).body.items.first)
            #expect(b["sms_opt_out"] as? Bool == true)
            #expect(a.id != b.id)
            #expect(try await Self.outbox(crm).isEmpty, "no owner phone, no alert")
        }
    }

    @Test func aCallATextAndAnAppointmentMakeOneTimelineInOrder() async throws {
        let crm = try await Self.makeApp()
        try await crm.test.app.test(.router) { client in
            var call = SimulatedCall(twilio: TwilioTestClient(authToken: Self.authToken), to: CRMTestApp.numberA)
            _ = try await call.start(client)
            _ = try await Self.text(client, "Following up on my call")
            let customer = try #require(try await Self.customer(client, crm, phone: call.from))
            let id = try #require(customer.id)
            let booked = try await client.call(.post, "/v1/appointments", key: crm.keyA,
                                               json: ["customer_id": id, "start": "2030-06-03T13:00", "source_call_sid": call.sid])
            #expect(booked.status == .created)
            #expect(booked.body["source_call_sid"] as? String == call.sid)
            let timeline = try await client.call(.get, "/v1/customers/\(id)/timeline", key: crm.keyA)
            #expect(timeline.body.items.compactMap { $0["type"] as? String } == ["call", "message", "appointment"])
            #expect((timeline.body.items.first?["call"] as? [String: Any])?["sid"] as? String == call.sid)
            // B cannot claim A's call as its source.
            let bCustomer = try #require(try await client.call(.post, "/v1/customers", key: crm.keyB, json: ["phone": "+15551112222"]).body.id)
            let claimed = try await client.call(.post, "/v1/appointments", key: crm.keyB,
                                                json: ["customer_id": bCustomer, "start": "2030-06-03T13:00", "source_call_sid": call.sid])
            #expect(claimed.status == .unprocessableContent)
        }
    }

    @Test func unsignedMalformedAndUnknownWebhooks() async throws {
        let crm = try await Self.makeApp()
        try await crm.test.app.test(.router) { client in
            #expect(try await Self.text(client, "STOP", token: nil).status == .forbidden)
            #expect(try await Self.text(client, "STOP", token: "wrong-token-0123456789abcdef0000").status == .forbidden)
            #expect(try await Self.customer(client, crm, phone: "+15557654321") == nil, "nothing stored before the signature is checked")
            let noSid = try await TwilioTestClient(authToken: Self.authToken).post(client, "/twilio/sms", [("From", "+15557654321"), ("To", CRMTestApp.numberA), ("Body", "hi")])
            #expect(noSid.status == .badRequest)
            let unknown = try await Self.text(client, "hello", to: "+15559990000")
            #expect(unknown.status == .ok)
            #expect(unknown.body == Self.empty)
            let shortCode = try await Self.text(client, "hello", from: "22395")
            #expect(shortCode.body == Self.empty)
            #expect(try await client.call(.get, "/v1/customers", key: crm.keyA).body.items.isEmpty)
        }
    }
}
