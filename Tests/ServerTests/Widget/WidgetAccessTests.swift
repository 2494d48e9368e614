import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Server

/// Who may use a widget: the origin on every request (CORS only for allowed origins), publishable keys versus API
/// keys, visitor tokens (expiry, rotation, tampering, the origin they were issued to) and tenant isolation.
@Suite struct WidgetAccessTests {
    static let origin = WidgetTestSetup.origin

    @Test func anOriginNotOnTheListOrNoOriginIsRefusedWithoutCORSHeaders() async throws {
        let app = try await TestApp.make()
        try await app.app.test(.router) { client in
            let (_, key, publishable) = try await WidgetTestSetup.business(app, client)
            let uri = "/widget/v1/\(publishable)/conversations"
            for refused in ["https://evil.example", "http://www.rapid-rooter.example", "https://rapid-rooter.example",
                            "https://www.rapid-rooter.example:8443", "https://www.rapid-rooter.example.evil.example", "null"] {
                let reply = try await WidgetVisitor.send(client, .post, uri, origin: refused, json: [String: Any]())
                #expect(reply.status == .forbidden, "\(refused)")
                #expect(reply.errorCode == "origin_not_allowed", "\(refused)")
                #expect(reply.allowOrigin == nil, "\(refused)")
                #expect(reply.vary == "Origin")
                let preflight = try await WidgetVisitor.send(client, .options, uri, origin: refused,
                                                             headers: [.accessControlRequestMethod: "POST"])
                #expect(preflight.status == .forbidden)
                #expect(preflight.allowOrigin == nil && preflight.headers[.accessControlAllowMethods] == nil)
            }
            let missing = try await WidgetVisitor.send(client, .post, uri, origin: nil, json: [String: Any]())
            #expect(missing.status == .forbidden)
            #expect(missing.errorCode == "origin_required")
            #expect(missing.allowOrigin == nil)

            // The list is checked on every request: an origin removed mid-conversation is refused at once.
            var visitor = WidgetVisitor(key: publishable, origin: Self.origin)
            #expect(try await visitor.start(client).status == .created)
            #expect(try await client.call(.put, "/v1/widget", key: key, json: ["allowed_origins": [String]()]).status == .ok)
            let afterRemoval = try await visitor.say(client, "what time are you open on saturday")
            #expect(afterRemoval.status == .forbidden)
            #expect(afterRemoval.errorCode == "origin_not_allowed")
            #expect(try await visitor.read(client).allowOrigin == nil)
        }
    }

