import Foundation
import HummingbirdTesting
import Testing
@testable import Server

/// `/v1/dispatch/settings` through the router: defaults, a whole replacement, 422s that store nothing, unknown
/// fields refused, and each business's own settings only.
@Suite struct DispatchSettingsAPITests {
    @Test func settingsAreReadReplacedValidatedAndKeptPerBusiness() async throws {
        let test = try await TestApp.make()
        let (_, key) = try await test.makeTenant("elm-lettings")
        let (_, otherKey) = try await test.makeTenant("oak-lettings")
        try await test.app.test(.router) { client in
            let defaults = try await client.call(.get, "/v1/dispatch/settings", key: key)
            #expect(defaults.status == .ok)
            #expect((defaults.body["offer_timeouts"] as? [String: Any])?["emergency_minutes"] as? Int == 15)
            #expect(defaults.body["reminder_lead_minutes"] as? [Int] == [1440, 60])
            #expect((defaults.body["landlord_contacts"] as? [Any])?.isEmpty == true)

            let replaced = try await client.call(.put, "/v1/dispatch/settings", key: key, json: [
                "offer_timeouts": ["emergency_minutes": 10, "urgent_minutes": 45, "routine_minutes": 180],
                "landlord_contacts": [["name": "Dana (owner)", "phone": "+15550109999"]],
            ])
            #expect(replaced.status == .ok, "\(replaced.body)")
            let read = try await client.call(.get, "/v1/dispatch/settings", key: key)
            #expect((read.body["offer_timeouts"] as? [String: Any])?["urgent_minutes"] as? Int == 45)
            #expect(read.body["auto_close_after_minutes"] as? Int == 1440, "a field left out takes its default")
            #expect(((read.body["landlord_contacts"] as? [[String: Any]])?.first)?["phone"] as? String == "+15550109999")

            for body: [String: Any] in [["offer_timeouts": ["emergency_minutes": 0]],
                                        ["landlord_contacts": [["name": "Dana", "phone": "555-0100"]]],
                                        ["escalation_attempts_per_contact": 0]] {
                let refused = try await client.call(.put, "/v1/dispatch/settings", key: key, json: body)
                #expect(refused.status == .unprocessableContent, "\(body): \(refused.status) \(refused.body)")
            }
            let unknown = try await client.call(.put, "/v1/dispatch/settings", key: key, json: ["offer_timeout": [:]])
            #expect(unknown.status == .unprocessableContent || unknown.status == .badRequest, "\(unknown.body)")
            #expect((try await client.call(.get, "/v1/dispatch/settings", key: key).body["offer_timeouts"] as? [String: Any])?["urgent_minutes"] as? Int == 45,
                    "refused changes stored nothing")

            let other = try await client.call(.get, "/v1/dispatch/settings", key: otherKey)
            #expect((other.body["offer_timeouts"] as? [String: Any])?["urgent_minutes"] as? Int == 60, "another business keeps its defaults")
            #expect(try await client.call(.get, "/v1/dispatch/settings", key: nil).status == .unauthorized)
        }
    }
}
