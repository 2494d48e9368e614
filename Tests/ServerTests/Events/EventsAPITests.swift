import Events
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Server

/// `GET /v1/events`: the business's events, oldest first, in keyset pages, with filters; bad filters are 400s.
@Suite struct EventsAPITests {
    struct Fixture {
        let test: TestApp
        let keyA: String
        let keyB: String
        /// A's call CA-A (3 events) and customer cust-a; then B's call CA-B (3 events); then A's knowledge change.
        let a: [StoredEvent]
        let b: [StoredEvent]
    }

    static func make() async throws -> Fixture {
        let test = try await TestApp.make()
        let (businessA, keyA) = try await test.makeTenant("events-a")
        let (businessB, keyB) = try await test.makeTenant("events-b")
        let log = test.services.events
        var a = try await EventFixtures.call(log, business: businessA.id, sid: "CA-A")
        a.append(try await EventFixtures.customer(log, business: businessA.id, id: "cust-a"))
        let b = try await EventFixtures.call(log, business: businessB.id, sid: "CA-B")
        a.append(try await EventFixtures.knowledge(log, business: businessA.id, version: 1))
        return Fixture(test: test, keyA: keyA, keyB: keyB, a: a, b: b)
    }

    static func ids(_ body: [String: Any]) -> [Int64] {
        (body["events"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? NSNumber)?.int64Value }
    }

