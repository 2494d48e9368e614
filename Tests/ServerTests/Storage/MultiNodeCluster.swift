import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import Server

/// Real `frontdesk serve` processes (nodes) on ONE fresh PostgreSQL database, as behind a load balancer: each test
/// talks to the nodes over HTTP and decides which node gets which request. Twilio webhooks are unsigned
/// (`FRONTDESK_TWILIO_VERIFY=off`); each node's log (warnings and up) goes to a file that `logs()` shows.
///
///     let cluster = try MultiNodeCluster(nodes: 2)
///     defer { cluster.stop() }
final class MultiNodeCluster: @unchecked Sendable {
    let databaseURL: String
    let directory: TemporaryDirectory
    private(set) var nodes: [LiveServer] = []
    private var logFiles: [URL] = []

    /// Starts `nodes` nodes, one after the other, each with `environment` on top of the cluster's own settings.
    init(nodes count: Int = 2, environment: [String: String] = [:]) throws {
        databaseURL = try TestPostgres.freshDatabase(prefix: "multinode")
        directory = try TemporaryDirectory()
        do {
            for _ in 0..<count { try startNode(environment: environment) }
        } catch {
            stop()
            throw error
        }
    }

    subscript(index: Int) -> LiveServer { nodes[index] }

    /// Starts one more node on the database; returns it (also appended to `nodes`).
    @discardableResult
    func startNode(environment: [String: String] = [:]) throws -> LiveServer {
        var settings = [
            "FRONTDESK_TWILIO_VERIFY": "off",
            // Two nodes, a test cluster shared with the parallel suites (max_connections 400): a small pool each.
            "FRONTDESK_DATABASE_POOL": "8",
            "FRONTDESK_LOG_LEVEL": "warning",
        ]
        settings.merge(environment) { _, chosen in chosen }
        let log = URL(fileURLWithPath: directory.path("node\(nodes.count).log"))
        let node = try LiveServer(databaseURL: databaseURL, environment: settings, errorLog: log)
        nodes.append(node)
        logFiles.append(log)
        return node
    }

    /// Stops every node still running (SIGTERM) and drops the database.
    func stop() {
        for node in nodes { node.stop() }
        TestPostgres.dropDatabase(url: databaseURL)
    }

    /// The last lines each node logged, for a failure message.
    func logs(lines: Int = 30) -> String {
        logFiles.enumerated().map { index, file in
            let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
            let tail = text.split(separator: "\n").suffix(lines).joined(separator: "\n")
            return "--- node \(index) log (\(file.lastPathComponent)):\n\(tail.isEmpty ? "(empty)" : tail)"
        }.joined(separator: "\n")
    }

    /// Runs SQL on the cluster's database (psql's unaligned output: one row a line, fields split by `|`).
    @discardableResult
    func sql(_ statement: String) throws -> String {
        try TestPostgres.psql(statement, url: databaseURL)
    }

    /// `sql`'s rows for a failure message (or why the query failed).
    func show(_ statement: String) -> String {
        do { return try sql(statement) } catch { return "(\(error))" }
    }

    /// A tenant made through `/v1/admin/businesses` on `node`: its id and API key.
    func makeTenant(on node: Int = 0, slug: String, name: String, numbers: [String] = [],
                    settings: [String: Any] = [:]) async throws -> (id: String, key: String) {
        let created = try await nodes[node].json("POST", "/v1/admin/businesses", key: nil, [
            "slug": slug, "name": name, "time_zone": "America/Chicago", "numbers": numbers, "settings": settings,
        ], headers: ["X-Admin-Key": TestApp.adminKey])
        try #require(created.status == 201, "creating \(slug): \(created.status) \(created.json)")
        return (try #require(created.json["id"] as? String), try #require(created.json["api_key"] as? String))
    }

    /// Adds a knowledge entry through `node`; returns its id.
    func addKnowledge(on node: Int, key: String, title: String, content: String, category: String = "general") async throws -> String {
        let created = try await nodes[node].json("POST", "/v1/knowledge", key: key,
                                                 ["title": title, "content": content, "category": category])
        try #require(created.status == 201, "adding \"\(title)\": \(created.status) \(created.json)")
        return try #require(created.json["id"] as? String)
    }
}

/// The knowledge the call tests' business answers from, and questions it answers (so the call goes on: every reply
/// is a `<Gather>`, never a goodbye).
enum MultiNodeFixture {
    static let knowledge: [(title: String, content: String)] = [
        ("Opening hours", "We are open Monday to Friday from 7 a.m. to 6 p.m. On Saturdays we are open from 8 a.m. to noon. We are closed on Sundays."),
        ("Water heater installation", "We install tank and tankless water heaters. A standard 50 gallon tank replacement costs 1,450 dollars including removal of the old heater."),
        ("Drain cleaning", "We clear blocked drains, sinks and toilets. Drain cleaning starts at 189 dollars and we use a camera to inspect the line."),
        ("Service area", "We serve Chicago and the nearby suburbs including Evanston, Oak Park and Cicero. There is no travel charge inside the city."),
    ]

    static let questions = [
        "what time are you open on saturday",
        "how much does a water heater replacement cost",
        "how much is drain cleaning",
        "do you serve oak park",
        "are you open on sundays",
        "do you install tankless water heaters",
    ]

    static let greeting = "Thanks for calling Rapid Rooter. How can I help?"

    /// A plumber answering `number` with the knowledge above (added through node 0).
    static func makeBusiness(_ cluster: MultiNodeCluster, slug: String = "rapid-rooter", number: String,
                             ownerPhone: String? = nil) async throws -> (id: String, key: String) {
        var settings: [String: Any] = ["greeting": greeting]
        if let ownerPhone { settings["owner_phone"] = ownerPhone }
        let tenant = try await cluster.makeTenant(slug: slug, name: "Rapid Rooter", numbers: [number], settings: settings)
        for entry in knowledge {
            _ = try await cluster.addKnowledge(on: 0, key: tenant.key, title: entry.title, content: entry.content)
        }
        return tenant
    }
}
