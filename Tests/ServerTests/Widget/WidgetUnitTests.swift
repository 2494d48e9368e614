import Foundation
import Testing
@testable import Server

/// The widget's pure parts: origins, visitor tokens, client addresses, the rate limit's arithmetic.
@Suite struct WidgetUnitTests {
    @Test(arguments: [
        ("https://example.com", "https://example.com"),
        ("HTTPS://EXAMPLE.com/", "https://example.com"),
        ("https://example.com:443", "https://example.com"),
        ("http://example.com:80", "http://example.com"),
        ("http://example.com:443", "http://example.com:443"),
        ("https://shop.example.co.uk:8443", "https://shop.example.co.uk:8443"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://[::1]:3000", "http://[::1]:3000"),
        ("https://xn--bcher-kva.example", "https://xn--bcher-kva.example"),
        (" https://example.com ", "https://example.com"),
    ])
    func originsAreNormalised(raw: String, expected: String) throws {
        #expect(try WidgetOrigin.normalized(raw) == expected)
    }

    @Test(arguments: [
        "", "null", "example.com", "ftp://example.com", "https://", "https://example.com/path", "https://example.com/a/",
        "https://*.example.com", "https://user@example.com", "https://example.com?x=1", "https://example.com#top",
        "https://example.com:0", "https://example.com:70000", "https://example.com:80a", "https://-bad.example",
        "https://exa mple.com", "https://bücher.example", "https://example..com", "https://[::1", "https://a:b:c",
    ])
    func nonOriginsAreRefused(raw: String) {
        #expect(throws: WidgetOrigin.Invalid.self) { try WidgetOrigin.normalized(raw) }
    }

    @Test func theOriginHeaderIsComparedExactlyAfterNormalising() {
        let allowed = ["https://www.example.com", "http://localhost:8080"]
        #expect(WidgetOrigin.isAllowed("https://www.example.com", in: allowed))
        #expect(WidgetOrigin.isAllowed("http://localhost:8080", in: allowed))
        for refused in ["https://example.com", "http://www.example.com", "https://www.example.com:444", "http://localhost",
                        "https://www.example.com.evil.example", "null", ""] {
            #expect(!WidgetOrigin.isAllowed(refused, in: allowed), "\(refused)")
        }
    }

    static let token = VisitorToken(businessId: "b1", keyId: "k1", visitorId: "v1", conversationId: "c1",
                                    origin: "https://example.com", issuedAt: Date(timeIntervalSince1970: 1_750_000_000),
                                    expiresAt: Date(timeIntervalSince1970: 1_750_007_200))

    @Test func aTokenRoundTripsAndOnlyItsSecretVerifiesIt() throws {
        let secret = WidgetKey.randomHex(bytes: 32)
        let signed = Self.token.signed(secret: secret)
        #expect(signed.hasPrefix("v1."))
        #expect(VisitorToken.unverified(signed) == Self.token)
        #expect(VisitorToken.hasValidSignature(signed, secret: secret))
        #expect(!VisitorToken.hasValidSignature(signed, secret: WidgetKey.randomHex(bytes: 32)))
        var other = Self.token
        other.conversationId = "c2"
        let swapped = other.signed(secret: secret).split(separator: ".")[1]
        let parts = signed.split(separator: ".")
        #expect(!VisitorToken.hasValidSignature("v1.\(swapped).\(parts[2])", secret: secret), "claims moved under another signature")
        for garbage in ["", "v1", "v1..", "v2.\(parts[1]).\(parts[2])", "v1.!!!.\(parts[2])", String(repeating: "a", count: 3000)] {
            #expect(VisitorToken.unverified(garbage) == nil, "\(garbage.prefix(20))")
        }
    }

    @Test func keysHaveTheirOwnShape() {
        let key = WidgetKey.make(businessId: "b", at: Date())
        #expect(WidgetKey.looksLikeKey(key.key))
        #expect(key.tokenSecret.count == 64 && key.tokenSecret.allSatisfy(\.isHexDigit))
        #expect(key.displayPrefix.count == 11)
        #expect(!SecretKeyGenerator.looksLikeAPIKey(key.key))
        let apiKey = SecretKeyGenerator.make(prefix: SecretKeyGenerator.apiKeyPrefix)
        #expect(!WidgetKey.looksLikeKey(apiKey))
        #expect(!WidgetKey.looksLikeKey("pk_short"))
        #expect(!WidgetKey.looksLikeKey("pk_" + String(repeating: "-", count: 32)))
    }

    @Test func theClientIsThePeerUnlessItIsATrustedProxy() {
        let direct = ClientAddressResolver(trustedProxies: [])
        #expect(direct.client(peer: "198.51.100.7", forwardedFor: "203.0.113.9") == "198.51.100.7")
        #expect(direct.client(peer: nil, forwardedFor: "203.0.113.9") == nil)

        let proxied = ClientAddressResolver(trustedProxies: ["10.0.0.2", "10.0.0.3"])
        #expect(proxied.client(peer: "10.0.0.2", forwardedFor: "203.0.113.9") == "203.0.113.9")
        // A client's own X-Forwarded-For entries sit left of what our proxies appended: never believed.
        #expect(proxied.client(peer: "10.0.0.2", forwardedFor: "1.2.3.4, 203.0.113.9, 10.0.0.3") == "203.0.113.9")
        #expect(proxied.client(peer: "10.0.0.2", forwardedFor: nil) == "10.0.0.2")
        #expect(proxied.client(peer: "10.0.0.2", forwardedFor: "not-an-ip") == "10.0.0.2")
        #expect(proxied.client(peer: "198.51.100.7", forwardedFor: "203.0.113.9") == "198.51.100.7")
    }

    @Test func addressesAreCountedByIPv4AddressOrIPv6Slash64AndStoredHashed() {
        #expect(ClientAddressResolver.limitKey("203.0.113.9") == "203.0.113.9")
        let a = ClientAddressResolver.limitKey("2001:db8:1:2:aaaa::1")
        #expect(a == ClientAddressResolver.limitKey("2001:db8:1:2:bbbb:cccc:dddd:eeee"))
        #expect(a != ClientAddressResolver.limitKey("2001:db8:1:3::1"))
        #expect(ClientAddressResolver.limitKey(nil) == "unknown")
        let hash = ClientAddressResolver.hash("203.0.113.9")
        #expect(hash.count == 64 && !hash.contains("203"))
    }

    @Test func theRateLimitSaysWhenTheOldestLeavesTheWindow() {
        let limit = WidgetRateLimit(limit: 3, window: 60)
        let now = Date(timeIntervalSince1970: 1000)
        #expect(limit.retryAfter(recent: [], now: now) == nil)
        #expect(limit.retryAfter(recent: [now, now], now: now) == nil)
        #expect(limit.retryAfter(recent: [now - 50, now - 10, now - 5], now: now) == 10)
        #expect(limit.retryAfter(recent: [now - 70, now - 10, now - 5], now: now) == nil, "outside the window")
        #expect(limit.retryAfter(recent: [now, now, now, now], now: now) == 60)
        #expect(limit.retryAfter(recent: [now - 59.5, now, now], now: now) == 1, "at least a second")
    }
}
