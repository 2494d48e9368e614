import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Server

/// The client address the conversation limit counts, through a real listening server (a router test has no peer):
/// the peer's address, or — only behind a configured trusted proxy — the address `X-Forwarded-For` names.
@Suite struct WidgetClientAddressTests {
    static func startMany(_ client: some TestClientProtocol, publishable: String, forwardedFor: (Int) -> String) async throws
        -> [HTTPResponse.Status] {
        var statuses: [HTTPResponse.Status] = []
        for index in 0...WidgetService.conversationLimit.limit {
            var visitor = WidgetVisitor(key: publishable, origin: WidgetTestSetup.origin)
            statuses.append(try await visitor.start(client, headers: [.xForwardedFor: forwardedFor(index)]).status)
        }
        return statuses
    }

    @Test func behindATrustedProxyEachForwardedClientIsCountedOnItsOwn() async throws {
        let app = try await TestApp.make { $0.trustedProxies = ["127.0.0.1", "::1"] }
        try await app.app.test(.live) { client in
            let (_, _, publishable) = try await WidgetTestSetup.business(app, client, knowledge: false)
            let distinct = try await Self.startMany(client, publishable: publishable) { "198.51.100.\($0 + 1)" }
            #expect(distinct.allSatisfy { $0 == .created }, "\(distinct)")
            // One forwarded client (a spoofed entry on its left changes nothing) reaches the limit.
            let same = try await Self.startMany(client, publishable: publishable) { "10.9.9.\($0), 203.0.113.7" }
            #expect(same == Array(repeating: .created, count: WidgetService.conversationLimit.limit) + [.tooManyRequests])
        }
    }

    @Test func withoutATrustedProxyForwardedForIsIgnored() async throws {
        let app = try await TestApp.make()
        try await app.app.test(.live) { client in
            let (_, _, publishable) = try await WidgetTestSetup.business(app, client, knowledge: false)
            let statuses = try await Self.startMany(client, publishable: publishable) { "198.51.100.\($0 + 1)" }
            #expect(statuses == Array(repeating: .created, count: WidgetService.conversationLimit.limit) + [.tooManyRequests])
        }
    }

    @Test func trustedProxiesAreReadFromTheEnvironment() throws {
        #expect(try AppConfig(environment: [:]).trustedProxies == [])
        #expect(try AppConfig(environment: ["FRONTDESK_TRUSTED_PROXIES": "10.0.0.2, 2001:db8::1"]).trustedProxies
                == ["10.0.0.2", "2001:db8::1"])
        #expect(throws: ConfigError.self) { try AppConfig(environment: ["FRONTDESK_TRUSTED_PROXIES": "10.0.0.2, proxy.local"]) }
    }
}
