import Foundation
import HummingbirdTesting
import Maintenance
import Testing
@testable import Server

/// The booking loop end to end through the router: tickets and vendors over REST, the `dispatch` consumer, the
/// work queue's timers (run with `runDue(now:)` at a later time) and vendors' texts over the signed SMS webhook.
@Suite struct DispatchScenarioTests {
    static let first = "+15550104001"
    static let second = "+15550104002"

    static func vendor(_ client: some TestClientProtocol, _ crm: CRMTestApp, _ name: String, _ phone: String) async throws {
        let made = try await client.call(.post, "/v1/vendors", key: crm.keyA, json: [
            "name": name, "phone": phone, "trades": ["plumbing"], "service_areas": ["606"]])
        #expect(made.status == .created)
    }

    static func ticket(_ client: some TestClientProtocol, _ crm: CRMTestApp) async throws -> String {
        let made = try await client.call(.post, "/v1/tickets", key: crm.keyA, json: [
            "trade": "plumbing", "priority": "urgent", "problem": "No hot water", "property_address": "14 Elm St",
            "postcode": "60614", "tenant_name": "Ana Diaz", "tenant_phone": "+15550102000"])
        #expect(made.status == .created)
        return try #require(made.body["id"] as? String)
    }

    static func state(_ client: some TestClientProtocol, _ crm: CRMTestApp, _ id: String) async throws -> String? {
        try await client.call(.get, "/v1/tickets/\(id)", key: crm.keyA).body["state"] as? String
    }

    static func texts(_ crm: CRMTestApp, to phone: String) async throws -> [String] {
        // Through the event log and the outbox repository, so the scenarios run on either backend.
        try await TextIntakeTests.repliesTo(phone, crm)
    }

    @Test
    func theSecondVendorBooksAfterTheFirstTimesOutAndARedeliveredYesDoesNothingTwice() async throws {
        // The application's clock is the test's: the timer runs when the clock has passed its due time, and the
        // next offer is sent (and later answered) at that time.
        let clock = TestClock(Date())
        let crm = try await CRMTestApp.make(settings: CRMTestApp.settings(), configure: { config in
            config.twilioAuthToken = TwilioSMSWebhookTests.authToken
            config.publicBaseURL = TwilioTestClient.publicBaseURL
        }, now: clock.now)
        let services = crm.test.services
        try await crm.test.app.test(.router) { client in
            // Added a second apart: the rotation offers the longest-standing vendor first.
            try await Self.vendor(client, crm, "Acme Plumbing", Self.first)
            clock.advance(by: 1)
            try await Self.vendor(client, crm, "Bolt Plumbing", Self.second)
            let id = try await Self.ticket(client, crm)
            _ = await services.eventConsumers.drainAll()
            #expect(try await Self.state(client, crm, id) == "vendor_contacting")
            let offer = try #require(try await Self.texts(crm, to: Self.first).first)
            #expect(offer.hasPrefix("Job ") && offer.contains("Reply YES"))
            #expect(try await Self.texts(crm, to: Self.second).isEmpty, "one open offer at a time")

            // The first vendor's hour (an urgent ticket's offer timeout) passes: the timer fires and the job goes to
            // the second vendor, whose own timer is not due yet.
            clock.advance(by: 60 * 60 + 60)
            _ = try await services.jobRunner.runDue(now: clock.read())
            #expect(try await Self.texts(crm, to: Self.second).count == 1)

            // The second vendor's YES (delivered twice by Twilio) books it once.
            let sid = "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let yes = try await TwilioSMSWebhookTests.text(client, "YES", from: Self.second, sid: sid)
            #expect(yes.status == .ok, "\(yes.body)")
            #expect(yes.body == TwilioSMSWebhookTests.empty, "a vendor's YES is not a carrier opt-in")
            _ = try await TwilioSMSWebhookTests.text(client, "YES", from: Self.second, sid: sid)
            #expect(try await Self.state(client, crm, id) == "scheduled")
            #expect(try await Self.texts(crm, to: Self.second).filter { $0.contains("is yours") }.count == 1)
            #expect(try await Self.texts(crm, to: "+15550102000").filter { $0.contains("is booked") }.count == 1)

            // The first vendor's late YES is told the job is taken.
            let code = try #require(try await client.call(.get, "/v1/tickets/\(id)", key: crm.keyA).body["code"] as? String)
            _ = try await TwilioSMSWebhookTests.text(client, "YES \(code)", from: Self.first)
            #expect(try await Self.texts(crm, to: Self.first).last == DispatchTexts.alreadyTaken(code: code))
            #expect(try await Self.state(client, crm, id) == "scheduled")
        }
    }

    @Test func anEmptyPoolEscalatesAtOnceAndAVendorsStopWithdrawsTheOffer() async throws {
        let crm = try await TwilioSMSWebhookTests.makeApp(ownerPhone: nil)
        let services = crm.test.services
        try await crm.test.app.test(.router) { client in
            let lonely = try await Self.ticket(client, crm)
            _ = await services.eventConsumers.drainAll()
            #expect(try await Self.state(client, crm, lonely) == "escalated")

            try await Self.vendor(client, crm, "Acme Plumbing", Self.first)
            let id = try await Self.ticket(client, crm)
            _ = await services.eventConsumers.drainAll()
            #expect(try await Self.state(client, crm, id) == "vendor_contacting")
            _ = try await TwilioSMSWebhookTests.text(client, "STOP", from: Self.first)
            // The only vendor is gone: nobody left, so the ticket escalates without waiting for the timer.
            #expect(try await Self.state(client, crm, id) == "escalated")
            let vendor = try #require(try await services.repositories.vendors.vendor(phone: Self.first, businessId: crm.a.id))
            #expect(vendor.optedOut)
            _ = try await TwilioSMSWebhookTests.text(client, "START", from: Self.first)
            #expect(try await services.repositories.vendors.vendor(phone: Self.first, businessId: crm.a.id)?.optedOut == false)
        }
    }
}
