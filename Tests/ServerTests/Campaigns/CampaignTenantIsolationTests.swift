import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Server

/// Every campaign and do-not-call route with another business's key: 404 (or an empty list), never the other
/// business's data, and nothing of it changed.
@Suite struct CampaignTenantIsolationTests {
    @Test func everyRouteHidesAnotherBusinesssCampaignsAndList() async throws {
        let test = try await TestApp.make()
        let (_, keyA) = try await CampaignsAPITests.tenant(test, "alpha-plumbing", number: "+15550009991")
        let (_, keyB) = try await CampaignsAPITests.tenant(test, "beta-heating", number: "+15550009992")
        try await test.app.test(.router) { client in
            let secret = CampaignsAPITests.with(["name": "B's secret campaign", "caller_number": "+15550009992"])
            let id = try #require(try await client.call(.post, "/v1/campaigns", key: keyB, json: secret).body.id)
            let uploaded = try await client.call(.post, "/v1/campaigns/\(id)/recipients", key: keyB, raw: """
                phone_number,first_name,service,date
                +15557654321,Secret Sam,boiler service,Tuesday
                """, contentType: "text/csv")
            #expect(uploaded.status == .created)
            _ = try await client.call(.post, "/v1/do-not-call", key: keyB, json: ["phone": "+15557654322", "reason": "B's secret"])

            let csv = "phone_number,first_name,service,date\n+15550100001,Ana,boiler,Tuesday\n"
            let probes: [(method: HTTPRequest.Method, uri: String, json: Any?, raw: String?)] = [
                (.get, "/v1/campaigns/\(id)", nil, nil),
                (.patch, "/v1/campaigns/\(id)", ["name": "hijacked"], nil),
                (.delete, "/v1/campaigns/\(id)", nil, nil),
                (.post, "/v1/campaigns/\(id)/start", nil, nil),
                (.post, "/v1/campaigns/\(id)/pause", nil, nil),
                (.post, "/v1/campaigns/\(id)/resume", nil, nil),
                (.post, "/v1/campaigns/\(id)/cancel", ["reason": "hijacked"], nil),
                (.post, "/v1/campaigns/\(id)/recipients", nil, csv),
                (.get, "/v1/campaigns/\(id)/recipients", nil, nil),
                (.get, "/v1/campaigns/\(id)/results", nil, nil),
                (.get, "/v1/campaigns/\(id)/results.csv", nil, nil),
                (.delete, "/v1/do-not-call/+15557654322", nil, nil),
            ]
            for probe in probes {
                let response = try await client.call(probe.method, probe.uri, key: keyA, json: probe.json, raw: probe.raw,
                                                     contentType: probe.raw == nil ? "application/json" : "text/csv")
                #expect(response.status == .notFound, "\(probe.method) \(probe.uri)")
                #expect(response.body.errorCode == "not_found")
                let text = String(decoding: try JSONSerialization.data(withJSONObject: response.body), as: UTF8.self)
                #expect(!text.contains("secret") && !text.contains("7654321") && !text.contains("Sam"), "\(probe.uri): \(text)")
            }
            #expect(try await client.call(.get, "/v1/campaigns", key: keyA).body.items.isEmpty)
            #expect(try await client.call(.get, "/v1/campaigns?state=draft", key: keyA).body.items.isEmpty)
            #expect(try await client.call(.get, "/v1/do-not-call", key: keyA).body.items.isEmpty)
            // A cannot use B's number as its caller number.
            let borrowed = try await client.call(.post, "/v1/campaigns", key: keyA,
                                                 json: CampaignsAPITests.with(["caller_number": "+15550009992"]))
            #expect(borrowed.status == .unprocessableContent && borrowed.body.errorField == "caller_number")

            // B's campaign and list are as they were.
            let mine = try await client.call(.get, "/v1/campaigns/\(id)", key: keyB)
            #expect(mine.body["name"] as? String == "B's secret campaign" && mine.body["state"] as? String == "draft")
            #expect(mine.body["version"] as? Int == 1 && (mine.body["recipients"] as? [String: Int])?["total"] == 1)
            #expect(try await client.call(.get, "/v1/do-not-call", key: keyB).body.items.count == 1)
            let stream = try await test.services.events.events(EventQuery(businessId: nil, stream: .campaign(id), limit: 100))
            #expect(stream.map(\.type) == [.campaignCreated, .campaignRecipientsAdded])
        }
    }
}
