import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Server

/// `/v1/customers` through the real router.
@Suite struct CustomersAPITests {
    @Test func createReadChangeAndDeleteACustomer() async throws {
        let crm = try await CRMTestApp.make()
        try await crm.test.app.test(.router) { client in
            let created = try await client.call(.post, "/v1/customers", key: crm.keyA, json: [
                "name": "Ann Lee", "phone": "+1 (555) 010-2000", "email": "ann@example.com", "address": "14 Elm Road",
            ])
            #expect(created.status == .created)
            #expect(created.body["phone"] as? String == "+15550102000")
            #expect(created.body["sms_opt_out"] as? Bool == false)
            #expect(created.body["notes"] is NSNull)
            let id = try #require(created.body.id)

            // A national number takes the country code of the business's first number.
            let national = try await client.call(.post, "/v1/customers", key: crm.keyA, json: ["phone": "(555) 010-2001"])
            #expect(national.status == .created)
            #expect(national.body["phone"] as? String == "+15550102001")

            // Merged by phone: the same number in another spelling is taken.
            let duplicate = try await client.call(.post, "/v1/customers", key: crm.keyA, json: ["phone": "555.010.2000"])
            #expect(duplicate.status == .conflict)
            // …but another business may have the same customer.
            #expect(try await client.call(.post, "/v1/customers", key: crm.keyB, json: ["phone": "+15550102000"]).status == .created)

            let list = try await client.call(.get, "/v1/customers", key: crm.keyA)
            #expect(list.body.items.compactMap { $0["phone"] as? String } == ["+15550102000", "+15550102001"])
            let byPhone = try await client.call(.get, "/v1/customers?phone=5550102000", key: crm.keyA)
            #expect(byPhone.body.items.compactMap(\.id) == [id])
            let byText = try await client.call(.get, "/v1/customers?text=elm", key: crm.keyA)
            #expect(byText.body.items.compactMap(\.id) == [id])
            let page = try await client.call(.get, "/v1/customers?limit=1", key: crm.keyA)
            #expect(page.body.items.count == 1)
            let cursor = try #require(page.body["next_cursor"] as? String)
            let second = try await client.call(.get, "/v1/customers?limit=1&cursor=\(cursor)", key: crm.keyA)
            #expect(second.body.items.first?["phone"] as? String == "+15550102001")
            #expect(second.body["next_cursor"] == nil)

            let patched = try await client.call(.patch, "/v1/customers/\(id)", key: crm.keyA,
                                                json: ["name": NSNull(), "notes": "Dog in the yard", "sms_opt_out": true])
            #expect(patched.status == .ok)
            #expect(patched.body["name"] is NSNull)
            #expect(patched.body["notes"] as? String == "Dog in the yard")
            #expect(patched.body["email"] as? String == "ann@example.com")
            #expect(patched.body["sms_opt_out"] as? Bool == true)
            #expect(patched.body["sms_opt_out_at"] is String)
            #expect(try await client.call(.patch, "/v1/customers/\(id)", key: crm.keyA, json: ["phone": "+15550102001"]).status == .conflict)

            #expect(try await client.call(.get, "/v1/customers/\(id)", key: crm.keyA).body["notes"] as? String == "Dog in the yard")
            #expect(try await client.call(.delete, "/v1/customers/\(id)", key: crm.keyA).status == .noContent)
            #expect(try await client.call(.get, "/v1/customers/\(id)", key: crm.keyA).status == .notFound)
            #expect(try await client.call(.delete, "/v1/customers/\(id)", key: crm.keyA).status == .notFound)
        }
    }

