import Foundation
import HTTPTypes
import HummingbirdTesting
import Maintenance
import Receptionist
import Testing
@testable import Server

/// `/v1/tickets` through the router: validation, inferred priorities, filters, edits, moves and their 409s, and
/// the timeline read from the event log.
@Suite struct TicketsAPITests {
    static var ticket: [String: Any] { [
        "trade": "plumbing", "priority": "urgent", "problem": "No hot water since this morning",
        "property_address": "14 Elm St", "unit": "Apt 2", "postcode": "sw1a 1aa", "access_window": "weekdays after 3pm",
        "tenant_name": "Ana Diaz", "tenant_phone": "+44 20 7946 0018",
    ] }

    static func with(_ changes: [String: Any], removing: [String] = []) -> [String: Any] {
        var body = ticket.merging(changes) { _, new in new }
        for key in removing { body[key] = nil }
        return body
    }

    @Test func openingReturnsTheTicketWithItsCode() async throws {
        let test = try await TestApp.make()
        let (_, key) = try await test.makeTenant("elm-lettings")
        try await test.app.test(.router) { client in
            let created = try await client.call(.post, "/v1/tickets", key: key, json: Self.ticket)
            #expect(created.status == .created)
            let body = created.body
            #expect(body["state"] as? String == "new")
            #expect(body["priority"] as? String == "urgent")
            #expect(body["postcode"] as? String == "SW1A1AA")
            #expect(body["tenant_phone"] as? String == "+442079460018")
            #expect(body["source"] as? String == "rest")
            #expect(body["version"] as? Int == 1)
            #expect(body["closed_at"] is NSNull && body["vendor_id"] is NSNull, "unset fields are present as null")
            let code = try #require(body["code"] as? String)
            #expect(TicketCode.isIssuable(code))
            let shown = try await client.call(.get, "/v1/tickets/\(try #require(body.id))", key: key)
            #expect(shown.status == .ok)
            #expect(shown.body["code"] as? String == code)
        }
    }

    @Test func everyFieldIsValidatedAndARefusalWritesNothing() async throws {
        let test = try await TestApp.make()
        let (_, key) = try await test.makeTenant("elm-lettings")
        try await test.app.test(.router) { client in
            let cases: [(body: [String: Any], field: String, message: String)] = [
                (Self.with(["trade": "carpentry"]), "trade",
                 "trade must be one of plumbing, electrical, hvac, appliance, locksmith, pest, roofing, general"),
                (Self.with(["priority": "asap"]), "priority", "priority must be one of routine, urgent, emergency"),
                (Self.with(["tenant_phone": "020 7946 0018"]), "tenant_phone",
                 "tenant_phone must be E.164 (e.g. +15551234567); \"020 7946 0018\" is not a phone number"),
                (Self.with(["tenant_phone": "+12"]), "tenant_phone", "tenant_phone must be E.164 (e.g. +15551234567); \"+12\" is not a phone number"),
                (Self.with([:], removing: ["problem"]), "problem", "problem is required"),
                (Self.with([:], removing: ["trade"]), "trade", "trade is required"),
                (Self.with(["property_address": "  "]), "property_address", "property_address must be 1–200 characters"),
                (Self.with(["postcode": "60614 #2"]), "postcode",
                 "postcode must be a postcode or ZIP code: 2–10 letters, digits and hyphens (spaces are removed)"),
                (Self.with(["priority": NSNull()]), "priority", "priority must not be null (leave it out to infer it from the problem)"),
            ]
            for (body, field, message) in cases {
                let response = try await client.call(.post, "/v1/tickets", key: key, json: body)
                #expect(response.status == .unprocessableContent, "\(field)")
                #expect(response.body.errorCode == "invalid_field", "\(field)")
                #expect(response.body.errorField == field, "\(message)")
                #expect((response.body["error"] as? [String: Any])?["message"] as? String == message)
            }
            let unknown = try await client.call(.post, "/v1/tickets", key: key, json: Self.with(["state": "scheduled"]))
            #expect(unknown.status == .unprocessableContent && unknown.body.errorCode == "unknown_field")
            let typed = try await client.call(.post, "/v1/tickets", key: key, json: Self.with(["problem": 12]))
            #expect(typed.status == .badRequest)
            let malformed = try await client.call(.post, "/v1/tickets", key: key, raw: "{\"trade\":")
            #expect(malformed.status == .badRequest && malformed.body.errorCode == "invalid_json")
            #expect(try await client.call(.get, "/v1/tickets", key: key).body.items.isEmpty)
        }
    }

