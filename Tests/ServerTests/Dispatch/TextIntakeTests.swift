import Events
import Foundation
import HummingbirdTesting
import Testing
@testable import Server

/// Maintenance reports by text, end to end through `POST /twilio/sms`: a tenant texts a problem without an address,
/// is asked for it (and the unit), and the ticket opens from the text that completed it; the replies go out through
/// the outbox; a vendor's text, a job reply and a business without intake are left alone.
@Suite struct TextIntakeTests {
    static let tenant = "+15557654321"

    static func app(intake: Bool = true) async throws -> CRMTestApp {
        try await CRMTestApp.make(settings: CRMTestApp.settings { $0.maintenanceIntake = intake }) { config in
            config.twilioAuthToken = TwilioWebhookTests.authToken
            config.publicBaseURL = TwilioTestClient.publicBaseURL
        }
    }

    /// Posts a text, then lets the consumers run (as the leader would right after the commit).
    static func text(_ client: some TestClientProtocol, _ crm: CRMTestApp, _ body: String, from: String = tenant,
                     sid: String = "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()) async throws {
        let posted = try await TwilioSMSWebhookTests.text(client, body, from: from, sid: sid)
        #expect(posted.status == .ok, "\(posted)")
        await crm.test.services.eventConsumers.drainAll()
    }

    /// Customer texts queued to `phone`, oldest first (read through the event log and the outbox repository).
    static func repliesTo(_ phone: String, _ crm: CRMTestApp) async throws -> [String] {
        let queued = try await crm.test.services.repositories.events.events(
            EventQuery(businessId: crm.a.id, types: [.smsQueued], limit: 1000))
        var bodies: [String] = []
        for event in queued {
            let change = try event.decode(SMSDeliveryChanged.self)
            guard change.to == phone, change.kind == "customer" else { continue }
            if let row = try await crm.test.services.repositories.outbox.row(id: change.outboxId) { bodies.append(row.body) }
        }
        return bodies
    }

    @Test func aTextWithoutAnAddressIsAskedForItAndOpensATicketOnceAnswered() async throws {
        let crm = try await Self.app()
        try await crm.test.app.test(.router) { client in
            try await Self.text(client, crm, "Hi, the kitchen sink is leaking under the cabinet")
            var replies = try await Self.repliesTo(Self.tenant, crm)
            #expect(replies == ["Thanks, we got your request. What is the address and unit number?"])
            #expect(try await client.call(.get, "/v1/tickets", key: crm.keyA).body.items.isEmpty, "no ticket without an address")

            try await Self.text(client, crm, "14 Elm Street")
            replies = try await Self.repliesTo(Self.tenant, crm)
            #expect(replies.last == "Thanks. What is the apartment or unit number? Reply NONE if there isn't one.")

            let completing = "SMcompleting0000000000000000000001"
            try await Self.text(client, crm, "apt 2", sid: completing)
            replies = try await Self.repliesTo(Self.tenant, crm)
            #expect(replies.count == 3)
            #expect(replies.last == "Thanks, your request is in. We will arrange a vendor and text you the details.")

            let list = try await client.call(.get, "/v1/tickets", key: crm.keyA).body.items
            #expect(list.count == 1)
            let ticket = try #require(list.first)
            #expect(ticket["source"] as? String == "sms")
            #expect(ticket["source_ref"] as? String == completing)
            #expect(ticket["trade"] as? String == "plumbing")
            #expect(ticket["property_address"] as? String == "14 Elm Street")
            #expect(ticket["unit"] as? String != nil)
            #expect(ticket["tenant_phone"] as? String == Self.tenant)
            #expect((ticket["problem"] as? String)?.contains("kitchen sink is leaking") == true)

            // Twilio redelivers the completing text: no second ticket, no second reply.
            try await Self.text(client, crm, "apt 2", sid: completing)
            #expect(try await client.call(.get, "/v1/tickets", key: crm.keyA).body.items.count == 1)
            #expect(try await Self.repliesTo(Self.tenant, crm).count == 3)
            // The other business has no ticket.
            #expect(try await client.call(.get, "/v1/tickets", key: crm.keyB).body.items.isEmpty)
            // A later ordinary text starts nothing.
            try await Self.text(client, crm, "thanks!")
            #expect(try await Self.repliesTo(Self.tenant, crm).count == 3)
        }
    }

    @Test func vendorsJobRepliesAndBusinessesWithoutIntakeAreLeftAlone() async throws {
        let crm = try await Self.app()
        try await crm.test.app.test(.router) { client in
            let vendor = try await client.call(.post, "/v1/vendors", key: crm.keyA, json: [
                "name": "Pat Plumber", "phone": "+15550107777", "trades": ["plumbing"], "service_areas": ["60614"],
            ])
            #expect(vendor.status == .created, "\(vendor.body)")
            try await Self.text(client, crm, "the sink at 14 elm street is leaking", from: "+15550107777")
            try await Self.text(client, crm, "DONE K7Q2 the sink at 14 elm street is fixed")
            #expect(try await client.call(.get, "/v1/tickets", key: crm.keyA).body.items.isEmpty)
            #expect(try await Self.repliesTo(Self.tenant, crm).isEmpty)
            #expect(try await Self.repliesTo("+15550107777", crm).isEmpty)
        }
        let off = try await Self.app(intake: false)
        try await off.test.app.test(.router) { client in
            try await Self.text(client, off, "the kitchen sink at 14 elm street apt 2 is leaking")
            #expect(try await client.call(.get, "/v1/tickets", key: off.keyA).body.items.isEmpty)
            #expect(try await Self.repliesTo(Self.tenant, off).isEmpty)
        }
    }
}
