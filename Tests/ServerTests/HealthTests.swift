import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Server

/// A configuration with the real model and a database in `directory` (never the working directory's
/// `./frontdesk.sqlite`, which parallel tests would race to migrate).
private func testConfig(_ directory: TemporaryDirectory) -> AppConfig {
    var config = AppConfig()
    config.port = 0
    config.modelDirectory = ServerTestPaths.modelDirectory
    config.databasePath = directory.path("frontdesk.sqlite")
    config.adminKey = TestApp.adminKey
    return config
}

struct HealthTests {
    @Test func healthzReportsTheLoadedModel() async throws {
        let directory = try TemporaryDirectory()
        let app = try await buildApplication(testConfig(directory), announce: { _ in })
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(body?["status"] as? String == "ok")
                #expect(body?["dimension"] as? Int == 384)
            }
        }
    }

    @Test func unknownRouteIsAJSONError() async throws {
        let directory = try TemporaryDirectory()
        let app = try await buildApplication(testConfig(directory), announce: { _ in })
        try await app.test(.router) { client in
            try await client.execute(uri: "/no/such/route", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: [String: String]]
                #expect(body?["error"]?["code"] == "not_found")
                #expect(body?["error"]?["message"]?.isEmpty == false)
            }
        }
    }

    @Test func refusesToStartWithoutTheModel() async throws {
        let directory = try TemporaryDirectory()
        var config = testConfig(directory)
        config.modelDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("no-model-\(UUID())").path
        await #expect(throws: StartupError.self) { _ = try await buildApplication(config) }
        do {
            _ = try await buildApplication(config)
        } catch let error as StartupError {
            #expect(error.description.contains("make bootstrap"))
        }
    }

    @Test func environmentOverridesDefaultsAndRejectsBadPorts() throws {
        let config = try AppConfig(environment: ["FRONTDESK_HOST": "0.0.0.0", "FRONTDESK_PORT": "9000", "FRONTDESK_MODEL_DIR": ""])
        #expect(config.host == "0.0.0.0")
        #expect(config.port == 9000)
        #expect(config.modelDirectory == AppConfig().modelDirectory)
        #expect(throws: ConfigError.self) { try AppConfig(environment: ["FRONTDESK_PORT": "80800"]) }
    }
}
