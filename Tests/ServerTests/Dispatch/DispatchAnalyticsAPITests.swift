import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Server

/// `GET /v1/analytics/dispatch` and `dispatch.csv` through the router: the caller's tickets only, a bad range a 400.
@Suite struct DispatchAnalyticsAPITests {
    @Test func theRouteServesTheBusinessesOwnMeasuresAsJSONAndCSV() async throws {
        let test = try await TestApp.make()
        let (_, key) = try await test.makeTenant("elm-lettings")
        let (_, otherKey) = try await test.makeTenant("oak-lettings")
        try await test.app.test(.router) { client in
            let created = try await client.call(.post, "/v1/tickets", key: key, json: [
                "trade": "plumbing", "priority": "urgent", "problem": "No hot water", "property_address": "14 Elm St",
            ])
            #expect(created.status == .created)
            let mine = try await client.call(.get, "/v1/analytics/dispatch", key: key)
            #expect(mine.status == .ok)
            let business = try #require(mine.body["business"] as? [String: Any])
            #expect(business["tickets"] as? Int == 1)
            #expect(business["offers"] as? Int == 0)
            #expect(business["acceptance_rate"] is NSNull, "no offer decided yet: null, not 0")
            #expect((mine.body["by_trade"] as? [String: Any])?["plumbing"] != nil)
            #expect((mine.body["by_property"] as? [String: Any])?["14 Elm St"] != nil)

            let theirs = try await client.call(.get, "/v1/analytics/dispatch", key: otherKey)
            #expect((theirs.body["business"] as? [String: Any])?["tickets"] as? Int == 0)

            let (status, csv, headers) = try await CallExportTests.get(client, "/v1/analytics/dispatch.csv", key: key)
            #expect(status == .ok)
            #expect(headers[.contentType]?.hasPrefix("text/csv") == true)
            let rows = csv.split(separator: "\n")
            #expect(rows.count == 4, "header, business, one trade and one property row: \(rows)")
            #expect(rows.contains { $0.hasPrefix("business,,,1,0,") })

            let bad = try await client.call(.get, "/v1/analytics/dispatch?from=2026-11-10&to=2026-11-01", key: key)
            #expect(bad.status == .badRequest)
            #expect((bad.body["error"] as? [String: Any])?["code"] as? String == "invalid_range")
            #expect(try await client.call(.get, "/v1/analytics/dispatch", key: nil).status == .unauthorized)
        }
    }
}