    @Test func listsTheBusinessesEventsInKeysetPagesWithThePayloadAsAnObject() async throws {
        let fixture = try await Self.make()
        try await fixture.test.app.test(.router) { client in
            let all = try await client.call(.get, "/v1/events", key: fixture.keyA)
            #expect(all.status == .ok)
            #expect(Self.ids(all.body) == fixture.a.map(\.id), "A's five events, oldest first, none of B's")
            #expect(all.body["next_after"] is NSNull, "fewer than the limit: no next page")

            let events = try #require(all.body["events"] as? [[String: Any]])
            let started = events[0]
            #expect(started["stream"] as? String == "call:CA-A")
            #expect(started["sequence"] as? Int == 1)
            #expect(started["type"] as? String == "call.started")
            let createdAt = try #require(started["created_at"] as? String)
            let parsed = try Date(createdAt, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true))
            #expect(abs(parsed.timeIntervalSince(fixture.a[0].createdAt)) < 0.001)
            let payload = try #require(started["payload"] as? [String: Any], "the payload is an object, not a string")
            #expect(payload["direction"] as? String == "inbound")
            #expect(payload["customer_number"] as? String == "+15557654321")

            let turn = try #require(events[1]["payload"] as? [String: Any])
            #expect(events[1]["sequence"] as? Int == 2)
            #expect(turn["caller_text"] as? String == "is it \"urgent\"?\nthe boiler is leaking")
            #expect(turn["cited_entries"] as? [String] == ["entry-1", "entry-2"])
            #expect(turn["latency_ms"] as? Double == 12.5)
            #expect(turn["declined"] as? Bool == false)
            #expect((events[2]["payload"] as? [String: Any])?["duration_seconds"] as? Int == 42)
            #expect(events[4]["stream"] as? String == "knowledge:\(try #require(fixture.a[4].businessId))")

            // Keyset pages of two: next_after is the last id while pages are full.
            var after: Int64 = 0
            var seen: [Int64] = []
            var pages = 0
            while true {
                let page = try await client.call(.get, "/v1/events?limit=2&after=\(after)", key: fixture.keyA)
                #expect(page.status == .ok)
                seen += Self.ids(page.body)
                pages += 1
                guard let next = (page.body["next_after"] as? NSNumber)?.int64Value else { break }
                #expect(next == seen.last)
                after = next
            }
            #expect(seen == fixture.a.map(\.id))
            #expect(pages == 3, "2 + 2 + 1")
            // Exactly full last page: the next one is empty with next_after null.
            let four = try await client.call(.get, "/v1/events?limit=4", key: fixture.keyA)
            #expect((four.body["next_after"] as? NSNumber)?.int64Value == fixture.a[3].id)
            let rest = try await client.call(.get, "/v1/events?limit=4&after=\(fixture.a[4].id)", key: fixture.keyA)
            #expect(Self.ids(rest.body).isEmpty)
            #expect(rest.body["next_after"] is NSNull)
        }
    }

    @Test func filtersByStreamAndByRepeatedOrCommaSeparatedTypes() async throws {
        let fixture = try await Self.make()
        let a = fixture.a
        let cases: [(query: String, expected: [Int64])] = [
            ("type=call.started,call.ended", [a[0].id, a[2].id]),
            ("type=call.started&type=customer.created", [a[0].id, a[3].id]),
            ("type=call.ended,%20knowledge.changed&type=call.started", [a[0].id, a[2].id, a[4].id]),
            ("type=lead.captured", []),
            ("stream=customer:cust-a", [a[3].id]),
            ("stream=call:CA-A&type=call.turn", [a[1].id]),
            ("stream=call:CA-A&after=\(a[0].id)&limit=1", [a[1].id]),
        ]
        try await fixture.test.app.test(.router) { client in
            for (query, expected) in cases {
                let response = try await client.call(.get, "/v1/events?\(query)", key: fixture.keyA)
                #expect(response.status == .ok, "\(query): \(response.body)")
                #expect(Self.ids(response.body) == expected, "\(query)")
            }
        }
    }

    @Test func badParametersAre400JSONErrorsThatNameTheProblem() async throws {
        let fixture = try await Self.make()
        try await fixture.test.app.test(.router) { client in
            for path in ["/v1/events", "/v1/events/stream"] {
                let unknown = try await client.call(.get, "\(path)?type=call.started,call.exploded", key: fixture.keyA)
                #expect(unknown.status == .badRequest)
                #expect(unknown.body.errorCode == "unknown_event_type")
                let message = (unknown.body["error"] as? [String: Any])?["message"] as? String ?? ""
                #expect(message.contains("\"call.exploded\""), "\(message)")
                #expect(message.contains("call.started, call.turn"), "lists the known types: \(message)")

                let repeated = try await client.call(.get, "\(path)?type=call.started&type=Call.Started", key: fixture.keyA)
                #expect(repeated.status == .badRequest, "types are case-sensitive raw values")

                for query in ["after=-1", "after=ten", "stream=nocolon", "stream=call:", "stream=call:a%20b"] {
                    let response = try await client.call(.get, "\(path)?\(query)", key: fixture.keyA)
                    #expect(response.status == .badRequest, "\(path)?\(query)")
                    #expect(response.body.errorCode == "invalid_parameter", "\(path)?\(query)")
                }
                let unauthenticated = try await client.call(.get, path, key: nil)
                #expect(unauthenticated.status == .unauthorized)
            }
            for limit in ["0", "501", "many", "-5"] {
                let response = try await client.call(.get, "/v1/events?limit=\(limit)", key: fixture.keyA)
                #expect(response.status == .badRequest, "limit=\(limit)")
                #expect(response.body.errorCode == "invalid_parameter")
            }
            #expect(try await client.call(.get, "/v1/events?limit=500", key: fixture.keyA).status == .ok)
            let badResume = try await client.call(.get, "/v1/events/stream", key: fixture.keyA,
                                                  headers: [HTTPField.Name("Last-Event-ID")!: "yesterday"])
            #expect(badResume.status == .badRequest)
            #expect(badResume.body.errorCode == "invalid_parameter")
        }
    }

    @Test func anotherBusinessesKeyNeverSeesItsEvents() async throws {
        let fixture = try await Self.make()
        let aIds = Set(fixture.a.map(\.id))
        try await fixture.test.app.test(.router) { client in
            let b = try await client.call(.get, "/v1/events?limit=500", key: fixture.keyB)
            #expect(Self.ids(b.body) == fixture.b.map(\.id))
            // Naming A's streams, A's types, or starting before A's ids changes nothing.
            for query in ["stream=call:CA-A", "stream=customer:cust-a", "stream=knowledge:\(try #require(fixture.a[4].businessId))",
                          "type=customer.created,knowledge.changed", "after=0&limit=1"] {
                let response = try await client.call(.get, "/v1/events?\(query)", key: fixture.keyB)
                #expect(response.status == .ok)
                #expect(aIds.isDisjoint(with: Self.ids(response.body)), "\(query) showed A's events")
                let text = String(decoding: try JSONSerialization.data(withJSONObject: response.body), as: UTF8.self)
                #expect(!text.contains("CA-A") && !text.contains("cust-a") && !text.contains("Ana Lima"), "\(query): \(text)")
            }
        }
    }
}
