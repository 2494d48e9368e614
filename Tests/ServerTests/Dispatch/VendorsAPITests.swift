import Foundation
import HTTPTypes
import HummingbirdTesting
import Maintenance
import Testing
@testable import Server

/// `/v1/vendors` through the router.
@Suite struct VendorsAPITests {
    static var vendor: [String: Any] { [
        "name": "Acme Plumbing", "phone": "+15550103000", "trades": ["plumbing", "HVAC"], "service_areas": ["606", "sw1a"],
        "working_hours": ["monday": ["open": "08:00", "close": "17:00"], "saturday": ["open": "09:00", "close": "12:00"]],
    ] }

    @Test func vendorsAreAddedChangedAndListed() async throws {
        let test = try await TestApp.make()
        let (_, key) = try await test.makeTenant("elm-lettings")
        try await test.app.test(.router) { client in
            let created = try await client.call(.post, "/v1/vendors", key: key, json: Self.vendor)
            #expect(created.status == .created)
            #expect(created.body["trades"] as? [String] == ["plumbing", "hvac"])
            #expect(created.body["service_areas"] as? [String] == ["606", "SW1A"])
            #expect(created.body["active"] as? Bool == true && created.body["opted_out"] as? Bool == false)
            let hours = try #require(created.body["working_hours"] as? [String: [String: String]])
            #expect(hours["monday"] == ["open": "08:00", "close": "17:00"] && hours.count == 2)
            let id = try #require(created.body.id)

            let duplicate = try await client.call(.post, "/v1/vendors", key: key, json: Self.vendor)
            #expect(duplicate.status == .conflict)
            let anyTime = try await client.call(.patch, "/v1/vendors/\(id)", key: key, json: ["working_hours": NSNull(), "active": false])
            #expect(anyTime.status == .ok)
            #expect(anyTime.body["working_hours"] is NSNull && anyTime.body["active"] as? Bool == false)
            let optIn = try await client.call(.patch, "/v1/vendors/\(id)", key: key, json: ["opted_out": false])
            #expect(optIn.status == .unprocessableContent && optIn.body.errorCode == "opted_out_not_patchable")

            let electrician = try await client.call(.post, "/v1/vendors", key: key,
                                                    json: ["name": "Bolt Electric", "phone": "+15550104000", "trades": ["electrical"]])
            #expect(electrician.status == .created)
            #expect(electrician.body["service_areas"] as? [String] == [] && electrician.body["working_hours"] is NSNull)
            func listed(_ query: String) async throws -> [String] {
                try await client.call(.get, "/v1/vendors?\(query)", key: key).body.items.compactMap(\.id)
            }
            #expect(try await listed("trade=hvac") == [id])
            #expect(try await listed("active=true") == [try #require(electrician.body.id)])
            #expect(try await listed("active=false") == [id])
            #expect(try await client.call(.get, "/v1/vendors?active=maybe", key: key).status == .badRequest)
            #expect(try await client.call(.get, "/v1/vendors?trade=magic", key: key).status == .badRequest)
            #expect(try await client.call(.get, "/v1/vendors/\(id)", key: key).body["name"] as? String == "Acme Plumbing")
        }
    }

    @Test func badVendorsAreRefusedNamingTheField() async throws {
        let test = try await TestApp.make()
        let (_, key) = try await test.makeTenant("elm-lettings")
        try await test.app.test(.router) { client in
            func with(_ change: [String: Any]) -> [String: Any] { Self.vendor.merging(change) { _, new in new } }
            let cases: [([String: Any], String)] = [
                (with(["trades": ["plumbing", "carpentry"]]), "trades"), (with(["trades": [String]()]), "trades"),
                (with(["phone": "555-0103"]), "phone"), (with(["service_areas": ["60614 #2"]]), "service_areas"),
                (with(["working_hours": ["funday": ["open": "08:00", "close": "17:00"]]]), "working_hours"),
                (with(["working_hours": ["monday": ["open": "17:00", "close": "08:00"]]]), "working_hours.monday"),
                (with(["name": " "]), "name"),
            ]
            for (body, field) in cases {
                let response = try await client.call(.post, "/v1/vendors", key: key, json: body)
                #expect(response.status == .unprocessableContent, "\(field)")
                #expect(response.body.errorField == field, "\(response.body)")
            }
            #expect(try await client.call(.post, "/v1/vendors", key: key, json: with(["rating": 5])).body.errorCode == "unknown_field")
            #expect(try await client.call(.get, "/v1/vendors", key: key).body.items.isEmpty)
        }
    }

    @Test func deletingKeepsVendorsThatTicketsReferTo() async throws {
        let test = try await TestApp.make()
        let (business, key) = try await test.makeTenant("elm-lettings")
        try await test.app.test(.router) { client in
            let unused = try #require(try await client.call(.post, "/v1/vendors", key: key, json: Self.vendor).body.id)
            let booked = try #require(try await client.call(.post, "/v1/vendors", key: key,
                                                            json: Self.vendor.merging(["phone": "+15550103001"]) { _, new in new }).body.id)
            let ticket = try #require(try await client.call(.post, "/v1/tickets", key: key, json: TicketsAPITests.ticket).body.id)
            _ = try await test.services.repositories.tickets.transition(id: ticket, businessId: business.id, TicketStateChange(
                to: .scheduled, actor: TicketActor(.admin), vendorId: .some(booked)))

            let deleted = try await client.call(.delete, "/v1/vendors/\(unused)", key: key)
            #expect(deleted.status == .noContent)
            #expect(try await client.call(.get, "/v1/vendors/\(unused)", key: key).status == .notFound)
            let kept = try await client.call(.delete, "/v1/vendors/\(booked)", key: key)
            #expect(kept.status == .ok)
            #expect(kept.body["active"] as? Bool == false)
            #expect(try await client.call(.get, "/v1/tickets/\(ticket)", key: key).body["vendor_id"] as? String == booked)
            #expect(try await client.call(.delete, "/v1/vendors/\(unused)", key: key).status == .notFound)
        }
    }
}
