import Foundation
import Hummingbird
import Maintenance

/// `/v1/dispatch/settings`: the business's booking-loop settings (offer timeouts per priority, reminder leads,
/// auto-close, escalation attempts and gap, landlord contacts), read and replaced whole with its `X-API-Key`. A
/// field left out takes its default; a bad value is a 422 naming the field, and nothing is stored.
struct DispatchSettingsController {
    let dispatch: any DispatchRepository

    static let fieldNames: Set<String> = [
        "offer_timeouts", "reminder_lead_minutes", "auto_close_after_minutes", "escalation_attempts_per_contact",
        "escalation_attempt_gap_minutes", "landlord_contacts",
    ]
    static let nestedFieldNames: [String: Set<String>] = [
        "offer_timeouts": ["emergency_minutes", "urgent_minutes", "routine_minutes"],
    ]

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(use: get)
        group.put(use: replace)
    }

    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        return try JSONResponse.make(try await dispatch.settings(businessId: business.id))
    }

    @Sendable func replace(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let data = try await request.collectBody(upTo: AppLimits.maxJSONBytes)
        try JSONRequestDecoder.rejectUnknownFields(in: data, allowed: Self.fieldNames, nested: Self.nestedFieldNames)
        let settings = try JSONRequestDecoder.decode(DispatchSettings.self, from: data)
        let saved = try await validatingFields { try await dispatch.saveSettings(settings, businessId: business.id) }
        context.logger.info("dispatch settings replaced")
        return try JSONResponse.make(saved)
    }
}
