import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import Server

/// The real `frontdesk serve` binary, started by a test on 127.0.0.1 with a free port, spoken to over HTTP.
final class LiveServer: @unchecked Sendable {
    static var binary: URL { ServerTestPaths.repoRoot.appendingPathComponent(".build/debug/frontdesk") }

    let process = Process()
    let port: Int
    private let output = Pipe()

    /// Starts the server on the SQLite file `databasePath` and waits (up to 60 s) for its "listening" line.
    /// - Parameter environment: variables set for the server on top of the test's own (an empty value unsets one:
    ///   the server treats empty as absent), e.g. `FRONTDESK_TWILIO_VERIFY=off`.
    convenience init(databasePath: String, adminKey: String = TestApp.adminKey, environment overrides: [String: String] = [:]) throws {
        try self.init(storage: ["FRONTDESK_DB": databasePath, "FRONTDESK_DATABASE_URL": ""], adminKey: adminKey,
                      environment: overrides)
    }

    /// Starts a node on the PostgreSQL database `databaseURL` (e.g. from `TestPostgres.freshDatabase()`); several
    /// may share one database, as nodes behind a load balancer do. `environment` as above; `errorLog`: a file that
    /// receives the server's standard error (its log), for a failing test to show.
    convenience init(databaseURL: String, adminKey: String = TestApp.adminKey, environment overrides: [String: String] = [:],
                     errorLog: URL? = nil) throws {
        try self.init(storage: ["FRONTDESK_DATABASE_URL": databaseURL], adminKey: adminKey, environment: overrides,
                      errorLog: errorLog)
    }

    private init(storage: [String: String], adminKey: String, environment overrides: [String: String],
                 errorLog: URL? = nil) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            throw LiveServerError("\(Self.binary.path) is missing: build it first (`swift build`; `make test` does)")
        }
        // The server refuses to start without its model, and its stderr is not kept: name the fix here.
        try ServerTestPaths.requireModel()
        process.executableURL = Self.binary
        process.arguments = ["serve", "--port", "0", "--log-level", "warning"]
        var environment = ProcessInfo.processInfo.environment
        environment.merge(storage) { _, chosen in chosen }
        environment["FRONTDESK_ADMIN_KEY"] = adminKey
        environment["FRONTDESK_MODEL_DIR"] = ServerTestPaths.modelDirectory
        environment["FRONTDESK_DEMO_CORPORA"] = nil
        environment["FRONTDESK_PANEL_DIR"] = ServerTestPaths.panel.path
        environment.merge(overrides) { _, override in override }
        process.environment = environment
        process.standardOutput = output
        if let errorLog {
            _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: errorLog)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()

        let deadline = Date().addingTimeInterval(60)
        var seen = ""
        var found: Int?
        while found == nil, Date() < deadline, process.isRunning {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            seen += String(decoding: data, as: UTF8.self)
            if let range = seen.range(of: #"listening on http://[^:]+:(\d+)"#, options: .regularExpression) {
                found = Int(seen[range].split(separator: ":").last ?? "")
            }
        }
        guard let found else {
            process.terminate()
            throw LiveServerError("server did not report its port; output: \(seen)")
        }
        port = found
    }

    /// Creates a business and its API key straight in the database file, before a server first opens it.
    static func makeTenant(databasePath: String, slug: String, name: String) async throws -> String {
        let database = try AppDatabase(path: databasePath)
        defer { try? database.close() }
        let business = try await GRDBBusinessRepository(database: database)
            .create(NewBusiness(slug: slug, name: name, timeZone: "Europe/London"))
        return try await GRDBAPIKeyRepository(database: database).rotate(businessId: business.id)
    }

    /// SIGKILL: no shutdown code runs, exactly like a crash or power cut of the process.
    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }

    /// One HTTP request; returns the status and the JSON object of the body (empty when none).
    /// - Parameter headers: more request headers, e.g. `X-Admin-Key`.
    func request(_ method: String, _ path: String, key: String?, body: Data? = nil,
                 contentType: String = "application/json",
                 headers: [String: String] = [:]) async throws -> (status: Int, json: [String: Any]) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.timeoutInterval = 120
        if let key { request.setValue(key, forHTTPHeaderField: "X-API-Key") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body {
            request.httpBody = body
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let json = data.isEmpty ? [:] : ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
        return (status, json)
    }

    /// `frontdesk_http_requests_in_flight` from `/metrics` (the scrape itself included).
    func inFlightRequests() async throws -> Int {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        request.timeoutInterval = 30
        let (data, _) = try await URLSession.shared.data(for: request)
        let line = String(decoding: data, as: UTF8.self).split(separator: "\n")
            .first { $0.hasPrefix("frontdesk_http_requests_in_flight ") }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") }.map { Int($0) } ?? 0
    }

    func json(_ method: String, _ path: String, key: String?, _ object: Any,
              headers: [String: String] = [:]) async throws -> (status: Int, json: [String: Any]) {
        try await request(method, path, key: key, body: try JSONSerialization.data(withJSONObject: object), headers: headers)
    }
}

struct LiveServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
