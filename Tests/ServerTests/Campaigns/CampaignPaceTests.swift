import Foundation
import HummingbirdTesting
import Testing
@testable import Server

/// The time left at the current pace in a campaign's counters (`GET /v1/campaigns/{id}`), through the real server,
/// the dialer and the Twilio stand-in on the test clock: no pace before an attempt ends, then the recipients still to
/// finish ÷ the attempts ended in the last 30 minutes (measured from the first call while the campaign is younger),
/// never less than the wait for a retry already scheduled; null while the campaign is not running.
@Suite struct CampaignPaceTests {
    static let ana = "+15550100001", bo = "+15550100002", cy = "+15550100003", di = "+15550100004"

    static var campaign: [String: Any] {
        var campaign = CampaignDialerTests.campaign
        campaign["pacing"] = ["max_concurrent_calls": 2]
        campaign["retry_policy"] = ["max_attempts": 2]
        return campaign
    }

    @Test func theTimeLeftFollowsWhatFinishedInTheLastHalfHour() async throws {
        let standIn = TwilioMessagingStandIn()
        try await standIn.run { base in
            let clock = TestClock(CampaignDialerTests.monday)
            let start = clock.read()
            let test = try await TestApp.make(configure: DispatchWorld.configure(base), now: clock.now)
            let business = try await test.services.businesses.create(NewBusiness(
                slug: "brightwater", name: "Brightwater Plumbing", timeZone: "America/Chicago",
                numbers: [CampaignDialerTests.number]))
            let key = try await test.services.apiKeys.rotate(businessId: business.id)
            let world = CampaignDialerTests.World(test: test, standIn: standIn, clock: clock, business: business, key: key)
            let dialer = test.services.campaignDialer
            try await test.app.test(.router) { client in
                let id = try #require(try await client.call(.post, "/v1/campaigns", key: key, json: Self.campaign).body.id)
                let csv = "phone_number,first_name,timezone\n" + [Self.ana, Self.bo, Self.cy, Self.di]
                    .map { "\($0),Sam,America/New_York" }.joined(separator: "\n")
                #expect(try await client.call(.post, "/v1/campaigns/\(id)/recipients", key: key, raw: csv,
                                              contentType: "text/csv").status == .created)

                func counters() async throws -> [String: Any] {
                    let shown = try await client.call(.get, "/v1/campaigns/\(id)", key: key)
                    #expect(shown.status == .ok)
                    return try #require(shown.body["counters"] as? [String: Any], "\(shown.body)")
                }
                func end(_ phone: String, _ status: String) async throws {
                    _ = try await world.webhook(client, "/twilio/call-status", try await world.sid(phone), phone,
                                                [("CallStatus", status), ("CallDuration", "30")])
                }

                // A draft has no pace; nor has a running campaign before its first call ends.
                var shown = try await counters()
                #expect(shown["remaining"] as? Int == 4 && shown["time_left_seconds"] is NSNull
                        && shown["attempts_per_hour"] is NSNull, "\(shown)")
                #expect(try await client.call(.post, "/v1/campaigns/\(id)/start", key: key).status == .ok)
                #expect(try await dialer.run().placed == 2)
                try await world.settle()
                shown = try await counters()
                #expect(shown["time_left_seconds"] is NSNull && shown["attempts_per_hour"] is NSNull, "\(shown)")

                // Ten minutes in, Ana's and Bo's calls end: 2 attempts in 10 minutes (12 an hour); Cy and Di are left:
                // 2 ÷ (2 per 600 s) = 600 s.
                clock.advance(by: 600)
                try await end(Self.ana, "completed")
                try await end(Self.bo, "completed")
                try await world.settle()
                shown = try await counters()
                #expect(shown["remaining"] as? Int == 2, "\(shown)")
                #expect(shown["attempts_per_hour"] as? Double == 12 && shown["time_left_seconds"] as? Int == 600, "\(shown)")

                // Cy and Di are called; twenty minutes in Cy is busy (a retry in two hours) and Di completes. The pace
                // is 4 in 20 minutes, but Cy's retry cannot happen before 2 h from now: the time left is that.
                #expect(try await dialer.run().placed == 2)
                try await world.settle()
                clock.advance(by: 600)
                try await end(Self.cy, "busy")
                try await end(Self.di, "completed")
                try await world.settle()
                shown = try await counters()
                #expect(shown["remaining"] as? Int == 1 && shown["answer_rate"] as? Double == 0.75, "\(shown)")
                #expect(shown["attempts_per_hour"] as? Double == 12 && shown["time_left_seconds"] as? Int == 7200, "\(shown)")

                // Paused: no estimate. Resumed: it is back.
                #expect(try await client.call(.post, "/v1/campaigns/\(id)/pause", key: key).status == .ok)
                shown = try await counters()
                #expect(shown["time_left_seconds"] is NSNull && shown["attempts_per_hour"] is NSNull, "\(shown)")
                #expect(try await client.call(.post, "/v1/campaigns/\(id)/resume", key: key).status == .ok)

                // Fifty minutes in, only the two attempts that ended at minute 20 are within the last half hour
                // (4 an hour): Cy's retry, 90 minutes away, still bounds the estimate.
                clock.advance(by: 1800)
                shown = try await counters()
                #expect(shown["attempts_per_hour"] as? Double == 4 && shown["time_left_seconds"] as? Int == 5400, "\(shown)")

                // Cy's retry is busy again and her budget (2 attempts) is spent: she is finished, nobody is left.
                clock.move(to: start.addingTimeInterval(1200 + 7200))
                #expect(try await dialer.run().placed == 1)
                try await world.settle()
                try await end(Self.cy, "busy")
                try await world.settle()
                shown = try await counters()
                #expect(shown["remaining"] as? Int == 0 && shown["time_left_seconds"] as? Int == 0, "\(shown)")
                #expect((shown["by_state"] as? [String: Int])?["busy"] == 1)
                // The next pass completes the campaign: no estimate any more.
                #expect(try await dialer.run().completed == 1)
                shown = try await counters()
                #expect(shown["remaining"] as? Int == 0 && shown["time_left_seconds"] is NSNull, "\(shown)")
            }
        }
    }
}
