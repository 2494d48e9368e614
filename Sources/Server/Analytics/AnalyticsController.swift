import Foundation
import Hummingbird

/// `/v1/analytics/…` for the business of the `X-API-Key`: exports of its calls (another business's data is never
/// in them: every `AnalyticsRepository` read is scoped by the authenticated business).
struct AnalyticsController {
    let analytics: any AnalyticsRepository
    let embedder: EmbeddingQueue
    let dispatch: DispatchAnalytics
    let now: @Sendable () -> Date

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("summary", use: summary)
        group.get("dispatch", use: dispatchMeasures)
        group.get("knowledge-gaps", use: knowledgeGaps)
        group.get(":export", use: export)
    }

    private func context(_ request: Request, _ business: Business) throws -> (TimeZone, AnalyticsRange) {
        try context(request.uri.queryParameters, business)
    }

    private func context(_ query: Parameters, _ business: Business) throws -> (TimeZone, AnalyticsRange) {
        let timeZone = business.zone
        let range = try AnalyticsRange.parse(from: query["from"].map(String.init), to: query["to"].map(String.init),
                                             timeZone: timeZone, now: now())
        return (timeZone, range)
    }

    /// Totals over the range (default: the last 30 days) plus leads taken.
    @Sendable func summary(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let (timeZone, range) = try self.context(request, business)
        let rollup = CallRollup(analytics: analytics, businessId: business.id, timeZone: timeZone, range: range)
        var object = rollup.jsonObject(try await rollup.total())
        object["leads"] = try await analytics.activity(businessId: business.id, from: range.from, to: range.to).leads
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: try JSONLine.encode(object))))
    }

    /// Maintenance dispatch measures of the tickets opened in the range (`dispatch`, JSON; `dispatch.csv`).
    @Sendable func dispatchMeasures(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let (_, range) = try self.context(request, business)
        return try JSONResponse.make(try await dispatch.report(businessId: business.id, range: range))
    }

    /// Topics of the questions the receptionist declined or answered with low confidence.
    @Sendable func knowledgeGaps(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let (_, range) = try self.context(request, business)
        let maxTopics = try request.uri.queryParameters["max_topics"].map { text -> Int in
            guard let value = Int(text), (1...50).contains(value) else {
                throw AppError(.badRequest, code: "invalid_parameter", message: "max_topics must be 1–50")
            }
            return value
        } ?? 10
        let report = KnowledgeGapReport(
            analytics: analytics, embedder: embedder, businessId: business.id, range: range,
            lowConfidence: min(1, business.settings.answerConfidenceThreshold + 0.1))
        return try JSONResponse.make(try await report.report(maxTopics: maxTopics))
    }

    /// `calls.csv`, `calls.json`, `calls.ndjson`.
    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await export(try context.parameters.require("export"), business: try context.requireBusiness(),
                         query: request.uri.queryParameters)
    }

    /// The export `name` (`calls.csv`, `daily.json`, `dispatch.csv`, …) of `business` for the range in `query`
    /// (`from`, `to`): the API's answer, and the panel's downloads (`PanelOverviewController`), so both give the
    /// same bytes.
    func export(_ name: String, business: Business, query: Parameters) async throws -> Response {
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        if name == "dispatch.csv" {
            let (_, range) = try self.context(query, business)
            let csv = DispatchAnalytics.csv(try await dispatch.report(businessId: business.id, range: range))
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: csv)))
        }
        guard parts.count == 2, ["calls", "daily", "hourly"].contains(parts[0]) else {
            throw AppError(.notFound, code: "not_found",
                           message: "no analytics resource \(name); use calls.csv|json|ndjson, daily.csv|json, hourly.csv|json, summary, knowledge-gaps, dispatch or dispatch.csv")
        }
        guard let format = CallExport.Format(rawValue: parts[1]), parts[0] == "calls" || format != .ndjson else {
            throw AppError(.badRequest, code: "unsupported_format",
                           message: "unknown format \(parts[1]) for \(parts[0]); use \(parts[0] == "calls" ? "csv, json or ndjson" : "csv or json")")
        }
        let (timeZone, range) = try self.context(query, business)
        if parts[0] != "calls" {
            let rollup = CallRollup(analytics: analytics, businessId: business.id, timeZone: timeZone, range: range)
            let buckets = try await rollup.buckets(parts[0] == "daily" ? .day : .hour)
            let body = try rollup.render(buckets, json: format == .json)
            return Response(status: .ok, headers: [.contentType: format.contentType], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        let export = CallExport(analytics: analytics, businessId: business.id, timeZone: timeZone, range: range)
        var headers: HTTPFields = [.contentType: format.contentType]
        if format == .csv {
            headers[.contentDisposition] = "attachment; filename=\"\(business.slug)-calls.csv\""
        }
        return Response(status: .ok, headers: headers, body: export.body(format))
    }
}
