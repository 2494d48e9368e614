import Foundation
import HTTPTypes
import Hummingbird

/// Every response under `/app` — pages, static files, redirects and errors alike — leaves through here: errors are
/// rendered as an HTML page for browsers (`Accept: text/html`) and as the API's JSON error otherwise, and the
/// security headers are added. Mounted on the router (not a group), so that requests no route matched, and the
/// static files FileMiddleware serves, are covered too.
struct PanelResponseMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    /// Nil when the panel's templates could not be loaded: errors are then JSON only.
    let pages: PanelPages?

    /// The Content-Security-Policy of every panel response: scripts, styles and fetches from this server only, no
    /// inline script or style, no plugins, no framing by any site, forms posted only here.
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    static let securityHeaders: [(HTTPField.Name, String)] = [
        (HTTPField.Name("Content-Security-Policy")!, contentSecurityPolicy),
        (HTTPField.Name("X-Content-Type-Options")!, "nosniff"),
        (HTTPField.Name("Referrer-Policy")!, "same-origin"),
        // For browsers that predate frame-ancestors.
        (HTTPField.Name("X-Frame-Options")!, "DENY"),
        (HTTPField.Name("Cross-Origin-Opener-Policy")!, "same-origin"),
    ]

    static func isPanelPath(_ path: String) -> Bool { path == "/app" || path.hasPrefix("/app/") }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Self.isPanelPath(request.uri.path) else { return try await next(request, context) }
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = try render(error, request: request, context: context)
        }
        for (name, value) in Self.securityHeaders { response.headers[name] = value }
        if response.headers[.cacheControl] == nil {
            // Static files are revalidated (FileMiddleware answers 304 for an unchanged ETag); pages hold a user's
            // data and are never stored.
            response.headers[.cacheControl] = request.uri.path.hasPrefix("/app/static/") ? "no-cache" : "no-store"
        }
        return response
    }

    private func render(_ error: any Error, request: Request, context: Context) throws -> Response {
        guard let appError = JSONErrorMiddleware<Context>.appError(for: error, request: request, context: context) else {
            // An error that renders its own body.
            return try JSONErrorMiddleware<Context>.response(for: error, request: request, context: context)
        }
        guard let pages, Self.wantsHTML(request) else { return try appError.response(from: request, context: context) }
        let view = ErrorView(chrome: PanelChrome(title: Self.heading(appError.status), account: nil),
                             status: appError.status.code, heading: Self.heading(appError.status), message: appError.message)
        return pages.response("error", view, status: appError.status)
    }

    /// A browser navigating or posting a form asks for HTML; scripts (`fetch`) and API clients do not.
    static func wantsHTML(_ request: Request) -> Bool {
        request.headers[.accept]?.contains("text/html") ?? false
    }

    static func heading(_ status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "That request could not be read"
        case 401: "Please sign in"
        case 403: "Not allowed"
        case 404: "Page not found"
        case 405: "Not allowed here"
        case 413: "Too large"
        case 429: "Too many attempts"
        case 503: "Unavailable for a moment"
        default: status.code >= 500 ? "Something went wrong" : status.reasonPhrase
        }
    }
}
