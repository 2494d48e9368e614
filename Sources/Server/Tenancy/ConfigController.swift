import Foundation
import Hummingbird

/// `/v1/config`: a business reads and replaces its own receptionist settings with its `X-API-Key`.
///
/// A change is live at once: nothing caches settings; every call reads the business (and so its settings)
/// afresh when it authenticates.
struct ConfigController {
    let businesses: any BusinessRepository

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(use: get)
        group.put(use: replace)
    }

    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(SettingsResponse(try context.requireBusiness().settings))
    }

    /// Replaces the whole settings object; a field left out takes its default.
    @Sendable func replace(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let data = try await request.collectBody(upTo: AppLimits.maxJSONBytes)
        try JSONRequestDecoder.rejectUnknownFields(in: data, allowed: ReceptionistSettings.apiFieldNames)
        let settings = try JSONRequestDecoder.decode(ReceptionistSettings.self, from: data)
        try await validatingFields { try settings.validate() }
        let updated = try await validatingFields {
            try await businesses.update(id: business.id, BusinessPatch(settings: settings))
        }
        context.logger.info("settings replaced")
        return try JSONResponse.make(SettingsResponse(updated.settings))
    }
}
