import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Server

/// Every CRM route with another business's key: 404 (or an empty list), never the other business's data, and
/// nothing of it changed.
@Suite struct CRMTenantIsolationTests {
    @Test func everyRouteHidesAnotherBusinessesCustomers() async throws {
        let crm = try await CRMTestApp.make()
        // B's customer with an appointment and an SMS conversation.
        let timestamp = Date()
        let (customer, conversation) = try await crm.test.services.database.dbPool.write { db in
            let customer = try CustomerDirectory.upsert(db, businessId: crm.b.id, phone: "+15557654321", name: "B's secret customer", source: "test", at: timestamp)
            let conversation = try CustomerDirectory.smsConversation(db, customer: customer, at: timestamp)
            try CustomerDirectory.append(db, to: conversation, direction: .inbound, body: "B's private text", twilioSid: "SMb", at: timestamp)
            return (customer, conversation)
        }
        try await crm.test.app.test(.router) { client in
            let booked = try await client.call(.post, "/v1/appointments", key: crm.keyB,
                                               json: ["customer_id": customer.id, "start": "2030-06-03T13:00", "notes": "B's notes"])
            #expect(booked.status == .created)
            let appointment = try #require(booked.body.id)

            let key = crm.keyA
            let probes: [(method: HTTPRequest.Method, uri: String, json: [String: Any]?)] = [
                (.get, "/v1/customers/\(customer.id)", nil),
                (.patch, "/v1/customers/\(customer.id)", ["name": "hijacked"]),
                (.delete, "/v1/customers/\(customer.id)", nil),
                (.get, "/v1/customers/\(customer.id)/timeline", nil),
                (.patch, "/v1/appointments/\(appointment)", ["status": "cancelled"]),
                (.get, "/v1/conversations/\(conversation.id)", nil),
            ]
            for probe in probes {
                let response = try await client.call(probe.method, probe.uri, key: key, json: probe.json)
                #expect(response.status == .notFound, "\(probe.method) \(probe.uri)")
                #expect(response.body.errorCode == "not_found")
                let text = String(decoding: try JSONSerialization.data(withJSONObject: response.body), as: UTF8.self)
                #expect(!text.contains("secret") && !text.contains("private") && !text.contains("7654321"), "\(probe.uri): \(text)")
            }
            // Lists and availability never show or count B's rows.
            #expect(try await client.call(.get, "/v1/customers", key: key).body.items.isEmpty)
            #expect(try await client.call(.get, "/v1/customers?phone=%2B15557654321", key: key).body.items.isEmpty)
            #expect(try await client.call(.get, "/v1/appointments", key: key).body.items.isEmpty)
            #expect(try await client.call(.get, "/v1/appointments?customer_id=\(customer.id)", key: key).body.items.isEmpty)
            let availability = try await client.call(.get, "/v1/appointments/availability?date=2030-06-03", key: key)
            #expect((availability.body["slots"] as? [Any])?.count == 9)
            // A cannot book on B's customer, and may book the time B has.
            let onB = try await client.call(.post, "/v1/appointments", key: key, json: ["customer_id": customer.id, "start": "2030-06-03T15:00"])
            #expect(onB.status == .unprocessableContent)
            let own = try await client.call(.post, "/v1/customers", key: key, json: ["phone": "+15557654321"])
            #expect(own.status == .created, "the same phone is a separate customer of A")
            #expect(try await client.call(.post, "/v1/appointments", key: key,
                                          json: ["customer_id": try #require(own.body.id), "start": "2030-06-03T13:00"]).status == .created)
            #expect(try await client.call(.get, "/v1/customers/\(try #require(own.body.id))/timeline", key: key).body.items.count == 1)

            // B's rows are as they were.
            let mine = try await client.call(.get, "/v1/customers/\(customer.id)", key: crm.keyB)
            #expect(mine.body["name"] as? String == "B's secret customer")
            let timeline = try await client.call(.get, "/v1/customers/\(customer.id)/timeline", key: crm.keyB)
            #expect(timeline.body.items.compactMap { $0["type"] as? String } == ["message", "appointment"])
            let thread = try await client.call(.get, "/v1/conversations/\(conversation.id)", key: crm.keyB)
            #expect((thread.body["messages"] as? [[String: Any]])?.first?["body"] as? String == "B's private text")
            #expect(try await client.call(.get, "/v1/appointments", key: crm.keyB).body.items.first?["status"] as? String == "booked")
        }
    }
}
