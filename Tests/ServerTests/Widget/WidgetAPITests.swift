import Events
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Server

/// The web chat widget end to end through the real server (on the run's backend: SQLite, or PostgreSQL in the second
/// pass): a page of an allowed origin starts a conversation, asks, gets the grounded answer with its source, leaves
/// its details, and the conversation is in the CRM as channel `web` with its events.
@Suite struct WidgetAPITests {
    @Test func anAllowedPageGetsGroundedAnswersAndTheConversationIsInTheCRM() async throws {
        let clock = TestClock()
        let app = try await TestApp.make(now: clock.now)
        try await app.app.test(.router) { client in
            let (business, key, publishable) = try await WidgetTestSetup.business(app, client)
            #expect(publishable.hasPrefix("pk_") && publishable.count == 35)

            var visitor = WidgetVisitor(key: publishable, origin: WidgetTestSetup.origin)
            let started = try await visitor.start(client)
            #expect(started.status == .created, "\(started.body)")
            #expect(started.allowOrigin == WidgetTestSetup.origin)
            #expect(started.vary == "Origin")
            #expect(started.body["business_name"] as? String == business.name)
            #expect(started.body["ended"] as? Bool == false)
            #expect(started.reply.contains("virtual receptionist"), "\(started.reply)")
            let conversationId = try #require(visitor.conversationId)

            clock.advance(by: 10)
            let answer = try await visitor.say(client, "what time are you open on saturday")
            #expect(answer.status == .ok, "\(answer.body)")
            #expect(answer.reply.contains("Saturday"), "\(answer.reply)")
            #expect(answer.sourceTitles == ["Opening hours"])
            #expect(answer.messages.map { $0["role"] as? String } == ["visitor", "receptionist"])
            #expect(answer.allowOrigin == WidgetTestSetup.origin)

            clock.advance(by: 10)
            let declined = try await visitor.say(client, "do you repair swimming pool pumps")
            #expect(declined.reply.contains("don't have that information"), "\(declined.reply)")
            #expect(declined.reply.contains("leave a message"), "\(declined.reply)")
            #expect(declined.sourceTitles.isEmpty)
            #expect(!declined.reply.lowercased().contains("connect you"), "no transfers in a chat: \(declined.reply)")

            // Lead capture: "leave your name and number" (the unanswered question is the message).
            var replies: [String] = []
            for line in ["yes please", "my name is Jon Smith", "my number is 312 555 0199", "14 Elm Road"] {
                clock.advance(by: 10)
                let step = try await visitor.say(client, line)
                #expect(step.status == .ok, "\(line): \(step.body)")
                replies.append(step.reply)
            }
            #expect(replies[0].contains("name"), "\(replies[0])")
            #expect(replies[1].contains("number"), "\(replies[1])")
            #expect(replies[2].contains("address"), "\(replies[2])")
            // A number is read back as written, not digit by digit for text-to-speech.
            #expect(replies[3].contains("Jon Smith") && replies[3].contains("+13125550199"), "\(replies[3])")
            clock.advance(by: 10)
            let saved = try await visitor.say(client, "yes that's right")
            #expect(saved.reply.contains("someone will call you back"), "\(saved.reply)")

            // The widget reads the whole conversation back (a page reload).
            let read = try await visitor.read(client)
            #expect(read.status == .ok)
            #expect(read.messages.count == 1 + 2 * 7)
            #expect(read.sourceTitles == ["Opening hours"])

            // The CRM: a web conversation, now the customer's who left the number, with its messages and sources.
            let crm = try await client.call(.get, "/v1/conversations/\(conversationId)", key: key)
            #expect(crm.status == .ok)
            #expect(crm.body["channel"] as? String == "web")
            let messages = try #require(crm.body["messages"] as? [[String: Any]])
            #expect(messages.count == 15)
            #expect(messages.compactMap { $0["sources"] as? [[String: Any]] }.flatMap { $0 }.compactMap { $0["title"] as? String }
                    == ["Opening hours"])
            let customerId = try #require(crm.body["customer_id"] as? String)
            let customer = try await client.call(.get, "/v1/customers/\(customerId)", key: key)
            #expect(customer.body["phone"] as? String == "+13125550199")
            #expect(customer.body["name"] as? String == "Jon Smith")
            let leads = try await client.call(.get, "/v1/leads", key: key)
            let lead = try #require((leads.body["items"] as? [[String: Any]])?.first)
            #expect(lead["conversation_id"] as? String == conversationId)
            #expect(lead["call_sid"] == nil)
            #expect(lead["phone"] as? String == "+13125550199")

            // The event log: the conversation's stream.
            let events = try await client.call(.get, "/v1/events?stream=conversation:\(conversationId)", key: key)
            let types = (events.body["events"] as? [[String: Any]] ?? []).compactMap { $0["type"] as? String }
            #expect(types.first == "web.started")
            #expect(types.filter { $0 == "web.turn" }.count == 7)
            #expect(types.contains("lead.captured") && types.contains("owner.alert"))
            let turns = (events.body["events"] as? [[String: Any]] ?? []).filter { $0["type"] as? String == "web.turn" }
            let firstTurn = try #require(turns.first?["payload"] as? [String: Any])
            #expect(firstTurn["visitor_text"] as? String == "what time are you open on saturday")
            #expect((firstTurn["cited_entries"] as? [String])?.count == 1)
            #expect((turns.dropFirst().first?["payload"] as? [String: Any])?["declined"] as? Bool == true)
        }
    }

    @Test func anEmergencyGetsTheSafetyLineAndTheOwnerIsAlerted() async throws {
        let app = try await TestApp.make()
        try await app.app.test(.router) { client in
            let (_, key, publishable) = try await WidgetTestSetup.business(app, client)
            var visitor = WidgetVisitor(key: publishable, origin: WidgetTestSetup.origin)
            try await visitor.start(client)
            let emergency = try await visitor.say(client, "help, a pipe burst and water is pouring through the ceiling")
            #expect(emergency.status == .ok)
            #expect(emergency.reply.contains("call 911 now"), "\(emergency.reply)")
            #expect(!emergency.reply.contains("hang up"), "\(emergency.reply)")
            #expect(emergency.reply.contains("address"), "an emergency asks where first: \(emergency.reply)")
            let conversationId = try #require(visitor.conversationId)
            let events = try await client.call(.get, "/v1/events?stream=conversation:\(conversationId)", key: key)
            let stored = events.body["events"] as? [[String: Any]] ?? []
            #expect(stored.compactMap { $0["type"] as? String } == ["web.started", "web.turn", "web.emergency", "owner.alert"])
            let alert = try #require(stored.last?["payload"] as? [String: Any])
            #expect(alert["kind"] as? String == "emergency")
            #expect((alert["message"] as? String)?.contains("in a web chat with") == true, "\(alert)")
        }
    }

    @Test func aConversationThatEndedAcceptsNoMoreMessages() async throws {
        let app = try await TestApp.make()
        try await app.app.test(.router) { client in
            let (_, key, publishable) = try await WidgetTestSetup.business(app, client)
            var visitor = WidgetVisitor(key: publishable, origin: WidgetTestSetup.origin)
            try await visitor.start(client)
            _ = try await visitor.say(client, "what time are you open on saturday")
            let bye = try await visitor.say(client, "no thanks, that's all")
            #expect(bye.body["ended"] as? Bool == true, "\(bye.body)")
            #expect(bye.reply.contains("Goodbye"))
            let after = try await visitor.say(client, "one more thing")
            #expect(after.status == .conflict)
            #expect(after.errorCode == "conversation_ended")
            #expect(after.allowOrigin == WidgetTestSetup.origin, "errors to an allowed origin are readable by the widget")
            let events = try await client.call(.get, "/v1/events?type=web.ended", key: key)
            let ended = try #require((events.body["events"] as? [[String: Any]])?.first?["payload"] as? [String: Any])
            #expect(ended["outcome"] as? String == "answered_question")
        }
    }

    @Test func aMessageMustBeSomeTextOfAtMost2000Characters() async throws {
        let app = try await TestApp.make()
        try await app.app.test(.router) { client in
            let (_, _, publishable) = try await WidgetTestSetup.business(app, client)
            var visitor = WidgetVisitor(key: publishable, origin: WidgetTestSetup.origin)
            try await visitor.start(client)
            let uri = "/widget/v1/\(publishable)/conversations/\(visitor.conversationId!)/messages"

            let long = try await visitor.say(client, String(repeating: "a", count: 2_001))
            #expect(long.status == .unprocessableContent)
            #expect(long.errorCode == "message_too_long")
            let longest = try await visitor.say(client, "what time are you open on saturday " + String(repeating: "x", count: 2_000 - 35))
            #expect(longest.status == .ok, "exactly 2,000 characters is allowed: \(longest.body)")
            let blank = try await visitor.say(client, "   \n ")
            #expect(blank.errorCode == "empty_message")
            let huge = try await WidgetVisitor.send(client, .post, uri, origin: visitor.origin, token: visitor.token,
                                                    json: ["text": String(repeating: "b", count: 70_000)])
            #expect(huge.status == .contentTooLarge)
            let notJSON = try await WidgetVisitor.send(client, .post, uri, origin: visitor.origin, token: visitor.token,
                                                       raw: "text=hello")
            #expect(notJSON.status == .badRequest)
            let unknown = try await WidgetVisitor.send(client, .post, uri, origin: visitor.origin, token: visitor.token,
                                                       json: ["text": "hi", "html": "<b>"])
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.errorCode == "unknown_field")
            // None of these was stored (only the one good message and its reply, after the greeting).
            #expect(try await visitor.read(client).messages.count == 3)
        }
    }

    @Test func tenMessagesAMinuteThenA429WithRetryAfter() async throws {
        let clock = TestClock()
        let app = try await TestApp.make(now: clock.now)
        try await app.app.test(.router) { client in
            let (_, _, publishable) = try await WidgetTestSetup.business(app, client)
            var visitor = WidgetVisitor(key: publishable, origin: WidgetTestSetup.origin)
            try await visitor.start(client)
            for _ in 0..<WidgetService.messageLimit.limit {
                clock.advance(by: 2)
                #expect(try await visitor.say(client, "what time are you open on saturday").status == .ok)
            }
            clock.advance(by: 2)
            let limited = try await visitor.say(client, "and on sunday?")
            #expect(limited.status == .tooManyRequests)
            #expect(limited.errorCode == "too_many_messages")
            // The first of the ten (sent 20 s ago) leaves the minute in 40 s.
            #expect(limited.headers[.retryAfter] == "40")
            #expect(limited.allowOrigin == WidgetTestSetup.origin)
            #expect(limited.headers[.accessControlExposeHeaders] == "Retry-After")
            clock.advance(by: 40)
            #expect(try await visitor.say(client, "and on sunday?").status == .ok)
        }
    }

    @Test func sixNewConversationsPerClientIn12HoursThenA429WithRetryAfter() async throws {
        let clock = TestClock()
        let app = try await TestApp.make(now: clock.now)
        try await app.app.test(.router) { client in
            let (_, _, publishable) = try await WidgetTestSetup.business(app, client)
            for _ in 0..<WidgetService.conversationLimit.limit {
                var visitor = WidgetVisitor(key: publishable, origin: WidgetTestSetup.origin)
                #expect(try await visitor.start(client).status == .created)
                clock.advance(by: 60)
            }
            var seventh = WidgetVisitor(key: publishable, origin: WidgetTestSetup.origin)
            let limited = try await seventh.start(client)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.errorCode == "too_many_conversations")
            // The first conversation leaves the 12-hour window 12 h after it began, 6 minutes ago.
            #expect(limited.headers[.retryAfter] == String(12 * 3600 - 360))
            #expect(limited.allowOrigin == WidgetTestSetup.origin)
            // X-Forwarded-For from a client is not believed (no trusted proxies): still the same client.
            var spoofed = WidgetVisitor(key: publishable, origin: WidgetTestSetup.origin)
            #expect(try await spoofed.start(client, headers: [.xForwardedFor: "203.0.113.9"]).status == .tooManyRequests)
            // Another business's widget counts its own conversations.
            let (_, _, other) = try await WidgetTestSetup.business(app, client, slug: "other-shop", knowledge: false)
            var elsewhere = WidgetVisitor(key: other, origin: WidgetTestSetup.origin)
            #expect(try await elsewhere.start(client).status == .created)

            clock.advance(by: TimeInterval(12 * 3600 - 360))
            #expect(try await seventh.start(client).status == .created)
        }
    }

    @Test func theScriptIsPlainJavaScriptWithCacheHeaders() async throws {
        let app = try await TestApp.make()
        try await app.app.test(.router) { client in
            let (status, headers, body) = try await client.execute(uri: "/widget.js", method: .get) { response in
                (response.status, response.headers, String(buffer: response.body))
            }
            #expect(status == .ok)
            #expect(headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(headers[.cacheControl] == "public, max-age=300")
            #expect(headers[.xContentTypeOptions] == "nosniff")
            let etag = try #require(headers[.eTag])
            #expect(body.hasPrefix("/* FrontDesk web chat widget."))
            for expected in ["attachShadow", "data-key", "role=\"log\"", "aria-label=\"Close chat\"", "\"Escape\"", "\"Enter\"",
                             "id=\"fd-launcher\"", "id=\"fd-input\"", "data-source-title", "textContent"] {
                #expect(body.contains(expected), "widget.js lacks \(expected)")
            }
            #expect(!body.contains("eval(") && !body.contains("document.write"))
            let revalidated = try await client.execute(uri: "/widget.js", method: .get, headers: [.ifNoneMatch: etag]) { $0.status }
            #expect(revalidated == .notModified)
        }
    }
}
