import Foundation
import HummingbirdTesting
import Testing
@testable import Server

/// The calling window across the night US clocks spring forward (Sunday 9 March 2031, 02:00 EST → 03:00 EDT in New
/// York; Phoenix keeps MST all year), through the real server: REST upload, the dialer's passes on the test clock,
/// the Twilio stand-in and the results route.
///
/// A New York recipient reached at 20:59:30 on Saturday — the window's last half minute, still open (it ends at 21:00,
/// exclusive) — is busy; the retry, due two hours later at 22:59:30, is outside the window and is deferred to its next
/// opening, Sunday 08:00 **EDT** = 12:00 UTC (not 13:00, which 08:00 EST would have been). A Phoenix recipient's
/// window is untouched by the change: its deferral opens at 08:00 MST = 15:00 UTC on Sunday, as on Saturday.
@Suite struct CampaignWindowDSTTests {
    /// Saturday 8 March 2031, 20:59:30 EST in New York (18:59:30 MST in Phoenix).
    static let saturdayEvening = ISO8601DateFormatter().date(from: "2031-03-09T01:59:30Z")!
    static let newYork = "+15550100001", phoenix = "+15550100002"

    static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func aRetryOutsideTheWindowOpensAtEightLocalOnTheDayClocksSpringForward() async throws {
        let standIn = TwilioMessagingStandIn()
        try await standIn.run { base in
            let clock = TestClock(Self.saturdayEvening)
            let test = try await TestApp.make(configure: DispatchWorld.configure(base), now: clock.now)
            let business = try await test.services.businesses.create(NewBusiness(
                slug: "brightwater", name: "Brightwater Plumbing", timeZone: "America/Chicago",
                numbers: [CampaignDialerTests.number]))
            let key = try await test.services.apiKeys.rotate(businessId: business.id)
            let world = CampaignDialerTests.World(test: test, standIn: standIn, clock: clock, business: business, key: key)
            let dialer = test.services.campaignDialer
            try await test.app.test(.router) { client in
                let id = try #require(try await client.call(.post, "/v1/campaigns", key: key,
                                                            json: CampaignDialerTests.campaign).body.id)
                let csv = """
                    phone_number,first_name,timezone
                    \(Self.newYork),Nia,America/New_York
                    \(Self.phoenix),Pat,America/Phoenix
                    """
                #expect(try await client.call(.post, "/v1/campaigns/\(id)/recipients", key: key, raw: csv,
                                              contentType: "text/csv").status == .created)
                #expect(try await client.call(.post, "/v1/campaigns/\(id)/start", key: key).body["state"] as? String == "running")

                /// Each callee's line is busy.
                func busy(_ phone: String) async throws {
                    _ = try await world.webhook(client, "/twilio/call-status", try await world.sid(phone), phone,
                                                [("CallStatus", "busy")])
                    try await world.settle()
                }
                func nextAttempt(_ phone: String) async throws -> Date? {
                    (try await world.results(client, id)[phone]?["next_attempt_at"] as? String)
                        .flatMap { ISO8601DateFormatter().date(from: $0) }
                }

                // Saturday 20:59:30 in New York: both windows are open; both lines are busy.
                var pass = try await dialer.run()
                #expect(pass.placed == 2 && pass.deferred == 0, "\(pass)")
                try await world.settle()
                try await busy(Self.newYork)
                try await busy(Self.phoenix)
                #expect(try await nextAttempt(Self.newYork) == Self.date("2031-03-09T03:59:30Z"), "two hours later")

                // 22:59:30 EST: New York's retry is outside the window and waits for Sunday 08:00 EDT — 12:00 UTC, an
                // hour earlier in UTC than Saturday's 13:00. Phoenix (20:59:30 MST) is still inside and is called.
                clock.move(to: Self.date("2031-03-09T03:59:30Z"))
                pass = try await dialer.run()
                #expect(pass.placed == 1 && pass.deferred == 1, "\(pass)")
                try await world.settle()
                #expect(world.calls(to: Self.newYork).count == 1 && world.calls(to: Self.phoenix).count == 2)
                let opening = try await nextAttempt(Self.newYork)
                #expect(opening == Self.date("2031-03-09T12:00:00Z"), "Sunday 08:00 EDT, not \(String(describing: opening))")
                #expect(opening != Self.date("2031-03-09T13:00:00Z"))
                var rows = try await world.results(client, id)
                #expect(rows[Self.newYork]?["state"] as? String == "busy" && rows[Self.newYork]?["attempts"] as? Int == 1)
                try await busy(Self.phoenix)

                // 22:59:30 MST in Phoenix (05:59:30 UTC; New York has sprung forward meanwhile): Phoenix's retry is
                // deferred to 08:00 MST, 15:00 UTC — the same UTC hour as Saturday's opening.
                clock.move(to: Self.date("2031-03-09T05:59:30Z"))
                pass = try await dialer.run()
                #expect(pass.placed == 0 && pass.deferred == 1, "\(pass)")
                #expect(try await nextAttempt(Self.phoenix) == Self.date("2031-03-09T15:00:00Z"))
                #expect(try await nextAttempt(Self.newYork) == Self.date("2031-03-09T12:00:00Z"), "unchanged")

                // Nobody is called before their opening, and each is called at it.
                clock.move(to: Self.date("2031-03-09T11:59:59Z"))
                #expect(try await dialer.run() == CampaignDialer.Pass())
                clock.move(to: Self.date("2031-03-09T12:00:00Z"))
                pass = try await dialer.run()
                #expect(pass.placed == 1 && pass.deferred == 0, "\(pass)")
                try await world.settle()
                #expect(world.calls(to: Self.newYork).count == 2 && world.calls(to: Self.phoenix).count == 2)
                clock.move(to: Self.date("2031-03-09T14:59:59Z"))
                #expect(try await dialer.run() == CampaignDialer.Pass())
                clock.move(to: Self.date("2031-03-09T15:00:00Z"))
                #expect(try await dialer.run().placed == 1)
                try await world.settle()
                #expect(world.calls(to: Self.phoenix).count == 3)
                rows = try await world.results(client, id)
                #expect(rows[Self.newYork]?["state"] as? String == "dialing" && rows[Self.newYork]?["attempts"] as? Int == 2)
                #expect(rows[Self.phoenix]?["state"] as? String == "dialing" && rows[Self.phoenix]?["attempts"] as? Int == 3)
            }
        }
    }
}

extension TestClock {
    /// Moves the clock to `instant` (forward only).
    func move(to instant: Date) {
        let step = instant.timeIntervalSince(read())
        precondition(step >= 0, "the test clock only moves forward")
        advance(by: step)
    }
}
