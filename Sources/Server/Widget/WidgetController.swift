import Foundation
import Hummingbird

/// `/v1/widget`: the business manages its web chat widget with its `X-API-Key` — the publishable key (made on first
/// read, replaced by a rotation) and the origins whose pages may use it.
struct WidgetController {
    let widgets: any WidgetRepository
    /// `FRONTDESK_PUBLIC_BASE_URL`, for the snippet's script URL; without it the request's `Host` over http.
    let publicBaseURL: String?

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(use: get)
        group.put(use: replace)
        group.post("key/rotate", use: rotate)
    }

    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        return try JSONResponse.make(view(try await widgets.settings(businessId: business.id), request))
    }

    /// `{"allowed_origins": ["https://example.com", …]}`: replaces the list (normalised, duplicates dropped).
    @Sendable func replace(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let data = try await request.collectBody(upTo: AppLimits.maxJSONBytes)
        try JSONRequestDecoder.rejectUnknownFields(in: data, allowed: ["allowed_origins"])
        let input = try JSONRequestDecoder.decode(Input.self, from: data)
        let origins: [String]
        do {
            origins = try WidgetOrigin.normalizedList(input.allowedOrigins)
        } catch let invalid as WidgetOrigin.InvalidList {
            throw AppError(.unprocessableContent, code: "invalid_origin",
                           message: invalid.problems.first.map { "allowed_origins[\($0.index - 1)]: \($0.problem)" } ?? "invalid origin",
                           details: invalid.problems.map {
                               ErrorDetail(row: $0.index, field: "allowed_origins", message: $0.problem.description)
                           })
        }
        guard origins.count <= WidgetOrigin.maxOrigins else {
            throw AppError(.unprocessableContent, code: "too_many_origins",
                           message: "at most \(WidgetOrigin.maxOrigins) allowed origins; got \(origins.count)",
                           details: [ErrorDetail(field: "allowed_origins", message: "too many")])
        }
        let settings = try await widgets.setAllowedOrigins(origins, businessId: business.id)
        context.logger.info("widget origins replaced", metadata: ["origins": "\(origins.count)"])
        return try JSONResponse.make(view(settings, request))
    }

    /// A new publishable key; the old one, and every visitor token it issued, stop working at once.
    @Sendable func rotate(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let settings = try await widgets.rotateKey(businessId: business.id)
        context.logger.info("widget key rotated", metadata: ["key": "\(settings.key.displayPrefix)"])
        return try JSONResponse.make(view(settings, request))
    }

    struct Input: Decodable { let allowedOrigins: [String] }

    struct View: Encodable {
        let publishableKey: String
        let keyCreatedAt: Date
        let allowedOrigins: [String]
        let scriptUrl: String
        /// The tag to paste into the business's pages.
        let snippet: String
    }

    private func view(_ settings: WidgetSettings, _ request: Request) -> View {
        let base = publicBaseURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
            ?? "http://\(request.head.authority ?? "localhost")"
        let script = base + "/widget.js"
        return View(publishableKey: settings.key.key, keyCreatedAt: settings.key.createdAt,
                    allowedOrigins: settings.allowedOrigins, scriptUrl: script,
                    snippet: "<script src=\"\(script)\" data-key=\"\(settings.key.key)\" async></script>")
    }
}