    @Test func anEmptyListDeniesEveryPage() async throws {
        let app = try await TestApp.make()
        try await app.app.test(.router) { client in
            let (_, key) = try await app.makeTenant("no-origins")
            let settings = try await client.call(.get, "/v1/widget", key: key)
            #expect(settings.status == .ok)
            #expect(settings.body["allowed_origins"] as? [String] == [])
            let publishable = try #require(settings.body["publishable_key"] as? String)
            #expect(try await client.call(.get, "/v1/widget", key: key).body["publishable_key"] as? String == publishable,
                    "the key is made once")
            var visitor = WidgetVisitor(key: publishable, origin: Self.origin)
            let reply = try await visitor.start(client)
            #expect(reply.status == .forbidden)
            #expect(reply.errorCode == "origin_not_allowed")
        }
    }

    @Test func corsHeadersEchoExactlyTheAllowedOrigin() async throws {
        let app = try await TestApp.make()
        try await app.app.test(.router) { client in
            let second = "http://localhost:8181"
            let (_, _, publishable) = try await WidgetTestSetup.business(app, client, origins: [Self.origin, second])
            for origin in [Self.origin, second] {
                let uri = "/widget/v1/\(publishable)/conversations"
                let preflight = try await WidgetVisitor.send(client, .options, uri, origin: origin, headers: [
                    .accessControlRequestMethod: "POST", .accessControlRequestHeaders: "content-type",
                ])
                #expect(preflight.status == .noContent)
                #expect(preflight.allowOrigin == origin)
                #expect(preflight.vary == "Origin")
                #expect(preflight.headers[.accessControlAllowMethods] == "GET, POST")
                #expect(preflight.headers[.accessControlAllowHeaders] == "Authorization, Content-Type")
                #expect(preflight.headers[.accessControlMaxAge] == "600")
                #expect(preflight.headers[.accessControlAllowCredentials] == nil)
                #expect(preflight.headers[values: .accessControlAllowOrigin].count == 1)

                var visitor = WidgetVisitor(key: publishable, origin: origin)
                let started = try await visitor.start(client)
                #expect(started.status == .created)
                #expect(started.allowOrigin == origin)
                #expect(started.vary == "Origin")
                #expect(started.headers[.accessControlExposeHeaders] == "Retry-After")
                #expect(started.headers[.accessControlAllowMethods] == nil)
                #expect(started.headers[.accessControlAllowCredentials] == nil)

                let id = try #require(visitor.conversationId)
                for path in ["/conversations/\(id)", "/conversations/\(id)/messages"] {
                    let preflight = try await WidgetVisitor.send(client, .options, "/widget/v1/\(publishable)\(path)", origin: origin,
                                                                 headers: [.accessControlRequestMethod: "POST",
                                                                           .accessControlRequestHeaders: "authorization, content-type"])
                    #expect(preflight.status == .noContent)
                    #expect(preflight.allowOrigin == origin)
                }
                #expect(try await visitor.read(client).allowOrigin == origin)
            }
        }
    }

    @Test func publishableKeysAndAPIKeysAreNeverTakenForEachOther() async throws {
        let app = try await TestApp.make()
        try await app.app.test(.router) { client in
            let (_, key, publishable) = try await WidgetTestSetup.business(app, client)
            let asAPIKey = try await client.call(.get, "/v1/widget", key: publishable)
            #expect(asAPIKey.status == .unauthorized)
            let asPublishable = try await WidgetVisitor.send(client, .post, "/widget/v1/\(key)/conversations", origin: Self.origin,
                                                             json: [String: Any]())
            #expect(asPublishable.status == .unauthorized)
            #expect(asPublishable.errorCode == "invalid_key")
            #expect(asPublishable.allowOrigin == nil)
            let unknown = try await WidgetVisitor.send(client, .post, "/widget/v1/pk_\(String(repeating: "A", count: 32))/conversations",
                                                       origin: Self.origin, json: [String: Any]())
            #expect(unknown.errorCode == "invalid_key")
        }
    }

    @Test func aTokenExpiresAfterTwoHours() async throws {
        let clock = TestClock()
        let app = try await TestApp.make(now: clock.now)
        try await app.app.test(.router) { client in
            let (_, _, publishable) = try await WidgetTestSetup.business(app, client)
            var visitor = WidgetVisitor(key: publishable, origin: Self.origin)
            let started = try await visitor.start(client)
            let expires = try #require(started.body["expires_at"] as? String)
            #expect(expires == ISO8601DateFormatter().string(from: clock.read().addingTimeInterval(2 * 3600)))
            clock.advance(by: 2 * 3600 - 1)
            #expect(try await visitor.read(client).status == .ok)
            clock.advance(by: 1)
            let expired = try await visitor.read(client)
            #expect(expired.status == .unauthorized)
            #expect(expired.errorCode == "token_expired")
            #expect(expired.allowOrigin == Self.origin)
            #expect(try await visitor.say(client, "hello").errorCode == "token_expired")
        }
    }

    @Test func rotatingTheKeyEndsItsTokensAndTamperedTokensAreRefused() async throws {
        let app = try await TestApp.make()
        try await app.app.test(.router) { client in
            let (_, key, publishable) = try await WidgetTestSetup.business(app, client)
            var visitor = WidgetVisitor(key: publishable, origin: Self.origin)
            try await visitor.start(client)
            let token = try #require(visitor.token)

            // Tampered, missing, for another origin.
            let parts = token.split(separator: ".")
            var tampered = visitor
            // The signature's first character carries six bits of the MAC (its last one only four, and two of padding).
            tampered.token = String(parts[0]) + "." + String(parts[1]) + "." + (parts[2].first == "A" ? "B" : "A") + String(parts[2].dropFirst())
            #expect(try await tampered.read(client).errorCode == "invalid_token")
            var forged = visitor
            let claims = String(decoding: try #require(VisitorToken.base64URLDecode(parts[1])), as: UTF8.self)
                .replacingOccurrences(of: "\"exp\":", with: "\"exp\":9")
            forged.token = "v1." + VisitorToken.base64URL(Data(claims.utf8)) + "." + parts[2]
            #expect(try await forged.read(client).errorCode == "invalid_token")
            var bare = visitor
            bare.token = nil
            #expect(try await bare.read(client).errorCode == "missing_token")
            #expect(try await client.call(.put, "/v1/widget", key: key,
                                          json: ["allowed_origins": [Self.origin, "https://shop.rapid-rooter.example"]]).status == .ok)
            var elsewhere = visitor
            elsewhere.origin = "https://shop.rapid-rooter.example"
            let mismatch = try await elsewhere.read(client)
            #expect(mismatch.status == .forbidden)
            #expect(mismatch.errorCode == "origin_mismatch")

            // Rotation: the old key is gone, and the new key does not take the old key's tokens.
            let rotated = try await client.call(.post, "/v1/widget/key/rotate", key: key)
            #expect(rotated.status == .ok)
            let newKey = try #require(rotated.body["publishable_key"] as? String)
            #expect(newKey != publishable && newKey.hasPrefix("pk_"))
            #expect(rotated.body["allowed_origins"] as? [String] == [Self.origin, "https://shop.rapid-rooter.example"])
            #expect(try await visitor.read(client).errorCode == "invalid_key")
            var moved = visitor
            moved.key = newKey
            #expect(try await moved.read(client).errorCode == "invalid_token")
            #expect(try await moved.say(client, "hello").errorCode == "invalid_token")
            var fresh = WidgetVisitor(key: newKey, origin: Self.origin)
            #expect(try await fresh.start(client).status == .created)
            #expect(try await fresh.say(client, "what time are you open on saturday").status == .ok)
        }
    }

    @Test func aTokenOfOneBusinessReadsNothingOfAnother() async throws {
        let app = try await TestApp.make()
        try await app.app.test(.router) { client in
            let shared = "https://shared-host.example"
            let (_, keyA, publishableA) = try await WidgetTestSetup.business(app, client, slug: "shop-a", origins: [shared])
            let (_, keyB, publishableB) = try await WidgetTestSetup.business(app, client, slug: "shop-b", origins: [shared])
            var a = WidgetVisitor(key: publishableA, origin: shared)
            var b = WidgetVisitor(key: publishableB, origin: shared)
            try await a.start(client)
            try await b.start(client)
            _ = try await b.say(client, "what time are you open on saturday")

            // A's token, on A's key, for B's conversation: not found.
            var probe = a
            probe.conversationId = b.conversationId
            let read = try await probe.read(client)
            #expect(read.status == .notFound)
            #expect(read.messages.isEmpty)
            #expect(try await probe.say(client, "hello").status == .notFound)
            // A's token on B's key: not a token of that key.
            var crossKey = probe
            crossKey.key = publishableB
            #expect(try await crossKey.read(client).errorCode == "invalid_token")
            // The CRM: B's conversation is not A's to read.
            #expect(try await client.call(.get, "/v1/conversations/\(b.conversationId!)", key: keyA).status == .notFound)
            #expect(try await client.call(.get, "/v1/conversations/\(b.conversationId!)", key: keyB).status == .ok)
            // B's conversation is untouched.
            #expect(try await b.read(client).messages.count == 3)
        }
    }

    @Test func allowedOriginsAreValidatedAndNormalised() async throws {
        let app = try await TestApp.make()
        try await app.app.test(.router) { client in
            let (_, key) = try await app.makeTenant("origins")
            let normalised = try await client.call(.put, "/v1/widget", key: key, json: ["allowed_origins": [
                "HTTPS://Www.Example.COM:443/", "https://www.example.com", "http://localhost:8080", "http://[::1]:3000",
            ]])
            #expect(normalised.status == .ok, "\(normalised.body)")
            #expect(normalised.body["allowed_origins"] as? [String]
                    == ["https://www.example.com", "http://localhost:8080", "http://[::1]:3000"])
            #expect((normalised.body["snippet"] as? String)?.contains("data-key=\"pk_") == true)
            #expect((normalised.body["snippet"] as? String)?.contains("/widget.js\"") == true)

            let bad = try await client.call(.put, "/v1/widget", key: key, json: ["allowed_origins": [
                "https://ok.example", "https://*.example.com", "ftp://files.example", "https://example.com/path", "example.com",
            ]])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.body.errorCode == "invalid_origin")
            let details = (bad.body["error"] as? [String: Any])?["details"] as? [[String: Any]] ?? []
            #expect(details.compactMap { $0["row"] as? Int } == [2, 3, 4, 5])
            let tooMany = try await client.call(.put, "/v1/widget", key: key, json: ["allowed_origins":
                (1...51).map { "https://site\($0).example" }])
            #expect(tooMany.body.errorCode == "too_many_origins")
            let unknown = try await client.call(.put, "/v1/widget", key: key, json: ["origins": ["https://x.example"]])
            #expect(unknown.body.errorCode == "unknown_field")
            // Nothing of the refused requests was stored.
            #expect(try await client.call(.get, "/v1/widget", key: key).body["allowed_origins"] as? [String]
                    == ["https://www.example.com", "http://localhost:8080", "http://[::1]:3000"])
        }
    }
}
