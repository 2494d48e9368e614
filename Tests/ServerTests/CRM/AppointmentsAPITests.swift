import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Server

/// `/v1/appointments` and the booking rules through the real router (2030 dates: always in the future).
@Suite struct AppointmentsAPITests {
    /// 2030-06-03 is a Monday; Chicago is UTC−5 then.
    static let monday = "2030-06-03"

    static func customer(_ client: some TestClientProtocol, key: String, phone: String = "+15557654321") async throws -> String {
        let response = try await client.call(.post, "/v1/customers", key: key, json: ["name": "Ann", "phone": phone])
        return try #require(response.body.id)
    }

    static func book(_ client: some TestClientProtocol, key: String, customer: String, start: String, end: String? = nil,
                     emergency: Bool = false) async throws -> (status: HTTPResponse.Status, body: [String: Any]) {
        var body: [String: Any] = ["customer_id": customer, "start": start, "service": "Drain cleaning", "is_emergency": emergency]
        if let end { body["end"] = end }
        return try await client.call(.post, "/v1/appointments", key: key, json: body)
    }

    @Test func bookingRulesAre409WithTheReason() async throws {
        let crm = try await CRMTestApp.make(settings: CRMTestApp.settings {
            $0.maxJobsPerDay = 3
            $0.travelBufferMinutes = 30
            $0.reserveMorningsForEmergencies = true
        })
        try await crm.test.app.test(.router) { client in
            let ann = try await Self.customer(client, key: crm.keyA)
            let first = try await Self.book(client, key: crm.keyA, customer: ann, start: "\(Self.monday)T13:00")
            #expect(first.status == .created)
            #expect(first.body["start"] as? String == "2030-06-03T13:00:00-05:00")
            #expect(first.body["end"] as? String == "2030-06-03T14:00:00-05:00", "end defaults to one slot")
            #expect(first.body["time_zone"] as? String == "America/Chicago")
            #expect(first.body["status"] as? String == "booked")
            #expect(first.body["service"] as? String == "Drain cleaning")

            let refusals: [(start: String, end: String?, emergency: Bool, code: String)] = [
                ("\(Self.monday)T13:30", nil, false, "overlaps"),
                ("\(Self.monday)T14:15", nil, false, "overlaps"),             // inside the 30-minute travel buffer
                ("\(Self.monday)T09:00", nil, false, "morning_reserved"),
                ("\(Self.monday)T07:00", nil, true, "outside_hours"),
                ("\(Self.monday)T16:30", nil, false, "outside_hours"),        // runs past 17:00
                ("2030-06-09T13:00", nil, false, "outside_hours"),             // Sunday
                ("2020-06-01T13:00", nil, false, "in_the_past"),
                ("\(Self.monday)T15:00", "\(Self.monday)T14:00", false, "invalid_range"),
            ]
            for refusal in refusals {
                let response = try await Self.book(client, key: crm.keyA, customer: ann, start: refusal.start, end: refusal.end,
                                                   emergency: refusal.emergency)
                #expect(response.status == .conflict, "\(refusal)")
                #expect(response.body.errorCode == refusal.code, "\(refusal): \(response.body)")
            }

            // An emergency may take a reserved morning; an offset in the request is honoured.
            let emergency = try await Self.book(client, key: crm.keyA, customer: ann, start: "2030-06-03T14:00:00Z", emergency: true)
            #expect(emergency.status == .created)
            #expect(emergency.body["start"] as? String == "2030-06-03T09:00:00-05:00")
            let third = try await Self.book(client, key: crm.keyA, customer: ann, start: "\(Self.monday)T15:00")
            #expect(third.status == .created)
            let full = try await Self.book(client, key: crm.keyA, customer: ann, start: "\(Self.monday)T16:30", end: "\(Self.monday)T17:00")
            #expect(full.status == .conflict)
            #expect(full.body.errorCode == "day_full")

            // Availability agrees: a full day has nothing; the next day offers afternoons only, unless for an emergency.
            let none = try await client.call(.get, "/v1/appointments/availability?date=\(Self.monday)", key: crm.keyA)
            #expect(none.status == .ok)
            #expect((none.body["slots"] as? [Any])?.isEmpty == true)
            let tuesday = try await client.call(.get, "/v1/appointments/availability?date=2030-06-04", key: crm.keyA)
            let slots = tuesday.body["slots"] as? [[String: String]] ?? []
            #expect(slots.map { $0["start"] } == ["12", "13", "14", "15", "16"].map { "2030-06-04T\($0):00:00-05:00" })
            #expect(tuesday.body["time_zone"] as? String == "America/Chicago")
            #expect(tuesday.body["slot_minutes"] as? Int == 60)
            let forEmergency = try await client.call(.get, "/v1/appointments/availability?date=2030-06-04&emergency=true", key: crm.keyA)
            #expect((forEmergency.body["slots"] as? [Any])?.count == 9)

            // Cancelling frees the day; rescheduling keeps the length and is checked.
            let firstId = try #require(first.body.id)
            let cancelled = try await client.call(.patch, "/v1/appointments/\(firstId)", key: crm.keyA, json: ["status": "cancelled"])
            #expect(cancelled.status == .ok)
            #expect(cancelled.body["status"] as? String == "cancelled")
            let freed = try await client.call(.get, "/v1/appointments/availability?date=\(Self.monday)", key: crm.keyA)
            #expect((freed.body["slots"] as? [[String: String]])?.map { $0["start"] } == ["2030-06-03T12:00:00-05:00", "2030-06-03T13:00:00-05:00"])
            let thirdId = try #require(third.body.id)
            let moved = try await client.call(.patch, "/v1/appointments/\(thirdId)", key: crm.keyA, json: ["start": "\(Self.monday)T12:30"])
            #expect(moved.status == .ok)
            #expect(moved.body["end"] as? String == "2030-06-03T13:30:00-05:00")
            let clash = try await client.call(.patch, "/v1/appointments/\(thirdId)", key: crm.keyA, json: ["start": "\(Self.monday)T09:30"])
            #expect(clash.status == .conflict)
            #expect(clash.body.errorCode == "morning_reserved")
            // Making the cancelled one active again is checked too: 13:00 now clashes with 12:30–13:30.
            let revived = try await client.call(.patch, "/v1/appointments/\(firstId)", key: crm.keyA, json: ["status": "booked"])
            #expect(revived.status == .conflict)
            #expect(revived.body.errorCode == "overlaps")
            let done = try await client.call(.patch, "/v1/appointments/\(thirdId)", key: crm.keyA, json: ["status": "completed", "notes": "Cleared"])
            #expect(done.body["status"] as? String == "completed")

            let list = try await client.call(.get, "/v1/appointments?from=\(Self.monday)&to=2030-06-04", key: crm.keyA)
            #expect(list.body.items.compactMap { $0["start"] as? String }
                == ["2030-06-03T09:00:00-05:00", "2030-06-03T12:30:00-05:00", "2030-06-03T13:00:00-05:00"])
            let cancelledOnly = try await client.call(.get, "/v1/appointments?status=cancelled", key: crm.keyA)
            #expect(cancelledOnly.body.items.compactMap(\.id) == [firstId])
            let byCustomer = try await client.call(.get, "/v1/appointments?customer_id=\(ann)&limit=2", key: crm.keyA)
            #expect(byCustomer.body.items.count == 2)
            #expect(byCustomer.body["next_cursor"] is String)
        }
    }

    @Test func badAppointmentInputIs4xx() async throws {
        let crm = try await CRMTestApp.make()
        try await crm.test.app.test(.router) { client in
            let ann = try await Self.customer(client, key: crm.keyA)
            typealias Case = (body: [String: Any], status: HTTPResponse.Status, field: String?)
            let cases: [Case] = [
                (["customer_id": ann, "start": "tomorrow at 9"], .unprocessableContent, "start"),
                (["customer_id": ann, "start": "2030-03-11T02:30", "end": "2030-03-10T02:30"], .unprocessableContent, "end"),  // DST gap in Chicago
                (["customer_id": ann], .unprocessableContent, "start"),
                (["start": "2030-06-03T13:00"], .unprocessableContent, "customer_id"),
                (["customer_id": "no-such-customer", "start": "2030-06-03T13:00"], .unprocessableContent, "customer_id"),
                (["customer_id": ann, "start": "2030-06-03T13:00", "status": "completed"], .unprocessableContent, "status"),
                (["customer_id": ann, "start": "2030-06-03T13:00", "source_call_sid": "CAnope"], .unprocessableContent, "source_call_sid"),
                (["customer_id": ann, "start": "2030-06-03T13:00", "colour": "red"], .unprocessableContent, "colour"),
                (["customer_id": ann, "start": "2030-06-03T13:00", "status": "maybe"], .badRequest, nil),
                (["customer_id": ann, "start": 1_900_000_000], .badRequest, nil),
            ]
            for testCase in cases {
                let response = try await client.call(.post, "/v1/appointments", key: crm.keyA, json: testCase.body)
                #expect(response.status == testCase.status, "\(testCase.body): \(response.body)")
                if let field = testCase.field { #expect(response.body.errorField == field, "\(testCase.body): \(response.body)") }
            }
            #expect(try await client.call(.get, "/v1/appointments", key: crm.keyA).body.items.isEmpty)

            for query in ["", "?date=2030-02-30", "?date=tomorrow", "?date=2030-06-03&emergency=maybe"] {
                let response = try await client.call(.get, "/v1/appointments/availability\(query)", key: crm.keyA)
                #expect(response.status == .badRequest, "\(query)")
            }
            #expect(try await client.call(.get, "/v1/appointments?from=soon", key: crm.keyA).status == .badRequest)
            #expect(try await client.call(.get, "/v1/appointments?status=maybe", key: crm.keyA).status == .badRequest)
            #expect(try await client.call(.patch, "/v1/appointments/nope", key: crm.keyA, json: ["status": "cancelled"]).status == .notFound)
            let booked = try await Self.book(client, key: crm.keyA, customer: ann, start: "2030-06-03T13:00")
            let id = try #require(booked.body.id)
            let nullStatus: [String: Any] = ["status": NSNull()]
            let nulled = try await client.call(.patch, "/v1/appointments/\(id)", key: crm.keyA, json: nullStatus)
            #expect(nulled.status == .unprocessableContent)
            let otherCustomer: [String: Any] = ["customer_id": ann]
            let reassigned = try await client.call(.patch, "/v1/appointments/\(id)", key: crm.keyA, json: otherCustomer)
            #expect(reassigned.status == .unprocessableContent)
        }
    }

    /// A day with the spring-forward jump, open around the clock: 23 hourly slots, none at 02:00.
    @Test func availabilityOnADSTDay() async throws {
        let allDay = Dictionary(uniqueKeysWithValues: Weekday.allCases.map { ($0, DayHours(open: "00:00", close: "24:00")) })
        let crm = try await CRMTestApp.make(settings: ReceptionistSettings(businessHours: allDay))
        try await crm.test.app.test(.router) { client in
            let response = try await client.call(.get, "/v1/appointments/availability?date=2030-03-10", key: crm.keyA)
            let starts = (response.body["slots"] as? [[String: String]] ?? []).compactMap { $0["start"] }
            #expect(starts.count == 23)
            #expect(starts.prefix(3) == ["2030-03-10T00:00:00-06:00", "2030-03-10T01:00:00-06:00", "2030-03-10T03:00:00-05:00"])
        }
    }
}
