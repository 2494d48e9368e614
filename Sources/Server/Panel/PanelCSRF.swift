import Foundation
import HTTPTypes
import Hummingbird

/// Cross-site request forgery protection for the panel: every state-changing request (anything but GET and HEAD)
/// must carry the session's token, as the `_csrf` field of an `application/x-www-form-urlencoded` form or in the
/// `X-CSRF-Token` header (scripts, and bodies that are not forms). The sign-in form, which has no session yet,
/// carries a token that must equal the one in its own short-lived cookie (`frontdesk_login_csrf`, double submit).
/// A request without a matching token is refused with 403 `csrf_failed` before any route runs.
enum PanelCSRF {
    static let fieldName = "_csrf"
    static let headerName = HTTPField.Name("X-CSRF-Token")!
    static let loginCookieName = "frontdesk_login_csrf"
    /// Panel forms are small; file uploads go through scripts with the header.
    static let maxFormBytes = 1_000_000

    /// The token the request presents, and its form body when the token was read from one (the body is consumed,
    /// so routes read the parsed form from the context instead).
    static func presented(_ request: Request) async throws -> (token: String?, form: FormParameters?, upload: PanelMultipart?) {
        if let boundary = PanelMultipart.boundary(contentType: request.headers[.contentType]) {
            // A form with a file (the knowledge import, posted by a browser without script): the token is one of
            // its fields, and the parts are handed to the route.
            let body = try await request.collectBody(upTo: AppLimits.maxImportBytes)
            let upload = try PanelMultipart.parse([UInt8](body), boundary: boundary)
            let form = upload.fields
            return (request.headers[headerName] ?? form[fieldName], form, upload)
        }
        if let header = request.headers[headerName] { return (header, nil, nil) }
        let form = try await readForm(request)
        return (form?[fieldName], form, nil)
    }

    /// The request's `application/x-www-form-urlencoded` body, or nil when it has another type.
    static func readForm(_ request: Request) async throws -> FormParameters? {
        guard let type = request.headers[.contentType]?.lowercased(),
              type.hasPrefix("application/x-www-form-urlencoded") else { return nil }
        let body = try await request.collectBody(upTo: maxFormBytes)
        do {
            return try FormParameters(formEncoded: body)
        } catch {
            throw AppError(.badRequest, code: "invalid_form", message: error.description)
        }
    }

    /// Whether `presented` is `expected`, compared in time that does not depend on where they differ.
    static func matches(_ presented: String?, _ expected: String) -> Bool {
        guard let presented, !presented.isEmpty, !expected.isEmpty else { return false }
        return KeyHashing.constantTimeEquals(presented, expected)
    }

    static var refused: AppError {
        AppError(.forbidden, code: "csrf_failed",
                 message: "this form's security token is missing or out of date; reload the page and try again")
    }

    /// A new random token (32 base62 characters).
    static func makeToken() -> String { SecretKeyGenerator.make(prefix: "") }
}

extension HTTPRequest.Method {
    /// GET and HEAD: the panel's only requests that may change nothing and so need no CSRF token.
    var isSafe: Bool { self == .get || self == .head }
}
