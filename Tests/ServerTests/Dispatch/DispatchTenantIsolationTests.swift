import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Server

/// Every ticket and vendor route with another business's key: 404 (or an empty list), never the other business's
/// data, and nothing of it changed.
@Suite struct DispatchTenantIsolationTests {
    @Test func everyRouteHidesAnotherBusinesssTicketsAndVendors() async throws {
        let test = try await TestApp.make()
        let (_, keyA) = try await test.makeTenant("elm-lettings")
        let (_, keyB) = try await test.makeTenant("oak-lettings")
        try await test.app.test(.router) { client in
            let secret = TicketsAPITests.ticket.merging(["problem": "B's secret leak", "tenant_phone": "+15557654321"]) { _, new in new }
            let ticketB = try await client.call(.post, "/v1/tickets", key: keyB, json: secret)
            let ticket = try #require(ticketB.body.id)
            let code = try #require(ticketB.body["code"] as? String)
            let vendor = try #require(try await client.call(.post, "/v1/vendors", key: keyB, json: VendorsAPITests.vendor.merging(
                ["name": "B's secret vendor"]) { _, new in new }).body.id)

            let probes: [(method: HTTPRequest.Method, uri: String, json: [String: Any]?)] = [
                (.get, "/v1/tickets/\(ticket)", nil),
                (.patch, "/v1/tickets/\(ticket)", ["problem": "hijacked"]),
                (.post, "/v1/tickets/\(ticket)/cancel", ["reason": "hijacked"]),
                (.post, "/v1/tickets/\(ticket)/close", ["reason": "hijacked"]),
                (.get, "/v1/tickets/\(ticket)/timeline", nil),
                (.get, "/v1/vendors/\(vendor)", nil),
                (.patch, "/v1/vendors/\(vendor)", ["name": "hijacked"]),
                (.delete, "/v1/vendors/\(vendor)", nil),
            ]
            for probe in probes {
                let response = try await client.call(probe.method, probe.uri, key: keyA, json: probe.json)
                #expect(response.status == .notFound, "\(probe.method) \(probe.uri)")
                #expect(response.body.errorCode == "not_found")
                let text = String(decoding: try JSONSerialization.data(withJSONObject: response.body), as: UTF8.self)
                #expect(!text.contains("secret") && !text.contains("7654321") && !text.contains(code), "\(probe.uri): \(text)")
            }
            #expect(try await client.call(.get, "/v1/tickets", key: keyA).body.items.isEmpty)
            #expect(try await client.call(.get, "/v1/tickets?property=Elm", key: keyA).body.items.isEmpty)
            #expect(try await client.call(.get, "/v1/vendors", key: keyA).body.items.isEmpty)
            #expect(try await client.call(.get, "/v1/vendors?trade=plumbing", key: keyA).body.items.isEmpty)
            // A may add a vendor with B's vendor's phone: vendors are per business.
            #expect(try await client.call(.post, "/v1/vendors", key: keyA, json: VendorsAPITests.vendor).status == .created)

            // B's rows are as they were.
            let mine = try await client.call(.get, "/v1/tickets/\(ticket)", key: keyB)
            #expect(mine.body["problem"] as? String == "B's secret leak" && mine.body["state"] as? String == "new")
            #expect(mine.body["version"] as? Int == 1)
            let theirs = try await client.call(.get, "/v1/vendors/\(vendor)", key: keyB)
            #expect(theirs.body["name"] as? String == "B's secret vendor" && theirs.body["active"] as? Bool == true)
            let timeline = try await client.call(.get, "/v1/tickets/\(ticket)/timeline", key: keyB)
            #expect((timeline.body["events"] as? [Any])?.count == 1)
        }
    }
}