    @Test(arguments: [
        (#"{"phone": "12"}"#, "phone"),
        (#"{"phone": "call me"}"#, "phone"),
        (#"{"phone": "+1 555 CALL NOW"}"#, "phone"),
        (#"{"phone": "+0441632960999"}"#, "phone"),
        (#"{"phone": null}"#, "phone"),
        (#"{"name": "No Phone"}"#, "phone"),
        (#"{"phone": "+15550102000", "email": "not-an-email"}"#, "email"),
        ("{\"phone\": \"+15550102000\", \"name\": \"\(String(repeating: "x", count: 501))\"}", "name"),
        (#"{"phone": "+15550102000", "nickname": "Al"}"#, "nickname"),
    ])
    func invalidCustomersAre422NamingTheField(body: String, field: String) async throws {
        let crm = try await CRMTestApp.make()
        try await crm.test.app.test(.router) { client in
            let response = try await client.call(.post, "/v1/customers", key: crm.keyA, raw: body)
            #expect(response.status == .unprocessableContent, "\(body)")
            #expect(response.body.errorField == field, "\(response.body)")
            #expect(try await client.call(.get, "/v1/customers", key: crm.keyA).body.items.isEmpty)
        }
    }

    @Test func badInputOnTheOtherRoutes() async throws {
        let crm = try await CRMTestApp.make()
        try await crm.test.app.test(.router) { client in
            let badPhone = try await client.call(.get, "/v1/customers?phone=abc", key: crm.keyA)
            #expect(badPhone.status == .unprocessableContent)
            #expect(try await client.call(.get, "/v1/customers?limit=0", key: crm.keyA).status == .badRequest)
            #expect(try await client.call(.get, "/v1/customers?cursor=%%%", key: crm.keyA).status.code / 100 == 4)
            #expect(try await client.call(.post, "/v1/customers", key: crm.keyA, raw: "{", contentType: "application/json").status == .badRequest)
            #expect(try await client.call(.patch, "/v1/customers/nope", key: crm.keyA, json: ["name": "X"]).status == .notFound)
            #expect(try await client.call(.get, "/v1/customers/nope/timeline", key: crm.keyA).status == .notFound)
            #expect(try await client.call(.get, "/v1/conversations/nope", key: crm.keyA).status == .notFound)
            #expect(try await client.call(.get, "/v1/customers", key: nil).status == .unauthorized)
            #expect(try await client.call(.get, "/v1/appointments", key: "wrong").status == .unauthorized)
        }
    }
}

struct PhoneNormalizationTests {
    @Test(arguments: [
        ("+1 (555) 010-2000", "1", "+15550102000"),
        ("(555) 010-2000", "1", "+15550102000"),
        ("1-555-010-2000", "1", "+15550102000"),
        ("555.010.2000", "1", "+15550102000"),
        ("020 7946 0018", "44", "+442079460018"),
        ("0044 20 7946 0018", "1", "+442079460018"),
        ("+44 (0)20", "44", nil),
        ("+442079460018", nil, "+442079460018"),
        ("5550102000", nil, nil),
        ("555-0100", "1", nil),
        ("+1 555 010 2000 ext 5", "1", nil),
        ("", "1", nil),
        ("++15550102000", "1", nil),
    ] as [(String, String?, String?)])
    func normalised(input: String, country: String?, expected: String?) {
        #expect(PhoneNumber.normalized(input, defaultCountryCode: country) == expected)
    }

    @Test func localDateTimesReadInTheBusinessZone() throws {
        let chicago = try #require(TimeZone(identifier: "America/Chicago"))
        let utc = try #require(TimeZone(identifier: "UTC"))
        let nine = try #require(LocalDateTime.parse("2030-06-03T09:00", in: chicago))
        #expect(LocalDateTime.format(nine, in: utc) == "2030-06-03T14:00:00Z")
        #expect(LocalDateTime.format(nine, in: chicago) == "2030-06-03T09:00:00-05:00")
        #expect(LocalDateTime.parse("2030-06-03T09:00:00-05:00", in: utc) == nine)
        #expect(LocalDateTime.parse("2030-06-03T14:00:00Z", in: chicago) == nine)
        #expect(LocalDateTime.parse("2030-06-03 09:00:00", in: chicago) == nine)
        // A wall time skipped by the spring-forward jump, impossible dates and other text are nil.
        #expect(LocalDateTime.parse("2030-03-10T02:30", in: chicago) == nil)
        #expect(LocalDateTime.parse("2030-02-30T09:00", in: chicago) == nil)
        #expect(LocalDateTime.parse("2030-06-03T24:00", in: chicago) == nil)
        #expect(LocalDateTime.parse("tomorrow at 9", in: chicago) == nil)
        #expect(LocalDateTime.parse("2030-06-03", in: chicago) == nil)
    }
}
