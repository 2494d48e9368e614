import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Server

/// `GET /v1/campaigns/{id}/live` through the live server: the counters first, then each attempt as the dialer
/// starts it, places it and the call ends; another business gets a 404.
@Suite struct CampaignLiveTests {
    @Test func aWatcherSeesTheCountersThenEachAttemptAsItHappens() async throws {
        let standIn = TwilioMessagingStandIn()
        try await standIn.run { base in
            let clock = TestClock(CampaignDialerTests.monday)
            let test = try await TestApp.make(configure: DispatchWorld.configure(base), now: clock.now)
            let business = try await test.services.businesses.create(NewBusiness(
                slug: "brightwater", name: "Brightwater Plumbing", timeZone: "America/Chicago", numbers: [CampaignDialerTests.number]))
            let key = try await test.services.apiKeys.rotate(businessId: business.id)
            let (_, otherKey) = try await test.makeTenant("other")
            try await test.app.test(.live) { client in
                let id = try #require(try await client.call(.post, "/v1/campaigns", key: key, json: CampaignDialerTests.campaign).body.id)
                let csv = "phone_number,first_name,timezone\n\(CampaignDialerTests.ana),Ana,America/New_York\n\(CampaignDialerTests.di),Di,Pacific/Honolulu\n"
                #expect(try await client.call(.post, "/v1/campaigns/\(id)/recipients", key: key, raw: csv, contentType: "text/csv").status == .created)
                #expect(try await client.call(.post, "/v1/campaigns/\(id)/start", key: key).body["state"] as? String == "running")

                let url = URL(string: "http://127.0.0.1:\(try #require(client.port))/v1/campaigns/\(id)/live")!
                let watcher = SSEClient(url: url, key: key)
                defer { watcher.close() }
                let snapshot = try await watcher.nextEvent()
                #expect(snapshot.event == "snapshot")
                let counters = try #require(snapshot.json["counters"] as? [String: Any])
                #expect(counters["remaining"] as? Int == 2 && counters["answer_rate"] is NSNull)
                #expect(counters["attempts_per_hour"] is NSNull && counters["time_left_seconds"] is NSNull, "no pace yet")
                #expect((counters["by_state"] as? [String: Int])?["pending"] == 2)
                #expect((snapshot.json["campaign"] as? [String: Any])?["state"] as? String == "running")

                // The dialer's pass: Ana's attempt starts (Di, at 7am in Honolulu, is deferred).
                _ = try await test.services.campaignDialer.run()
                var seen: [String] = []
                while !seen.contains("campaign.attempt_started") || !seen.contains("campaign.recipient_changed") {
                    seen.append(try #require(try await watcher.nextEvent().event))
                }
                // The call is placed and ends busy: its sid and its end come through the campaign's stream.
                _ = try await test.services.jobRunner.runDue(now: clock.read())
                _ = await test.services.eventConsumers.drainAll()
                let sid = try #require(try await test.services.calls.calls(businessId: business.id, limit: 1, cursor: nil).items.first).sid
                clock.advance(by: 600)
                let busy = try await TwilioTestClient(authToken: TwilioMessagingStandIn.authToken).post(client, "/twilio/call-status", [
                    ("AccountSid", TwilioMessagingStandIn.accountSid), ("CallSid", sid), ("From", CampaignDialerTests.number),
                    ("To", CampaignDialerTests.ana), ("CallStatus", "busy")])
                #expect(busy.status == .ok)
                _ = await test.services.eventConsumers.drainAll()
                var ended: SSEClient.Frame?
                while ended == nil {
                    let frame = try await watcher.nextEvent()
                    if frame.event == "campaign.attempt_ended" { ended = frame }
                }
                #expect(((ended?.json["payload"] as? [String: Any])?["outcome"] as? String) == "busy", "\(String(describing: ended))")

                // A new watcher's counters have a pace: 1 attempt ended in the 10 minutes since the first call (6 an
                // hour). Ana's retry and Di's deferral are both still to come; Ana's, 2 h away, is the later.
                let again = SSEClient(url: url, key: key)
                defer { again.close() }
                let later = try #require(try await again.nextEvent().json["counters"] as? [String: Any])
                #expect(later["remaining"] as? Int == 2 && later["attempts_per_hour"] as? Double == 6
                        && later["time_left_seconds"] as? Int == 7200, "\(later)")

                // Another business: 404 JSON, and nothing of the campaign.
                let foreign = try await client.execute(uri: "/v1/campaigns/\(id)/live", method: .get,
                                                       headers: [HTTPField.Name("X-API-Key")!: otherKey]) { response in
                    (response.status, String(buffer: response.body))
                }
                #expect(foreign.0 == .notFound && foreign.1.contains("not_found") && !foreign.1.contains("Boiler"))
            }
        }
    }
}
