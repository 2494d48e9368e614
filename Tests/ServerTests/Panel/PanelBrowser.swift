import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Server

/// A browser for the panel's router tests: keeps the cookies the server sets (as a browser would for `/app`),
/// sends forms, and reads the CSRF token out of the last page.
final class PanelBrowser: @unchecked Sendable {
    /// Cookies by name.
    var cookies: [String: String] = [:]
    /// Sent as `X-Forwarded-For` (the tests' server trusts it), to be a different client address.
    var address: String?

    struct Page {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: String

        var location: String? { headers[.location] }
        /// The `_csrf` value of the first form on the page.
        var csrf: String? {
            body.firstMatch(of: /name="_csrf" value="([^"]+)"/).map { String($0.1) }
        }
        /// The page's `error.code`, when it is a JSON error.
        var errorCode: String? {
            guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return nil }
            return (object["error"] as? [String: Any])?["code"] as? String
        }
        func header(_ name: String) -> String? { headers[HTTPField.Name(name)!] }
    }

    init(address: String? = nil) {
        self.address = address
    }

    /// One request; `form` is sent as `application/x-www-form-urlencoded`. `html`: ask for HTML (a browser) rather
    /// than JSON (a script).
    @discardableResult
    func send(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String,
              form: [(String, String)]? = nil, html: Bool = true, headers extra: HTTPFields = [:]) async throws -> Page {
        var headers = extra
        if html { headers[.accept] = "text/html,application/xhtml+xml" }
        if !cookies.isEmpty {
            headers[.cookie] = cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        }
        if let address { headers[HTTPField.Name("X-Forwarded-For")!] = address }
        var body: ByteBuffer?
        if let form {
            var parameters = FormParameters()
            for (name, value) in form { parameters.append(name: name, value: value) }
            body = ByteBuffer(string: parameters.formEncoded)
            headers[.contentType] = "application/x-www-form-urlencoded"
        }
        let page = try await client.execute(uri: uri, method: method, headers: headers, body: body) { response in
            Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
        for line in page.headers[values: .setCookie] {
            let pair = line.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || line.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        return page
    }

    /// GET the sign-in page, then post the form. Returns the answer to the post.
    @discardableResult
    func signIn(_ client: some TestClientProtocol, email: String, password: String, next: String? = nil) async throws -> Page {
        let form = try await send(client, .get, "/app/login" + (next.map { "?next=\($0)" } ?? ""))
        #expect(form.status == .ok)
        let token = try #require(form.csrf)
        return try await send(client, .post, "/app/login", form: [
            ("_csrf", token), ("email", email), ("password", password), ("next", next ?? "/app"),
        ])
    }

    /// The session cookie's value.
    var session: String? { cookies[PanelSessions.cookieName] }
}

/// Panel users made straight through the app's services (cost-4 bcrypt in tests).
extension TestApp {
    static let panelPassword = "correct horse battery"

    /// A user with `role` in `business`, password `panelPassword`.
    @discardableResult
    func makePanelUser(_ email: String, role: PanelRole, in business: Business,
                       password: String = TestApp.panelPassword) async throws -> PanelUser {
        try await services.panel.accounts.addMember(businessId: business.id, email: email, role: role, password: password).user
    }
}
