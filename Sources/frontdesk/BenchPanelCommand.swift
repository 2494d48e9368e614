import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import Server

struct BenchPanelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "panel",
        abstract: "Web panel page times on a business with 100,000 calls (the seeded data of `bench analytics`).",
        discussion: """
            Seeds a temporary database as `bench analytics` does (calls over 90 days with transcripts, leads, \
            summaries and sentiment), starts the whole server on a free loopback port, signs a panel owner in \
            through the login form, and times each page as a browser would ask for it: sequential requests on one \
            connection, after warm-up. The time is the client's (request sent to last byte read over loopback), so \
            it includes the server's time and slightly more. Target: every page's p95 ≤ 100 ms. The anchor, \
            measured in the same run, is one bare SQLite pass over the 30 days of calls the overview reads.
            """
    )

    @Option(help: "Calls to seed.")
    var calls: Int = 100_000

    @Option(help: "Transcript lines per call.")
    var turns: Int = 10

    @Option(help: "Days the calls are spread over.")
    var days: Int = 90

    @Option(help: "Timed requests per page (after 3 warm-up requests).")
    var requests: Int = 30

    @OptionGroup var model: ModelOptions

    func run() async throws {
        guard calls > 0, turns >= 2, (30...366).contains(days), (5...1000).contains(requests) else {
            throw ValidationError("--calls, --turns, --days or --requests out of range")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-bench-panel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        // 1. The calls, seeded as `bench analytics` seeds them, and the anchor on them.
        let databasePath = directory.appendingPathComponent("bench.sqlite").path
        let bench = try await AnalyticsBenchmark.create(path: databasePath)
        let end = Date()
        let clock = ContinuousClock()
        let seedStart = clock.now
        try await bench.seed(calls: calls, turnsPerCall: turns, days: days, end: end)
        print("seeded \(calls) calls with \(turns) transcript lines each over \(days) days in \(clock.now - seedStart)")
        let anchor = try await (0..<3).asyncMin { _ in try await bench.anchorScanSeconds(end: end, days: 30) }
        let businessId = bench.businessId
        try bench.close()

        // 2. The server on that database, and an owner signed in through the form.
        var config = AppConfig()
        config.port = 0
        config.modelDirectory = model.resolvedDirectory.path
        config.databasePath = databasePath
        config.adminKey = "bench-admin-key-0123456789"
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let port = PortBox()
        let app = try await buildApplication(config, logger: logger) { line in
            if let range = line.range(of: #":(\d+)$"#, options: .regularExpression) { port.set(Int(line[range].dropFirst())!) }
        }
        let server = Task { try await app.run() }
        defer { server.cancel() }
        let base = "http://127.0.0.1:\(try await port.wait())"
        let browser = PanelBenchBrowser(base: base)
        try await browser.createOwner(businessId: businessId, adminKey: config.adminKey!)
        try await browser.signIn()

        // 3. The pages, each timed alone.
        let slug = "bench-analytics"
        let firstCall = String(format: "CA%032x", 0)
        let pages: [(label: String, path: String)] = [
            ("overview, last 30 days (default)", "/app/b/\(slug)/"),
            ("overview, last 7 days", "/app/b/\(slug)/?range=7d"),
            ("overview, today", "/app/b/\(slug)/?range=today"),
            ("calls list, first page", "/app/b/\(slug)/calls"),
            ("calls list, one outcome over 30 days", "/app/b/\(slug)/calls?outcome=booked"),
            ("call page", "/app/b/\(slug)/calls/\(firstCall)"),
            ("knowledge gaps, last 30 days", "/app/b/\(slug)/knowledge/gaps"),
            ("knowledge list", "/app/b/\(slug)/knowledge"),
            ("exports", "/app/b/\(slug)/exports"),
            ("users", "/app/b/\(slug)/users"),
        ]
        var rows: [[String]] = [["anchor: bare SQLite pass over 30 days of calls", ms(anchor), "", "", "", "1.00×"]]
        var misses = 0
        for page in pages {
            let times = try await browser.time(page.path, requests: requests)
            let p95 = times[min(times.count - 1, Int(Double(times.count) * 0.95))]
            let pass = p95 <= 0.100
            if !pass { misses += 1 }
            rows.append([page.label, ms(times[times.count / 2]), ms(p95), "≤ 100 ms", pass ? "PASS" : "MISS",
                         String(format: "%.2f×", times[times.count / 2] / anchor)])
        }
        print("\(requests) sequential requests per page after 3 warm-up requests; time from request to last byte over loopback")
        printTable(["page", "p50", "p95", "target (p95)", "", "p50 / anchor"], rows)
        print(misses == 0 ? "every page within 100 ms" : "\(misses) page(s) over 100 ms")
    }

    private func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }
}

