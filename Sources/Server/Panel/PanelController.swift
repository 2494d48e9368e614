import Foundation
import HTTPTypes
import Hummingbird

/// The panel's account pages: sign in and out, the business picker, changing one's password.
/// `/app/login` (GET, POST), `/app/logout` (POST), `/app` (GET), `/app/password` (GET, POST).
struct PanelController {
    let panel: PanelServices
    let users: any PanelUserRepository
    let now: @Sendable () -> Date

    func addRoutes(to app: RouterGroup<AppRequestContext>) {
        app.get("login", use: loginPage)
        app.post("login", use: login)
        app.post("logout", use: logout)
        let signedIn = app.group().add(middleware: PanelSessionMiddleware(sessions: panel.sessions))
        signedIn.get(use: home)
        signedIn.get("password", use: passwordPage)
        signedIn.post("password", use: changePassword)
    }

    // MARK: Signing in and out

    @Sendable func loginPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let pages = try panel.requirePages()
        let next = PanelPaths.safeNext(request.uri.queryParameters["next"].map(String.init))
        if try await panel.sessions.current(request) != nil { return .panelRedirect(to: next) }
        let token = PanelCSRF.makeToken()
        var response = pages.response("login", LoginView(
            chrome: PanelChrome(title: "Sign in", account: nil), csrf: token, email: "", next: next, error: nil))
        response.setCookie(loginCookie(token))
        return response
    }

    /// Checks the form's token against its cookie, then the throttle, then the password (bcrypt, also for an
    /// unknown email so timing tells nothing); a success opens a session and redirects to `next`.
    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let pages = try panel.requirePages()
        guard let form = try await PanelCSRF.readForm(request) else {
            throw AppError(.unsupportedMediaType, code: "unsupported_media_type", message: "sign in with the form (application/x-www-form-urlencoded)")
        }
        let token = form[PanelCSRF.fieldName]
        guard let expected = request.cookies[PanelCSRF.loginCookieName]?.value, PanelCSRF.matches(token, expected) else {
            throw PanelCSRF.refused
        }
        let email = String((form["email"] ?? "").prefix(254)).trimmingCharacters(in: .whitespacesAndNewlines)
        let password = form["password"] ?? ""
        let next = PanelPaths.safeNext(form["next"])
        let address = panel.clientAddress(request, context: context)
        let account = LoginThrottle.account(email)
        let timestamp = now()
        func page(_ error: String, status: HTTPResponse.Status) -> Response {
            pages.response("login", LoginView(chrome: PanelChrome(title: "Sign in", account: nil), csrf: expected,
                                              email: email, next: next, error: error), status: status)
        }

        let attempt: Int64
        switch try await panel.throttle.begin(address: address, account: account, now: timestamp) {
        case .allowed(let recorded):
            attempt = recorded
        case .refused(let wait):
            context.logger.notice("panel sign-in throttled", metadata: ["address": "\(address)"])
            let message = "Too many failed sign-ins. Try again in \(Self.minutes(wait))."
            var response = PanelResponseMiddleware.wantsHTML(request)
                ? page(message, status: .tooManyRequests)
                : try AppError(.tooManyRequests, code: "too_many_attempts", message: message).response(from: request, context: context)
            response.headers[.retryAfter] = String(wait)
            return response
        }
        var found: PanelUser?
        if let valid = try? PanelAccounts.validatedEmail(email) { found = try await users.user(email: valid) }
        let verified = try await panel.hasher.verify(password, for: found)
        guard verified, let user = found else {
            // The attempt stays recorded as a failure.
            let message = "Wrong email or password."
            guard PanelResponseMiddleware.wantsHTML(request) else {
                throw AppError(.unauthorized, code: "wrong_credentials", message: message)
            }
            return page(message, status: .unauthorized)
        }
        try await panel.throttle.succeeded(attempt)
        let opened = try await panel.sessions.open(userId: user.id)
        context.logger.info("panel sign-in", metadata: ["panel_user": "\(user.id)"])
        var response = Response.panelRedirect(to: next)
        response.setCookie(panel.sessions.cookie(token: opened.token))
        response.setCookie(loginCookie("", maxAge: 0))
        return response
    }

    /// Ends the browser's session. Without a (live) session there is nothing to end: back to the sign-in page.
    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let signedIn = try await panel.sessions.current(request) {
            guard PanelCSRF.matches(try await PanelCSRF.presented(request).token, signedIn.session.csrfToken) else {
                throw PanelCSRF.refused
            }
            try await panel.sessions.close(request)
        }
        var response = Response.panelRedirect(to: PanelPaths.login)
        response.setCookie(panel.sessions.clearingCookie())
        return response
    }

    // MARK: Signed in

    /// The business picker; a user of one business goes straight to it.
    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        let pages = try panel.requirePages()
        let signedIn = try context.requirePanelUser()
        let memberships = try await users.memberships(userId: signedIn.user.id)
        if memberships.count == 1, memberships[0].business.status == .active {
            return .panelRedirect(to: PanelPaths.business(memberships[0].business.slug))
        }
        return pages.response("businesses", BusinessesView(
            chrome: .signedIn(signedIn, title: "Your businesses", severalBusinesses: false),
            businesses: memberships.map {
                .init(name: $0.business.name, slug: $0.business.slug, role: $0.role.rawValue,
                      suspended: $0.business.status != .active)
            },
            none: memberships.isEmpty))
    }

    @Sendable func passwordPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let pages = try panel.requirePages()
        let signedIn = try context.requirePanelUser()
        return pages.response("password", PasswordView(
            chrome: .signedIn(signedIn, title: "Change password"), csrf: signedIn.session.csrfToken, error: nil,
            changed: request.uri.queryParameters["changed"] == "1"))
    }

    /// Checks the current password (counted by the sign-in throttle, so a left-open browser cannot be used to guess
    /// it), then stores the new one, ends every session of the user — every other browser is signed out — and
    /// gives this browser a new session.
    @Sendable func changePassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        let pages = try panel.requirePages()
        let signedIn = try context.requirePanelUser()
        let form = context.panelForm ?? FormParameters()
        let current = form["current_password"] ?? "", new = form["new_password"] ?? ""
        let confirmation = form["confirm_password"] ?? ""
        func refuse(_ error: AppError) throws -> Response {
            guard PanelResponseMiddleware.wantsHTML(request) else { throw error }
            return pages.response("password", PasswordView(
                chrome: .signedIn(signedIn, title: "Change password"), csrf: signedIn.session.csrfToken,
                error: error.message, changed: false), status: error.status)
        }

        let address = panel.clientAddress(request, context: context)
        let account = LoginThrottle.account(signedIn.user.email)
        let timestamp = now()
        let attempt: Int64
        switch try await panel.throttle.begin(address: address, account: account, now: timestamp) {
        case .allowed(let recorded):
            attempt = recorded
        case .refused(let wait):
            var response = try refuse(AppError(.tooManyRequests, code: "too_many_attempts",
                                               message: "Too many wrong passwords. Try again in \(Self.minutes(wait))."))
            response.headers[.retryAfter] = String(wait)
            return response
        }
        guard try await panel.hasher.verify(current, hash: signedIn.user.passwordHash) else {
            // The attempt stays recorded as a failure.
            return try refuse(AppError(.forbidden, code: "wrong_password", message: "The current password is not right."))
        }
        try await panel.throttle.succeeded(attempt)
        if let problem = PasswordHasher.problem(with: new) {
            return try refuse(AppError(.unprocessableContent, code: "invalid_field", message: "The new password is too weak: \(problem)."))
        }
        guard new == confirmation else {
            return try refuse(AppError(.unprocessableContent, code: "invalid_field", message: "The two new passwords differ."))
        }
        guard new != current else {
            return try refuse(AppError(.unprocessableContent, code: "invalid_field", message: "The new password is the current one."))
        }
        let hash = try await panel.hasher.hash(new)
        let replacement = panel.sessions.make(userId: signedIn.user.id)
        try await users.changePassword(userId: signedIn.user.id, passwordHash: hash, replacement: replacement.session)
        context.logger.info("panel password changed; every session of the user ended")
        var response = Response.panelRedirect(to: "/app/password?changed=1")
        response.setCookie(panel.sessions.cookie(token: replacement.token))
        return response
    }

    // MARK: Helpers

    private func loginCookie(_ token: String, maxAge: Int = 3600) -> Cookie {
        Cookie(name: PanelCSRF.loginCookieName, value: token, maxAge: maxAge, path: PanelPaths.login,
               secure: panel.sessions.secureCookies, httpOnly: true, sameSite: .lax)
    }

    static func minutes(_ seconds: Int) -> String {
        seconds <= 60 ? "a minute" : "\((seconds + 59) / 60) minutes"
    }
}
