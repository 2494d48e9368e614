import HTTPTypes
import Hummingbird
import Logging

/// Tenant routes: `X-API-Key` → the business it belongs to. Missing or wrong key → 401; a SUSPENDED
/// business → 403. The key itself is never logged.
struct BusinessAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let keys: any APIKeyRepository

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let key = request.headers[.apiKey], !key.isEmpty else {
            throw AppError(.unauthorized, code: "unauthorized", message: "missing X-API-Key header")
        }
        guard let business = try await keys.authenticate(key) else {
            throw AppError(.unauthorized, code: "unauthorized", message: "invalid API key")
        }
        guard business.status == .active else {
            throw AppError(.forbidden, code: "business_suspended", message: "business \(business.slug) is suspended")
        }
        var context = context
        context.business = business
        context.logger[metadataKey: "business"] = "\(business.slug)"
        return try await next(request, context)
    }
}

/// Admin routes: `Authorization: Bearer <admin key>` (or `X-Admin-Key`). Missing or wrong → 401.
struct AdminAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let store: any AdminKeyStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let presented = request.headers[.authorization].flatMap { header -> String? in
            let prefix = "Bearer "
            return header.hasPrefix(prefix) ? String(header.dropFirst(prefix.count)) : nil
        } ?? request.headers[.adminKey]
        guard let presented, !presented.isEmpty else {
            throw AppError(.unauthorized, code: "unauthorized", message: "missing admin key (Authorization: Bearer …)")
        }
        guard try await store.verifyAdminKey(presented) else {
            throw AppError(.unauthorized, code: "unauthorized", message: "invalid admin key")
        }
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let apiKey = Self("X-API-Key")!
    static let adminKey = Self("X-Admin-Key")!
}
