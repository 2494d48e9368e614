import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
@testable import Server

struct OpenAPITests {
    /// Every registered route is documented with its method, and every documented operation exists. The web
    /// panel's HTML pages under /app are for browsers, not the API (docs/panel.md describes them).
    @Test func documentCoversExactlyTheRegisteredRoutes() async throws {
        let test = try await TestApp.make()
        let router = buildRouter(test.services, logger: Logger(label: "test"))
        let registered = Set(router.routes.filter { !PanelResponseMiddleware.isPanelPath($0.path.description) }
            .map { "\($0.method.rawValue.lowercased()) \($0.path.description)" })
        #expect(registered.count >= 20)

        let paths = try #require(OpenAPIDocument.document["paths"] as? [String: [String: Any]])
        let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0) \(path)" } })
        #expect(registered.subtracting(documented).isEmpty, "routes missing from /openapi.json: \(registered.subtracting(documented).sorted())")
        #expect(documented.subtracting(registered).isEmpty, "documented but not registered: \(documented.subtracting(registered).sorted())")
    }

    @Test func servedDocumentIsOpenAPI31WithResolvableReferences() async throws {
        let test = try await TestApp.make()
        try await test.app.test(.router) { client in
            let response = try await client.call(.get, "/openapi.json", key: nil)
            #expect(response.status == .ok)
            #expect(response.body["openapi"] as? String == "3.1.0")
            let schemas = try #require((response.body["components"] as? [String: Any])?["schemas"] as? [String: Any])
            // Every $ref points at a schema that exists.
            let text = String(decoding: try JSONSerialization.data(withJSONObject: response.body), as: UTF8.self)
            let refs = text.matches(of: /#\\\/components\\\/schemas\\\/([A-Za-z]+)/).map { String($0.1) }
            #expect(!refs.isEmpty)
            for name in Set(refs) { #expect(schemas[name] != nil, "dangling $ref \(name)") }
        }
    }
}
