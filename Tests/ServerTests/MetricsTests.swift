import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Server

/// `GET /metrics` through the real router: request counts by route pattern, latency and embedder histograms,
/// index size per business, and one registry per application.
struct MetricsTests {
    @Test func recordsRoutesStatusesLatencyIndexSizeAndEmbedder() async throws {
        let test = try await TestApp.make()
        let (business, key) = try await test.makeTenant("brightwater")
        try await test.app.test(.router) { client in
            let created = try await client.call(.post, "/v1/knowledge", key: key, json: [
                "title": "Emergency call-outs",
                "content": "We attend burst pipes and boiler breakdowns 24 hours a day. The call-out fee is £95.",
            ])
            #expect(created.status == .created)
            let missingId = "no-such-entry-0123"
            #expect(try await client.call(.get, "/v1/knowledge/\(missingId)", key: key).status == .notFound)
            #expect(try await client.call(.post, "/v1/knowledge/search", key: key, json: ["query": "burst pipe"]).status == .ok)

            let scrape = try await client.scrapeMetrics()
            let text = scrape.text

            // Requests by route pattern, method and status; never the raw id.
            #expect(scrape.value(AppMetrics.Name.requests, ["route": "/v1/knowledge", "method": "POST", "status": "201"]) == 1)
            #expect(scrape.value(AppMetrics.Name.requests, ["route": "/v1/knowledge/{id}", "method": "GET", "status": "404"]) == 1)
            #expect(scrape.value(AppMetrics.Name.requests, ["route": "/v1/knowledge/search", "method": "POST", "status": "200"]) == 1)
            #expect(!text.contains(missingId))

            // Latency histogram per route: buckets from 1 ms, the +Inf bucket holds every request.
            #expect(scrape.value(AppMetrics.Name.requestDuration + "_bucket",
                                 ["route": "/v1/knowledge/{id}", "method": "GET", "le": "0.001"]) != nil)
            #expect(scrape.value(AppMetrics.Name.requestDuration + "_bucket",
                                 ["route": "/v1/knowledge/search", "method": "POST", "le": "+Inf"]) == 1)
            #expect(scrape.value(AppMetrics.Name.requestDuration + "_count", ["route": "/v1/knowledge", "method": "POST"]) == 1)

            // One short entry is one chunk: one vector in this business's index.
            #expect(scrape.value(AppMetrics.Name.indexVectors, ["business": business.id]) == 1)

            // The create and the search embedded on the query queue (interactive work); only imports use the
            // bulk queue, which has done nothing yet.
            #expect((scrape.value(AppMetrics.Name.embedderDuration + "_count", ["queue": "embed-queries"]) ?? 0) >= 2)
            #expect((scrape.value(AppMetrics.Name.embedderDuration + "_count", ["queue": "embed-bulk"]) ?? 0) == 0)
            #expect((scrape.value(AppMetrics.Name.embedderBatchSize + "_count", ["queue": "embed-queries"]) ?? 0) > 0)

            // The scrape itself is in flight while it renders.
            #expect(scrape.value(AppMetrics.Name.requestsInFlight, [:]) == 1)
        }
    }

    @Test func indexGaugeFollowsDeletes() async throws {
        let test = try await TestApp.make()
        let (business, key) = try await test.makeTenant("acme")
        try await test.app.test(.router) { client in
            var ids: [String] = []
            for title in ["Parking", "Payment"] {
                let created = try await client.call(.post, "/v1/knowledge", key: key, json: ["title": title, "content": "\(title) details."])
                ids.append(try #require(created.body["id"] as? String))
            }
            #expect(try await client.scrapeMetrics().value(AppMetrics.Name.indexVectors, ["business": business.id]) == 2)
            #expect(try await client.call(.delete, "/v1/knowledge/\(ids[0])", key: key).status == .noContent)
            #expect(try await client.scrapeMetrics().value(AppMetrics.Name.indexVectors, ["business": business.id]) == 1)
        }
    }

    @Test func unmatchedPathsShareOneRouteLabel() async throws {
        let test = try await TestApp.make()
        try await test.app.test(.router) { client in
            for path in ["/no/such/route", "/another-random-path-4711"] {
                #expect(try await client.call(.get, path, key: nil).status == .notFound)
            }
            let scrape = try await client.scrapeMetrics()
            #expect(scrape.value(AppMetrics.Name.requests, ["route": "NotFound", "method": "GET", "status": "404"]) == 2)
            #expect(!scrape.text.contains("another-random-path"))
        }
    }

    @Test func metricsEndpointServesPrometheusTextWithoutAuth() async throws {
        let test = try await TestApp.make()
        try await test.app.test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                #expect(String(buffer: response.body).contains("# TYPE \(AppMetrics.Name.requestsInFlight) gauge"))
            }
        }
    }

    @Test func twoApplicationsInOneProcessKeepSeparateCounts() async throws {
        let first = try await TestApp.make()
        let second = try await TestApp.make()
        let (_, key) = try await first.makeTenant("alpha")
        try await first.app.test(.router) { client in
            for _ in 0..<3 {
                let list = try await client.call(.get, "/v1/knowledge", key: key)
                #expect(list.status == .ok)
            }
            let scrape = try await client.scrapeMetrics()
            #expect(scrape.value(AppMetrics.Name.requests, ["route": "/v1/knowledge", "method": "GET", "status": "200"]) == 3)
        }
        try await second.app.test(.router) { client in
            let scrape = try await client.scrapeMetrics()
            #expect(scrape.value(AppMetrics.Name.requests, ["route": "/v1/knowledge", "method": "GET", "status": "200"]) == nil)
            #expect(!scrape.text.contains("route=\"/v1/knowledge\""))
        }
    }
}

/// A parsed `/metrics` response: the raw text and its samples.
struct MetricsScrape {
    let text: String

    /// The value of the sample named `name` whose labels are exactly `labels`, or nil if there is none.
    func value(_ name: String, _ labels: [String: String]) -> Double? {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            let series = line[..<space]
            let (sampleName, sampleLabels): (Substring, [String: String])
            if let brace = series.firstIndex(of: "{") {
                sampleName = series[..<brace]
                sampleLabels = Self.labels(series[series.index(after: brace)..<series.index(before: series.endIndex)])
            } else {
                (sampleName, sampleLabels) = (series, [:])
            }
            if sampleName == name && sampleLabels == labels { return Double(line[line.index(after: space)...]) }
        }
        return nil
    }

    /// `a="x",b="y"` → ["a": "x", "b": "y"] (our label values hold no quotes or commas).
    private static func labels(_ text: Substring) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            result[String(parts[0])] = String(parts[1].dropFirst().dropLast())
        }
        return result
    }
}

extension TestClientProtocol {
    func scrapeMetrics() async throws -> MetricsScrape {
        try await execute(uri: "/metrics", method: .get) { response in
            #expect(response.status == .ok)
            return MetricsScrape(text: String(buffer: response.body))
        }
    }
}
