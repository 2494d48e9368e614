import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Server

/// The model directory the bootstrap fills: `$FRONTDESK_MODEL_DIR` or `<repo>/.models/all-MiniLM-L6-v2`.
private var modelDirectory: String {
    if let dir = ProcessInfo.processInfo.environment["FRONTDESK_MODEL_DIR"], !dir.isEmpty { return dir }
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return repo.appendingPathComponent(".models/all-MiniLM-L6-v2").path
}

private func testConfig() -> AppConfig {
    var config = AppConfig()
    config.port = 0
    config.modelDirectory = modelDirectory
    return config
}

struct HealthTests {
    @Test func healthzReportsTheLoadedModel() async throws {
        let app = try await buildApplication(testConfig())
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
        let app = try await buildApplication(testConfig())
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
        var config = testConfig()
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
