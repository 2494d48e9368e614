import Foundation
import HummingbirdTesting
import Testing
@testable import Server

/// Maintenance intake on a call, end to end through the webhooks: a tenant reports a leak to a business with
/// `maintenance_intake` on, answers the questions, confirms the read-back, and a ticket is opened from the call
/// (by the `ticket-intake` consumer, from the turn's `call.ticket_requested` event) — once, for that business only.
@Suite struct CallIntakeTests {
    static func app(intake: Bool) async throws -> CRMTestApp {
        try await CRMTestApp.make(settings: CRMTestApp.settings { $0.maintenanceIntake = intake }) { config in
            config.twilioAuthToken = TwilioWebhookTests.authToken
            config.publicBaseURL = TwilioTestClient.publicBaseURL
        }
    }

    @Test func aConfirmedReportOnACallOpensOneTicketForThatBusiness() async throws {
        let crm = try await Self.app(intake: true)
        try await crm.test.app.test(.router) { client in
            var call = SimulatedCall(twilio: TwilioTestClient(authToken: TwilioWebhookTests.authToken), to: CRMTestApp.numberA)
            _ = try await call.start(client)
            let first = try await call.say(client, "hi my kitchen sink is leaking under the cabinet")
            #expect(first.contains("address"), "\(first)")
            _ = try await call.say(client, "fourteen elm street")
            _ = try await call.say(client, "apartment three b")
            _ = try await call.say(client, "tomorrow morning works")
            _ = try await call.say(client, "ana ruiz")
            let readBack = try await call.say(client, "yes")
            #expect(readBack.contains("Let me read that back"), "\(readBack)")
            let done = try await call.say(client, "yes that's right")
            #expect(done.contains("text"), "the caller is told a text will follow: \(done)")
            await crm.test.services.eventConsumers.drainAll()

            let (_, list) = try await client.call(.get, "/v1/tickets", key: crm.keyA)
            #expect(list.items.count == 1)
            let ticket = try #require(list.items.first)
            #expect(ticket["source"] as? String == "call")
            #expect(ticket["source_ref"] as? String == call.sid)
            #expect(ticket["state"] as? String == "escalated", "the booking loop took it at once: no vendor, so escalated")
            #expect(ticket["trade"] as? String == "plumbing")
            #expect(ticket["priority"] as? String == "urgent")
            #expect(ticket["problem"] as? String == "hi my kitchen sink is leaking under the cabinet")
            #expect(ticket["property_address"] as? String == "14 Elm Street")
            #expect(ticket["unit"] as? String == "Apartment 3B")
            #expect(ticket["access_window"] as? String == "tomorrow morning")
            #expect(ticket["tenant_name"] as? String == "Ana Ruiz")
            #expect(ticket["tenant_phone"] as? String == call.from, "the caller id, confirmed")

            // The timeline starts with the tenant opening it; the call's own stream has the request.
            let id = try #require(ticket["id"] as? String)
            let (_, timeline) = try await client.call(.get, "/v1/tickets/\(id)/timeline", key: crm.keyA)
            let events = try #require(timeline["events"] as? [[String: Any]])
            #expect(events.first?["type"] as? String == "ticket.opened")
            let actor = (events.first?["payload"] as? [String: Any])?["actor"] as? [String: Any]
            #expect(actor?["kind"] as? String == "tenant")
            let requests = try await crm.test.services.repositories.events.events(
                EventQuery(businessId: crm.a.id, stream: .call(call.sid), types: [.ticketRequested]))
            #expect(requests.count == 1)

            // Delivered again (a replay of the consumer): still one ticket.
            let consumer = try #require(crm.test.services.eventConsumers.consumer(named: "ticket-intake"))
            #expect(try await crm.test.services.eventConsumers.replay(consumer: consumer, after: 0) == 1)
            let (_, again) = try await client.call(.get, "/v1/tickets", key: crm.keyA)
            #expect(again.items.count == 1)
            // The other business sees nothing of it.
            let (_, other) = try await client.call(.get, "/v1/tickets", key: crm.keyB)
            #expect(other.items.isEmpty)
            let (status, _) = try await client.call(.get, "/v1/tickets/\(id)", key: crm.keyB)
            #expect(status == .notFound)
        }
    }

    @Test func withoutMaintenanceIntakeTheSameWordsOpenNoTicket() async throws {
        let crm = try await Self.app(intake: false)
        try await crm.test.app.test(.router) { client in
            var call = SimulatedCall(twilio: TwilioTestClient(authToken: TwilioWebhookTests.authToken), to: CRMTestApp.numberA)
            _ = try await call.start(client)
            let reply = try await call.say(client, "hi my kitchen sink is leaking under the cabinet")
            #expect(!reply.contains("apartment or unit"), "\(reply)")
            _ = try await call.hangUp(client, duration: 20)
            await crm.test.services.eventConsumers.drainAll()
            let (_, list) = try await client.call(.get, "/v1/tickets", key: crm.keyA)
            #expect(list.items.isEmpty)
        }
    }
}