    @Test(arguments: [
        ("Water is pouring through the kitchen ceiling", "emergency"),
        ("The basement is flooding", "emergency"),
        ("There is no hot water", "urgent"),
        ("Please fix it asap, the oven is not working", "urgent"),
        ("The tap in the bathroom is dripping a little", "routine"),
        ("Not an emergency: the fence gate squeaks", "routine"),
    ])
    func withoutAPriorityTheProblemsWordsDecide(problem: String, priority: String) async throws {
        let test = try await TestApp.make()
        let (_, key) = try await test.makeTenant("elm-lettings")
        try await test.app.test(.router) { client in
            let created = try await client.call(.post, "/v1/tickets", key: key,
                                                json: Self.with(["problem": problem], removing: ["priority"]))
            #expect(created.status == .created)
            #expect(created.body["priority"] as? String == priority, "\(problem)")
        }
    }

    @Test func listingFiltersAndPages() async throws {
        let test = try await TestApp.make()
        let (_, key) = try await test.makeTenant("elm-lettings")
        try await test.app.test(.router) { client in
            var ids: [String] = []
            for (trade, priority, address) in [("plumbing", "urgent", "14 Elm St"), ("electrical", "emergency", "2 Oak Ave"),
                                               ("plumbing", "routine", "9 elm court")] {
                let created = try await client.call(.post, "/v1/tickets", key: key,
                                                    json: Self.with(["trade": trade, "priority": priority, "property_address": address]))
                ids.append(try #require(created.body.id))
            }
            func listed(_ query: String) async throws -> [String] {
                try await client.call(.get, "/v1/tickets?\(query)", key: key).body.items.compactMap(\.id)
            }
            #expect(try await listed("trade=plumbing") == [ids[0], ids[2]])
            #expect(try await listed("priority=emergency") == [ids[1]])
            #expect(try await listed("property=ELM") == [ids[0], ids[2]])
            #expect(try await listed("state=new&trade=electrical") == [ids[1]])
            #expect(try await listed("state=closed").isEmpty)
            let today = LocalDate(Date(), in: TimeZone(identifier: "Europe/London")!).description
            #expect(try await listed("created_from=\(today)&created_to=\(today)") == ids, "a day includes all of it")
            #expect(try await listed("created_to=2020-01-01").isEmpty)
            let first = try await client.call(.get, "/v1/tickets?limit=2", key: key)
            let cursor = try #require(first.body["next_cursor"] as? String)
            #expect(first.body.items.compactMap(\.id) == Array(ids.prefix(2)))
            #expect(try await listed("limit=2&cursor=\(cursor)") == [ids[2]])
            for (query, message) in [("state=done", "state must be one of new, vendor_contacting, scheduled, closed, escalated, cancelled"),
                                     ("trade=carpentry", "trade must be one of plumbing, electrical, hvac, appliance, locksmith, pest, roofing, general"),
                                     ("created_from=yesterday", nil), ("limit=0", nil)] {
                let response = try await client.call(.get, "/v1/tickets?\(query)", key: key)
                #expect(response.status == .badRequest, "\(query)")
                if let message { #expect((response.body["error"] as? [String: Any])?["message"] as? String == message) }
            }
        }
    }

    @Test func detailsArePatchableButTheStateIsNot() async throws {
        let test = try await TestApp.make()
        let (_, key) = try await test.makeTenant("elm-lettings")
        try await test.app.test(.router) { client in
            let id = try #require(try await client.call(.post, "/v1/tickets", key: key, json: Self.ticket).body.id)
            let patched = try await client.call(.patch, "/v1/tickets/\(id)", key: key,
                                                json: ["priority": "emergency", "unit": NSNull(), "trade": "HVAC"])
            #expect(patched.status == .ok)
            #expect(patched.body["priority"] as? String == "emergency")
            #expect(patched.body["trade"] as? String == "hvac")
            #expect(patched.body["unit"] is NSNull)
            #expect(patched.body["version"] as? Int == 2)
            let state = try await client.call(.patch, "/v1/tickets/\(id)", key: key, json: ["state": "closed"])
            #expect(state.status == .unprocessableContent && state.body.errorCode == "state_not_patchable")
            let nullProblem = try await client.call(.patch, "/v1/tickets/\(id)", key: key, json: ["problem": NSNull()])
            #expect(nullProblem.status == .unprocessableContent && nullProblem.body.errorField == "problem")
            let badTrade = try await client.call(.patch, "/v1/tickets/\(id)", key: key, json: ["trade": "magic"])
            #expect(badTrade.status == .unprocessableContent && badTrade.body.errorField == "trade")
            let missing = try await client.call(.patch, "/v1/tickets/\(UUID().uuidString)", key: key, json: ["priority": "routine"])
            #expect(missing.status == .notFound)
            #expect(try await client.call(.get, "/v1/tickets/\(id)", key: key).body["state"] as? String == "new")
        }
    }

    @Test func cancelAndCloseFollowTheTableAnd409WithTheRule() async throws {
        let test = try await TestApp.make()
        let (business, key) = try await test.makeTenant("elm-lettings")
        try await test.app.test(.router) { client in
            let id = try #require(try await client.call(.post, "/v1/tickets", key: key, json: Self.ticket).body.id)
            let neverBooked = try await client.call(.post, "/v1/tickets/\(id)/close", key: key)
            #expect(neverBooked.status == .conflict)
            #expect(neverBooked.body.errorCode == "illegal_transition")
            #expect(neverBooked.body["rule"] as? String
                    == "only a scheduled or escalated ticket can be closed; cancel a ticket that was never booked")
            #expect(neverBooked.body["from"] as? String == "new" && neverBooked.body["to"] as? String == "closed")

            let noReason = try await client.call(.post, "/v1/tickets/\(id)/cancel", key: key, json: [String: Any]())
            #expect(noReason.status == .unprocessableContent && noReason.body.errorField == "reason")
            let cancelled = try await client.call(.post, "/v1/tickets/\(id)/cancel", key: key, json: ["reason": "tenant fixed it"])
            #expect(cancelled.status == .ok)
            #expect(cancelled.body["state"] as? String == "cancelled")
            #expect(cancelled.body["closed_at"] is NSNull, "cancelled is not closed")
            let again = try await client.call(.post, "/v1/tickets/\(id)/cancel", key: key, json: ["reason": "again"])
            #expect(again.status == .conflict)
            #expect(again.body["rule"] as? String == "the ticket is already cancelled")
            #expect(again.body["from"] as? String == "cancelled" && again.body["to"] as? String == "cancelled")
            let reopen = try await client.call(.post, "/v1/tickets/\(id)/close", key: key)
            #expect(reopen.status == .conflict)
            #expect(reopen.body["rule"] as? String == "a cancelled ticket cannot be reopened; open a new ticket")

            // An escalated ticket (the booking loop's move) can be closed, with or without a reason.
            let other = try #require(try await client.call(.post, "/v1/tickets", key: key, json: Self.ticket).body.id)
            _ = try await test.services.repositories.tickets.transition(
                id: other, businessId: business.id, TicketStateChange(to: .escalated, actor: .system, reason: "no_candidates"))
            let closed = try await client.call(.post, "/v1/tickets/\(other)/close", key: key)
            #expect(closed.status == .ok)
            #expect(closed.body["state"] as? String == "closed")
            #expect(closed.body["closed_at"] is String)
            let unknown = try await client.call(.post, "/v1/tickets/\(UUID().uuidString)/cancel", key: key, json: ["reason": "x"])
            #expect(unknown.status == .notFound && unknown.body.errorCode == "not_found")
        }
    }

    @Test func theTimelineIsTheTicketsEventStream() async throws {
        let test = try await TestApp.make()
        let (business, key) = try await test.makeTenant("elm-lettings")
        try await test.app.test(.router) { client in
            let id = try #require(try await client.call(.post, "/v1/tickets", key: key, json: Self.ticket).body.id)
            _ = try await client.call(.patch, "/v1/tickets/\(id)", key: key, json: ["access_window": "any time"])
            _ = try await client.call(.post, "/v1/tickets/\(id)/cancel", key: key, json: ["reason": "duplicate of K7Q2"])
            let timeline = try await client.call(.get, "/v1/tickets/\(id)/timeline", key: key)
            #expect(timeline.status == .ok)
            #expect((timeline.body["ticket"] as? [String: Any])?["state"] as? String == "cancelled")
            let events = try #require(timeline.body["events"] as? [[String: Any]])
            #expect(events.compactMap { $0["type"] as? String } == ["ticket.opened", "ticket.updated", "ticket.state_changed"])
            #expect(events.compactMap { $0["sequence"] as? Int } == [1, 2, 3])
            #expect(events.allSatisfy { $0["stream"] as? String == "ticket:\(id)" })
            let payloads = events.compactMap { $0["payload"] as? [String: Any] }
            let actor = try #require(payloads.first?["actor"] as? [String: Any])
            #expect(actor["kind"] as? String == "admin")
            #expect(actor["id"] as? String == String(key.prefix(APIKey.displayPrefixLength)), "the key's display prefix, never the key")
            #expect(!String(decoding: try JSONSerialization.data(withJSONObject: timeline.body), as: UTF8.self).contains(key))
            #expect(payloads[1]["changed"] as? [String] == ["access_window"])
            #expect(payloads[2]["reason"] as? String == "duplicate of K7Q2")
            #expect(payloads[2]["from"] as? String == "new" && payloads[2]["to"] as? String == "cancelled")

            // The log's events rebuild the stored ticket.
            let stored = try await test.services.events.events(EventQuery(businessId: business.id, stream: .ticket(id)))
            #expect(try Ticket.rebuild(from: stored) == (try await test.services.repositories.tickets.get(id: id, businessId: business.id)))
        }
    }
}
