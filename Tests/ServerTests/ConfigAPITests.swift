import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Server

/// `/v1/config` through the real router and SQLite.
struct ConfigAPITests {
    static var fullSettings: [String: Any] { [
        "greeting": "Brightwater Plumbing, you're speaking to our assistant.",
        "business_hours": [
            "monday": ["open": "08:00", "close": "18:00"],
            "saturday": ["open": "09:00", "close": "12:30"],
        ],
        "transfer_number": "+441632960999",
        "emergency_phrases": ["gas leak", "flooding"],
        "answer_confidence_threshold": 0.6,
        "voice": "Polly.Amy",
        "language": "en-GB",
    ] }

    @Test func getReturnsDefaultsAndPutReplacesTheSettingsLive() async throws {
        let test = try await TestApp.make()
        let (business, key) = try await test.makeTenant("brightwater")
        let (other, otherKey) = try await test.makeTenant("other")
        try await test.app.test(.router) { client in
            let defaults = try await client.call(.get, "/v1/config", key: key)
            #expect(defaults.status == .ok)
            #expect(defaults.body["greeting"] as? String == ReceptionistSettings.defaultGreeting)
            #expect(defaults.body["answer_confidence_threshold"] as? Double == ReceptionistSettings.defaultAnswerConfidenceThreshold)
            #expect(defaults.body["transfer_number"] is NSNull)
            #expect((defaults.body["business_hours"] as? [String: Any])?.isEmpty == true)
            #expect(defaults.body["emergency_phrases"] as? [String] == [])
            // Booking rules and owner alerts.
            #expect(defaults.body["slot_minutes"] as? Int == 60)
            #expect(defaults.body["max_jobs_per_day"] is NSNull)
            #expect(defaults.body["travel_buffer_minutes"] as? Int == 0)
            #expect(defaults.body["reserve_mornings_for_emergencies"] as? Bool == false)
            #expect(defaults.body["default_reminder_hours"] as? Int == 24)
            #expect(defaults.body["owner_phone"] is NSNull)
            let booking = try await client.call(.put, "/v1/config", key: otherKey, json: [
                "slot_minutes": 90, "max_jobs_per_day": 4, "travel_buffer_minutes": 20, "reserve_mornings_for_emergencies": true,
                "default_reminder_hours": 2, "owner_phone": "+15550109999",
            ])
            #expect(booking.status == .ok)
            #expect(booking.body["slot_minutes"] as? Int == 90)
            #expect(booking.body["max_jobs_per_day"] as? Int == 4)
            #expect(booking.body["owner_phone"] as? String == "+15550109999")
            #expect(try await test.services.businesses.get(id: other.id)?.settings.reserveMorningsForEmergencies == true)
            _ = try await client.call(.put, "/v1/config", key: otherKey, json: [String: Any]())

            let put = try await client.call(.put, "/v1/config", key: key, json: Self.fullSettings)
            #expect(put.status == .ok)
            #expect(put.body["greeting"] as? String == "Brightwater Plumbing, you're speaking to our assistant.")
            #expect(put.body["transfer_number"] as? String == "+441632960999")
            #expect(put.body["answer_confidence_threshold"] as? Double == 0.6)
            let hours = put.body["business_hours"] as? [String: [String: String]]
            #expect(hours?["saturday"] == ["open": "09:00", "close": "12:30"])
            #expect(hours?.count == 2)

            // The very next request sees it, and so does everything that reads the business.
            let read = try await client.call(.get, "/v1/config", key: key)
            #expect(try JSONSerialization.data(withJSONObject: read.body, options: .sortedKeys)
                == JSONSerialization.data(withJSONObject: put.body, options: .sortedKeys))
            let stored = try #require(try await test.services.businesses.get(id: business.id)).settings
            #expect(stored == ReceptionistSettings(
                greeting: "Brightwater Plumbing, you're speaking to our assistant.",
                businessHours: [.monday: DayHours(open: "08:00", close: "18:00"), .saturday: DayHours(open: "09:00", close: "12:30")],
                transferNumber: "+441632960999", emergencyPhrases: ["gas leak", "flooding"],
                answerConfidenceThreshold: 0.6, voice: "Polly.Amy", language: "en-GB"))
            let viaAdmin = try await client.admin(.get, "/v1/admin/businesses/\(business.id)")
            #expect((viaAdmin.body["settings"] as? [String: Any])?["voice"] as? String == "Polly.Amy")

            // Another business is untouched.
            #expect(try await client.call(.get, "/v1/config", key: otherKey).body["voice"] as? String == ReceptionistSettings.defaultVoice)
            #expect(try await test.services.businesses.get(id: other.id)?.settings == ReceptionistSettings())

            // PUT replaces the whole object: fields left out go back to their defaults.
            let partial = try await client.call(.put, "/v1/config", key: key, json: ["greeting": "Hello!"])
            #expect(partial.status == .ok)
            #expect(partial.body["greeting"] as? String == "Hello!")
            #expect(partial.body["transfer_number"] is NSNull)
            #expect(partial.body["voice"] as? String == ReceptionistSettings.defaultVoice)

            // An admin's change to the settings is what the business reads next.
            _ = try await client.admin(.patch, "/v1/admin/businesses/\(business.id)", json: ["settings": ["greeting": "From the operator"]])
            #expect(try await client.call(.get, "/v1/config", key: key).body["greeting"] as? String == "From the operator")
        }
    }

    @Test func invalidSettingsAre422NamingTheFieldAndChangeNothing() async throws {
        let test = try await TestApp.make()
        let (business, key) = try await test.makeTenant("acme")
        try await test.app.test(.router) { client in
            #expect(try await client.call(.put, "/v1/config", key: key, json: Self.fullSettings).status == .ok)
            let before = try #require(try await test.services.businesses.get(id: business.id))

            let cases: [(changes: [String: Any], field: String)] = [
                (["answer_confidence_threshold": 1.5], "answer_confidence_threshold"),
                (["answer_confidence_threshold": -0.1], "answer_confidence_threshold"),
                (["transfer_number": "555-1234"], "transfer_number"),
                (["transfer_number": "+0441632960999"], "transfer_number"),
                (["business_hours": ["monday": ["open": "25:00", "close": "26:00"]]], "business_hours.monday"),
                (["business_hours": ["tuesday": ["open": "9:00", "close": "17:00"]]], "business_hours.tuesday"),
                (["business_hours": ["wednesday": ["open": "17:00", "close": "09:00"]]], "business_hours.wednesday"),
                (["voice": ""], "voice"),
                (["language": ""], "language"),
                (["answer_threshold": 0.9], "answer_threshold"),
                (["slot_minutes": 0], "slot_minutes"),
                (["slot_minutes": 481], "slot_minutes"),
                (["max_jobs_per_day": 0], "max_jobs_per_day"),
                (["travel_buffer_minutes": -5], "travel_buffer_minutes"),
                (["default_reminder_hours": 200], "default_reminder_hours"),
                (["owner_phone": "555 0100"], "owner_phone"),
            ]
            for (changes, field) in cases {
                let body = Self.fullSettings.merging(changes) { $1 }
                let response = try await client.call(.put, "/v1/config", key: key, json: body)
                #expect(response.status == .unprocessableContent, "\(changes)")
                let error = try #require(response.body["error"] as? [String: Any])
                let message = error["message"] as? String ?? ""
                #expect(message.hasPrefix(field) || message.contains("\"\(field)\""), "\(changes): \(message)")
                let detail = (error["details"] as? [[String: Any]])?.first
                #expect(detail?["field"] as? String == field, "\(changes)")
            }

            // Wrong JSON types and malformed bodies are 400s.
            let wrongType = try await client.call(.put, "/v1/config", key: key, json: ["answer_confidence_threshold": "high"])
            #expect(wrongType.status == .badRequest)
            #expect(wrongType.body.errorCode == "invalid_field")
            #expect(((wrongType.body["error"] as? [String: Any])?["message"] as? String)?.contains("answer_confidence_threshold") == true)
            let badDay = try await client.call(.put, "/v1/config", key: key,
                                               json: ["business_hours": ["funday": ["open": "09:00", "close": "17:00"]]])
            #expect(badDay.status == .badRequest)
            let malformed = try await client.call(.put, "/v1/config", key: key, raw: "{\"greeting\": \"Hi\"", contentType: "application/json")
            #expect(malformed.status == .badRequest)
            #expect(malformed.body.errorCode == "invalid_json")
            let empty = try await client.call(.put, "/v1/config", key: key, raw: "", contentType: "application/json")
            #expect(empty.status == .badRequest)
            let notAnObject = try await client.call(.put, "/v1/config", key: key, json: ["greeting", "Hi"])
            #expect(notAnObject.status == .badRequest)

            #expect(try await test.services.businesses.get(id: business.id) == before)
        }
    }

    @Test func configNeedsAnActiveBusinessKey() async throws {
        let test = try await TestApp.make()
        try await test.app.test(.router) { client async throws in
            #expect(try await client.call(.get, "/v1/config", key: nil).status == .unauthorized)
            #expect(try await client.call(.put, "/v1/config", key: nil, json: ["greeting": "Hi"]).status == .unauthorized)
            #expect(try await client.call(.get, "/v1/config", key: "fd_live_wrongwrongwrongwrongwrongwrong12").status == .unauthorized)
        }
    }
}
