import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Server

/// Two plumbers in Chicago for CRM tests: `a` answers +15550100000, `b` answers +15550200000.
struct CRMTestApp {
    static let numberA = "+15550100000"
    static let numberB = "+15550200000"

    let test: TestApp
    let a: Business
    let keyA: String
    let b: Business
    let keyB: String

    /// Monday–Friday 08:00–17:00.
    static func settings(_ change: (inout ReceptionistSettings) -> Void = { _ in }) -> ReceptionistSettings {
        var settings = ReceptionistSettings()
        for day in [Weekday.monday, .tuesday, .wednesday, .thursday, .friday] {
            settings.businessHours[day] = DayHours(open: "08:00", close: "17:00")
        }
        change(&settings)
        return settings
    }

    static func make(settings: ReceptionistSettings = settings(), configure: (inout AppConfig) -> Void = { _ in },
                     now: @escaping @Sendable () -> Date = Date.init) async throws -> CRMTestApp {
        let test = try await TestApp.make(configure: configure, now: now)
        let a = try await test.services.businesses.create(NewBusiness(
            slug: "rapid-rooter", name: "Rapid Rooter", timeZone: "America/Chicago", settings: settings, numbers: [numberA]))
        let b = try await test.services.businesses.create(NewBusiness(
            slug: "other-plumber", name: "Other Plumber", timeZone: "America/Chicago", settings: settings, numbers: [numberB]))
        return CRMTestApp(test: test, a: a, keyA: try await test.services.apiKeys.rotate(businessId: a.id),
                          b: b, keyB: try await test.services.apiKeys.rotate(businessId: b.id))
    }
}

extension Dictionary where Key == String, Value == Any {
    var items: [[String: Any]] { self["items"] as? [[String: Any]] ?? [] }
    var errorField: String? { (((self["error"] as? [String: Any])?["details"] as? [[String: Any]])?.first)?["field"] as? String }
    var id: String? { self["id"] as? String }
}
