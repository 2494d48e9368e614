import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
@testable import Server

/// The model directory the bootstrap fills: `$FRONTDESK_MODEL_DIR` (relative to the package root) or
/// `<root>/.models/all-MiniLM-L6-v2`.
enum ServerTestPaths {
    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var modelDirectory: String {
        if let dir = ProcessInfo.processInfo.environment["FRONTDESK_MODEL_DIR"], !dir.isEmpty {
            return dir.hasPrefix("/") ? dir : repoRoot.appendingPathComponent(dir).path
        }
        return repoRoot.appendingPathComponent(".models/all-MiniLM-L6-v2").path
    }

    static var corpora: URL { repoRoot.appendingPathComponent("corpora", isDirectory: true) }

    /// The web panel's templates and static files.
    static var panel: URL { repoRoot.appendingPathComponent("panel", isDirectory: true) }

    /// Fails the calling test (never skips it) when a model file is absent, naming the fix.
    static func requireModel() throws {
        for name in ["config.json", "model.safetensors", "vocab.txt"] {
            let path = URL(fileURLWithPath: modelDirectory).appendingPathComponent(name).path
            try #require(FileManager.default.fileExists(atPath: path),
                         "MiniLM model file not found: \(path): run `make bootstrap` (or set FRONTDESK_MODEL_DIR)")
        }
    }
}

/// The real application (model, SQLite in a temporary folder — or PostgreSQL, see `make` — every route) for router tests.
struct TestApp {
    static let adminKey = "test-admin-key-0123456789abcdef"

    let directory: TemporaryDirectory
    let config: AppConfig
    let services: AppServices
    let app: Application<RouterResponder<AppRequestContext>>

    /// - Parameter now: the application's clock (CRM rules, the booking loop, outbound calls); tests that move time
    ///   pass a `TestClock`'s.
    static func make(
        in existing: TemporaryDirectory? = nil, configure: (inout AppConfig) -> Void = { _ in },
        now: @escaping @Sendable () -> Date = Date.init
    ) async throws -> TestApp {
        let directory = try existing ?? TemporaryDirectory()
        var config = AppConfig()
        config.port = 0
        config.modelDirectory = ServerTestPaths.modelDirectory
        config.databasePath = directory.path("frontdesk.sqlite")
        config.adminKey = adminKey
        config.sentimentTrainingFile = ServerTestPaths.corpora.appendingPathComponent("sentiment/train.jsonl").path
        config.panelDirectory = ServerTestPaths.panel.path
        // Panel passwords hashed fast (bcrypt's cost 4, not 12): tests sign in often.
        config.bcryptCost = 4
        // `FRONTDESK_TEST_BACKEND=postgresql` (the second pass of `make test`): every app on a fresh PostgreSQL
        // database of the run's throwaway cluster, so the server suites prove each route on both backends.
        // An app made again in the same directory (a restart) opens the same PostgreSQL database.
        if ProcessInfo.processInfo.environment["FRONTDESK_TEST_BACKEND"] == "postgresql" {
            let remembered = directory.path("postgres-url")
            if let url = try? String(contentsOfFile: remembered, encoding: .utf8) {
                config.databaseURL = url
            } else {
                let url = try TestPostgres.freshDatabase()
                try url.write(toFile: remembered, atomically: true, encoding: .utf8)
                config.databaseURL = url
            }
            config.databasePoolSize = 4
        }
        configure(&config)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let services = try await makeServices(config, logger: logger, announce: { _ in }, now: now)
        let app = Application(router: buildRouter(services, logger: logger), logger: logger)
        return TestApp(directory: directory, config: config, services: services, app: app)
    }

    /// A new ACTIVE business with one API key.
    func makeTenant(_ slug: String) async throws -> (business: Business, key: String) {
        let business = try await services.businesses.create(NewBusiness(slug: slug, name: "Business \(slug)", timeZone: "Europe/London"))
        return (business, try await services.apiKeys.rotate(businessId: business.id))
    }
}

extension TestClientProtocol {
    /// Sends JSON (or raw text) with an API key and returns status and the decoded JSON object.
    @discardableResult
    func call(
        _ method: HTTPRequest.Method, _ uri: String, key: String?, json: Any? = nil, raw: String? = nil,
        contentType: String = "application/json", headers extra: HTTPFields = [:]
    ) async throws -> (status: HTTPResponse.Status, body: [String: Any]) {
        var headers = extra
        if let key { headers[HTTPField.Name("X-API-Key")!] = key }
        var body: ByteBuffer?
        if let json {
            body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
            headers[.contentType] = contentType
        } else if let raw {
            body = ByteBuffer(string: raw)
            headers[.contentType] = contentType
        }
        return try await execute(uri: uri, method: method, headers: headers, body: body) { response in
            let object = response.body.readableBytes == 0 ? [:]
                : (try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any] ?? [:])
            return (response.status, object)
        }
    }
}

extension Dictionary where Key == String, Value == Any {
    var errorCode: String? { (self["error"] as? [String: Any])?["code"] as? String }
    var results: [[String: Any]] { self["results"] as? [[String: Any]] ?? [] }
}

extension AppServices {
    /// Runs what is due at `now`: the event consumers, then the due jobs, until nothing moves (a test's clock stands
    /// still meanwhile).
    func settle(at now: Date) async throws {
        for _ in 0..<50 {
            let handled = await eventConsumers.drainAll()
            let ran = try await jobRunner.runDue(now: now)
            if handled == 0 && ran == 0 { return }
        }
        Issue.record("the consumers and the work queue did not settle")
    }

    /// The SQLite database of an app built on SQLite, for tests that inspect it directly. Such a test is about
    /// SQLite storage: on any other backend it fails here (never crashes the run).
    var database: AppDatabase {
        if let sqlite = storage as? SQLiteStorage { return sqlite.database }
        Issue.record("this test reads SQLite directly; the app runs on \(storage.kind)")
        return try! AppDatabase.temporary()
    }
}
