import Foundation
import Hummingbird

/// `/v1/analytics/…` for the business of the `X-API-Key`: exports of its calls (another business's data is never
/// in them: every query is filtered by the authenticated business).
struct AnalyticsController {
    let database: AppDatabase
    let now: @Sendable () -> Date

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(":export", use: export)
    }

    /// `calls.csv`, `calls.json`, `calls.ndjson`.
    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let name = try context.parameters.require("export")
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[0] == "calls" else {
            throw AppError(.notFound, code: "not_found", message: "no analytics resource \(name); exports are calls.csv, calls.json and calls.ndjson")
        }
        guard let format = CallExport.Format(rawValue: parts[1]) else {
            throw AppError(.badRequest, code: "unsupported_format",
                           message: "unknown format \(parts[1]); use csv, json or ndjson")
        }
        let timeZone = TimeZone(identifier: business.timeZone) ?? TimeZone(identifier: "UTC")!
        let query = request.uri.queryParameters
        let range = try AnalyticsRange.parse(from: query["from"].map(String.init), to: query["to"].map(String.init),
                                             timeZone: timeZone, now: now())
        let export = CallExport(database: database, businessId: business.id, timeZone: timeZone, range: range)
        var headers: HTTPFields = [.contentType: format.contentType]
        if format == .csv {
            headers[.contentDisposition] = "attachment; filename=\"\(business.slug)-calls.csv\""
        }
        return Response(status: .ok, headers: headers, body: export.body(format))
    }
}
