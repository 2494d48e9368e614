import Foundation
import HummingbirdTesting
import Testing
@testable import Server

/// A call queued in the window's last seconds is dialled only while the window is still open. The dialer checks the
/// window when it starts an attempt; the account's pacing may hold the `call.create` job for seconds after that, so the
/// call carries the window's end as its dial-by time and the job refuses a slot at or past it. The attempt is taken
/// back (it does not count) and the recipient waits for the next opening — found by the 10,000-recipient benchmark,
/// which saw two calls placed at 21:00:0x in Los Angeles before this existed.
///
/// Through the real server: REST upload, the dialer on the test clock, the job's pacing at 0.5 calls per second, the
/// Twilio stand-in, the campaign-calls consumer, the results and events routes.
@Suite struct CampaignDialByTests {
    /// Tuesday 10 June 2031, 20:59:57 PDT in Los Angeles: three seconds of the window left.
    static let lateEvening = ISO8601DateFormatter().date(from: "2031-06-11T03:59:57Z")!
    /// 21:00 PDT, when the window closes.
    static let closing = ISO8601DateFormatter().date(from: "2031-06-11T04:00:00Z")!
    /// Wednesday 08:00 PDT, the next opening.
    static let nextOpening = ISO8601DateFormatter().date(from: "2031-06-11T15:00:00Z")!
    static let callees = ["+15550100001", "+15550100002", "+15550100003", "+15550100004"]

    @Test func aCallWhoseSlotComesAfterTheWindowClosesIsNotDialledAndItsRecipientWaitsForTheNextOpening() async throws {
        let standIn = TwilioMessagingStandIn()
        try await standIn.run { base in
            let clock = TestClock(Self.lateEvening)
            let test = try await TestApp.make(configure: { config in
                DispatchWorld.configure(base)(&config)
                // One dial every two seconds: slots at :57, :59, 21:00:01 and 21:00:03.
                config.outboundLimits = OutboundLimits(callsPerSecond: 0.5, maxConcurrentCalls: 10)
            }, now: clock.now)
            let business = try await test.services.businesses.create(NewBusiness(
                slug: "brightwater", name: "Brightwater Plumbing", timeZone: "America/Chicago",
                numbers: [CampaignDialerTests.number]))
            let key = try await test.services.apiKeys.rotate(businessId: business.id)
            let world = CampaignDialerTests.World(test: test, standIn: standIn, clock: clock, business: business, key: key)
            let dialer = test.services.campaignDialer
            try await test.app.test(.router) { client in
                let id = try #require(try await client.call(.post, "/v1/campaigns", key: key,
                                                            json: CampaignDialerTests.campaign).body.id)
                let csv = "phone_number,first_name,timezone\n"
                    + Self.callees.enumerated().map { "\($1),Callee\($0),America/Los_Angeles" }.joined(separator: "\n")
                #expect(try await client.call(.post, "/v1/campaigns/\(id)/recipients", key: key, raw: csv,
                                              contentType: "text/csv").status == .created)
                #expect(try await client.call(.post, "/v1/campaigns/\(id)/start", key: key).body["state"] as? String == "running")

                // 20:59:57: the window is open for everyone, so the dialer starts all four attempts.
                let pass = try await dialer.run()
                #expect(pass.placed == 4 && pass.deferred == 0, "\(pass)")
                try await world.settle()
                // The first two slots (:57, :59) are inside the window; the third (21:00:01) is not: not dialled. The
                // fourth's slot is too far ahead to wait for, so its job asks again a second later.
                #expect(world.calls(to: Self.callees[0]).count == 1 && world.calls(to: Self.callees[1]).count == 1)
                #expect(world.calls(to: Self.callees[2]).isEmpty)
                clock.move(to: Self.lateEvening.addingTimeInterval(1))
                try await world.settle()
                #expect(try await dialer.run().placed == 0, "the recipients taken back are not due again tonight")
                try await world.settle()
                #expect(world.calls(to: Self.callees[3]).isEmpty)

                // Nothing was requested from Twilio at or after 21:00 (the clock never reached it, and neither slot was
                // used), and the two taken back are waiting for Wednesday 08:00 with no attempt spent.
                let rows = try await world.results(client, id)
                for callee in Self.callees[2...] {
                    #expect(rows[callee]?["state"] as? String == "pending", "\(callee): \(rows[callee] ?? [:])")
                    #expect(rows[callee]?["attempts"] as? Int == 0)
                    #expect(Self.date(rows[callee]?["next_attempt_at"]) == Self.nextOpening)
                }
                for callee in Self.callees[..<2] { #expect(rows[callee]?["state"] as? String == "dialing") }

                // The events say why: the job's call.not_placed (with its dial-by time, the window's end) and the
                // campaign's attempt_withdrawn; no job failed.
                let notPlaced = try await Self.events(client, key: key, type: "call.not_placed")
                #expect(notPlaced.count == 2)
                for event in notPlaced {
                    let payload = try #require(event["payload"] as? [String: Any])
                    #expect(Self.date(payload["dial_by"]) == Self.closing, "\(payload)")
                    #expect(Self.callees[2...].contains(payload["to"] as? String ?? ""))
                }
                let withdrawn = try await Self.events(client, key: key, type: "campaign.attempt_withdrawn")
                #expect(withdrawn.count == 2)
                #expect(withdrawn.allSatisfy { ($0["payload"] as? [String: Any])?["state"] as? String == "pending" })
                #expect(try await Self.events(client, key: key, type: "job.failed").isEmpty)
                let campaign = try await client.call(.get, "/v1/campaigns/\(id)", key: key)
                #expect(campaign.body["state"] as? String == "running", "\(campaign.body)")

                // Wednesday 08:00 PDT: both are called, as their first attempt.
                clock.move(to: Self.nextOpening.addingTimeInterval(-1))
                #expect(try await dialer.run().placed == 0)
                clock.move(to: Self.nextOpening)
                #expect(try await dialer.run().placed == 2)
                try await world.settle()
                for callee in Self.callees[2...] { #expect(world.calls(to: callee).count == 1, "\(callee)") }
                let later = try await world.results(client, id)
                for callee in Self.callees[2...] {
                    #expect(later[callee]?["state"] as? String == "dialing" && later[callee]?["attempts"] as? Int == 1)
                }
            }
        }
    }

    /// A JSON timestamp (with or without fractional seconds).
    static func date(_ value: Any?) -> Date? {
        guard let text = value as? String else { return nil }
        return (try? Date(text, strategy: .iso8601)) ?? ISO8601DateFormatter().date(from: text)
    }

    static func events(_ client: some TestClientProtocol, key: String, type: String) async throws -> [[String: Any]] {
        let page = try await client.call(.get, "/v1/events?type=\(type)&limit=100", key: key)
        #expect(page.status == .ok, "\(page.body)")
        return page.body["events"] as? [[String: Any]] ?? []
    }
}
