import Foundation
import HummingbirdTesting
import Maintenance
import Testing
@testable import Server

/// The booking loop as a property manager runs it, for scenario tests: the real application with Twilio set up
/// against the Twilio stand-in (every text and call leaves through the work queue over Twilio's REST wire format),
/// on the test's clock. Tests serve it on a socket (`.live`) and post Twilio's signed webhooks to it.
struct DispatchWorld {
    static let acme = "+15550104001"
    static let bolt = "+15550104002"
    static let cole = "+15550104003"
    static let tenant = "+15550102000"
    static let landlord = "+15550109991"
    static let agent = "+15550109992"

    /// 18:00 on Friday 7 June 2030 in Chicago: the business is closed, so the first visit slot is Monday 08:00.
    static let fridayEvening = ISO8601DateFormatter().date(from: "2030-06-07T23:00:00Z")!
    /// Noon on Monday 10 June 2030 in Chicago.
    static let mondayNoon = ISO8601DateFormatter().date(from: "2030-06-10T17:00:00Z")!

    let standIn: TwilioMessagingStandIn
    let clock: TestClock
    let crm: CRMTestApp
    var services: AppServices { crm.test.services }

    static func configure(_ base: URL) -> (inout AppConfig) -> Void {
        { config in
            config.twilioAuthToken = TwilioMessagingStandIn.authToken
            config.twilioAccountSid = TwilioMessagingStandIn.accountSid
            config.twilioAPIBaseURL = base.absoluteString
            config.publicBaseURL = TwilioTestClient.publicBaseURL
        }
    }

    /// Starts the stand-in and the application (two plumbing businesses, `CRMTestApp`) at `start`.
    static func run(at start: Date, intake: Bool = false, standIn: TwilioMessagingStandIn = TwilioMessagingStandIn(),
                    _ body: @Sendable (DispatchWorld) async throws -> Void) async throws {
        try await standIn.run { base in
            let clock = TestClock(start)
            let crm = try await CRMTestApp.make(settings: CRMTestApp.settings { $0.maintenanceIntake = intake },
                                                configure: configure(base), now: clock.now)
            try await body(DispatchWorld(standIn: standIn, clock: clock, crm: crm))
        }
    }

    /// The same database opened by a new application: a restart (or a second node).
    func restarted() async throws -> DispatchWorld {
        let base = try #require(URL(string: crm.test.config.twilioAPIBaseURL))
        let test = try await TestApp.make(in: crm.test.directory, configure: Self.configure(base), now: clock.now)
        return DispatchWorld(standIn: standIn, clock: clock,
                             crm: CRMTestApp(test: test, a: crm.a, keyA: crm.keyA, b: crm.b, keyB: crm.keyB))
    }

    /// Runs what is due at the clock's time: the event consumers, then the due jobs (texts and calls go out to the
    /// stand-in), until nothing moves.
    func settle() async throws {
        try await services.settle(at: clock.read())
    }

    func advance(by seconds: TimeInterval) async throws {
        clock.advance(by: seconds)
        try await settle()
    }

    func advance(to date: Date) async throws {
        clock.advance(by: max(0, date.timeIntervalSince(clock.read())))
        try await settle()
    }

    /// What Twilio was asked to text to `phone`, in order.
    func texts(to phone: String) -> [String] {
        standIn.received.filter { $0.path.hasSuffix("/Messages.json") && $0.form["To"] == phone }.map { $0.form["Body"] ?? "" }
    }

    /// The Messages requests to `phone`, with their `From`.
    func messages(to phone: String) -> [TwilioMessagingStandIn.Received] {
        standIn.received.filter { $0.path.hasSuffix("/Messages.json") && $0.form["To"] == phone }
    }

    /// The calls Twilio was asked to place to `phone`.
    func calls(to phone: String) -> [TwilioMessagingStandIn.Received] {
        standIn.received.filter { $0.path.hasSuffix("/Calls.json") && $0.form["To"] == phone }
    }

    /// A text from `phone` to the business number `to`, as Twilio posts it; then the loop settles.
    @discardableResult
    func text(_ client: some TestClientProtocol, _ body: String, from phone: String, to: String = CRMTestApp.numberA,
              sid: String = "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()) async throws -> String {
        let reply = try await TwilioSMSWebhookTests.text(client, body, from: phone, to: to, sid: sid,
                                                         token: TwilioMessagingStandIn.authToken)
        #expect(reply.status == .ok, "\(body): \(reply.status) \(reply.body)")
        try await settle()
        return reply.body
    }

    func vendor(_ client: some TestClientProtocol, _ name: String, _ phone: String, trade: String = "plumbing",
                key: String? = nil) async throws {
        let made = try await client.call(.post, "/v1/vendors", key: key ?? crm.keyA, json: [
            "name": name, "phone": phone, "trades": [trade], "service_areas": ["606"]])
        #expect(made.status == .created, "\(made.body)")
    }

    func ticket(_ client: some TestClientProtocol, priority: String = "urgent", trade: String = "plumbing",
                problem: String = "No hot water in the kitchen", key: String? = nil) async throws -> [String: Any] {
        let made = try await client.call(.post, "/v1/tickets", key: key ?? crm.keyA, json: [
            "trade": trade, "priority": priority, "problem": problem, "property_address": "14 Elm St",
            "postcode": "60614", "tenant_name": "Ana Diaz", "tenant_phone": Self.tenant])
        #expect(made.status == .created, "\(made.body)")
        try await settle()
        return made.body
    }

    func get(_ client: some TestClientProtocol, ticket id: String, key: String? = nil) async throws -> [String: Any] {
        try await client.call(.get, "/v1/tickets/\(id)", key: key ?? crm.keyA).body
    }

    func settings(_ client: some TestClientProtocol, _ json: [String: Any], key: String? = nil) async throws {
        let saved = try await client.call(.put, "/v1/dispatch/settings", key: key ?? crm.keyA, json: json)
        #expect(saved.status == .ok, "\(saved.body)")
    }

    /// The ticket's offers as stored, oldest first.
    func offers(_ id: String, business: Business? = nil) async throws -> [DispatchOfferRecord] {
        try await services.repositories.dispatch.offers(ticketId: id, businessId: (business ?? crm.a).id)
    }

    /// The types of the ticket's events, in order.
    func timeline(_ client: some TestClientProtocol, _ id: String) async throws -> [String] {
        let body = try await client.call(.get, "/v1/tickets/\(id)/timeline", key: crm.keyA).body
        return (body["events"] as? [[String: Any]] ?? []).compactMap { $0["type"] as? String }
    }
}