/// A signed-in browser for the benchmark: cookies by hand, redirects not followed (a sign-in answers 303 with
/// the session cookie).
final class PanelBenchBrowser: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    let base: String
    private var cookies: [String: String] = [:]
    private lazy var session = URLSession(configuration: {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        return configuration
    }(), delegate: self, delegateQueue: nil)

    init(base: String) { self.base = base }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    private func send(_ method: String, _ path: String, body: Data? = nil, headers: [String: String] = [:]) async throws -> (Data, HTTPURLResponse) {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if !cookies.isEmpty {
            request.setValue(cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; "), forHTTPHeaderField: "Cookie")
        }
        let (data, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw Failure(description: "\(path): no HTTP response") }
        for (name, value) in http.allHeaderFields where (name as? String)?.lowercased() == "set-cookie" {
            // One Set-Cookie per response here (Foundation joins several with ", ").
            if let pair = (value as? String)?.split(separator: ";").first, let equals = pair.firstIndex(of: "=") {
                cookies[String(pair[..<equals]).trimmingCharacters(in: .whitespaces)] = String(pair[pair.index(after: equals)...])
            }
        }
        return (data, http)
    }

    func createOwner(businessId: String, adminKey: String) async throws {
        let body = try JSONSerialization.data(withJSONObject: ["email": "owner@bench.example", "role": "owner",
                                                               "password": "bench-password-0123456789"])
        let (data, response) = try await send("POST", "/v1/admin/businesses/\(businessId)/users", body: body,
                                              headers: ["Authorization": "Bearer \(adminKey)", "Content-Type": "application/json"])
        guard response.statusCode == 201 else {
            throw Failure(description: "creating the owner: \(response.statusCode) \(String(decoding: data, as: UTF8.self))")
        }
    }

    func signIn() async throws {
        let (page, _) = try await send("GET", "/app/login")
        let html = String(decoding: page, as: UTF8.self)
        guard let match = html.range(of: #"name="_csrf" value="[^"]+""#, options: .regularExpression) else {
            throw Failure(description: "the login page has no _csrf field")
        }
        let token = html[match].split(separator: "\"")[3]
        let form = "_csrf=\(token)&email=owner%40bench.example&password=bench-password-0123456789&next=%2Fapp"
        let (data, response) = try await send("POST", "/app/login", body: Data(form.utf8),
                                              headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"])
        guard response.statusCode == 303, cookies["frontdesk_session"] != nil else {
            throw Failure(description: "signing in: \(response.statusCode) \(String(decoding: data, as: UTF8.self).prefix(300))")
        }
    }

    /// Seconds per request, sorted, of `requests` GETs of `path` after 3 untimed ones; every answer must be 200.
    func time(_ path: String, requests: Int) async throws -> [Double] {
        var times: [Double] = []
        for index in 0..<(requests + 3) {
            let start = DispatchTime.now().uptimeNanoseconds
            let (data, response) = try await send("GET", path, headers: ["Accept": "text/html"])
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            guard response.statusCode == 200 else {
                throw Failure(description: "GET \(path): \(response.statusCode) \(String(decoding: data, as: UTF8.self).prefix(300))")
            }
            if index >= 3 { times.append(elapsed) }
        }
        return times.sorted()
    }
}

extension Range where Bound == Int {
    /// The smallest of `body`'s results over the range (a best-of-n timing).
    func asyncMin(_ body: (Int) async throws -> Double) async rethrows -> Double {
        var best = Double.infinity
        for index in self { best = Swift.min(best, try await body(index)) }
        return best
    }
}
