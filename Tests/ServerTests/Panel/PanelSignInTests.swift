import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Server

/// Signing in and out of the web panel, through the real router, templates and storage (SQLite, or PostgreSQL in
/// the second pass of `make test`).
@Suite struct PanelSignInTests {
    /// An app behind a trusted proxy on the loopback address (FRONTDESK_TRUSTED_PROXIES), so its clients — over real
    /// HTTP, `.live` — are told apart by the `X-Forwarded-For` each test browser sends; on `clock`.
    static func make(clock: TestClock = TestClock()) async throws -> TestApp {
        try await TestApp.make(configure: { $0.trustedProxies = ["127.0.0.1", "::1"] }, now: clock.now)
    }

    @Test func signInOpensASessionAndLandsOnTheBusiness() async throws {
        let clock = TestClock()
        let test = try await Self.make(clock: clock)
        let (business, _) = try await test.makeTenant("sign-in-shop")
        try await test.makePanelUser("Owner@Example.com", role: .owner, in: business)
        try await test.app.test(.live) { client in
            let browser = PanelBrowser()
            // The form carries a token, also set in its own short-lived cookie.
            let form = try await browser.send(client, .get, "/app/login")
            #expect(form.status == .ok)
            #expect(form.header("Content-Type") == "text/html; charset=utf-8")
            let token = try #require(form.csrf)
            #expect(browser.cookies[PanelCSRF.loginCookieName] == token)

            // Emails match whatever their case; a user of one business goes straight to it.
            let signedIn = try await browser.send(client, .post, "/app/login", form: [
                ("_csrf", token), ("email", "owner@EXAMPLE.com"), ("password", TestApp.panelPassword), ("next", "/app"),
            ])
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.location == "/app")
            let cookie = try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix(PanelSessions.cookieName + "=") })
            for attribute in ["HttpOnly", "SameSite=Lax", "Path=/app"] { #expect(cookie.contains(attribute), "\(cookie)") }
            #expect(!cookie.contains("Secure"), "plain http without an https public URL: \(cookie)")
            #expect(browser.cookies[PanelCSRF.loginCookieName] == nil, "the sign-in token is spent")
            // Only the token's hash is stored.
            #expect(try await test.services.repositories.panelSessions.session(
                idHash: KeyHashing.sha256Hex(try #require(browser.session)), now: clock.read()) != nil)

            let home = try await browser.send(client, .get, "/app")
            #expect(home.status == .seeOther)
            #expect(home.location == "/app/b/sign-in-shop/")
            let overview = try await browser.send(client, .get, "/app/b/sign-in-shop/")
            #expect(overview.status == .ok)
            #expect(overview.body.contains("Signed in as <strong>Owner@Example.com</strong>"))
            #expect(overview.body.contains(#"data-role="owner""#))
            #expect(overview.body.contains("Business sign-in-shop"))
        }
    }

    @Test func wrongPasswordOrUnknownEmailIsRefusedAlike() async throws {
        let test = try await Self.make()
        let (business, _) = try await test.makeTenant("wrong-password-shop")
        try await test.makePanelUser("staff@example.com", role: .staff, in: business)
        try await test.app.test(.live) { client in
            let browser = PanelBrowser()
            let wrong = try await browser.signIn(client, email: "staff@example.com", password: "not the password")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.body.contains("Wrong email or password."))
            #expect(wrong.body.contains(#"value="staff@example.com""#), "the email is kept in the form")
            #expect(browser.session == nil)
            let unknown = try await browser.signIn(client, email: "nobody@example.com", password: TestApp.panelPassword)
            #expect(unknown.status == .unauthorized)
            #expect(unknown.body.contains("Wrong email or password."))
            // A script (no text/html) gets the JSON error.
            let page = try await browser.send(client, .get, "/app/login")
            let json = try await browser.send(client, .post, "/app/login", form: [
                ("_csrf", try #require(page.csrf)), ("email", "staff@example.com"), ("password", "nope"),
            ], html: false)
            #expect(json.status == .unauthorized)
            #expect(json.errorCode == "wrong_credentials")
            // A page that needs a session sends the browser to sign in, and back afterwards.
            let redirected = try await browser.send(client, .get, "/app/b/wrong-password-shop/")
            #expect(redirected.status == .seeOther)
            #expect(redirected.location == "/app/login?next=/app/b/wrong-password-shop/")
            let back = try await browser.signIn(client, email: "staff@example.com", password: TestApp.panelPassword,
                                                next: "/app/b/wrong-password-shop/")
            #expect(back.location == "/app/b/wrong-password-shop/")
        }
    }

    /// Five failures in five minutes for one account, from any address, or from one address, for any accounts:
    /// the next attempt is 429 with Retry-After — even with the right password — until the oldest failure is five
    /// minutes old.
    @Test func failedSignInsAreThrottledByAccountAndByAddress() async throws {
        let clock = TestClock()
        let test = try await Self.make(clock: clock)
        let (business, _) = try await test.makeTenant("throttle-shop")
        try await test.makePanelUser("target@example.com", role: .owner, in: business)
        try await test.makePanelUser("bystander@example.com", role: .owner, in: business)
        try await test.app.test(.live) { client in
            // By account: each failure from a different address.
            for attempt in 1...5 {
                let page = try await PanelBrowser(address: "198.51.100.\(attempt)")
                    .signIn(client, email: "target@example.com", password: "guess \(attempt)")
                #expect(page.status == .unauthorized)
                clock.advance(by: 10)
            }
            let locked = try await PanelBrowser(address: "198.51.100.77")
                .signIn(client, email: "TARGET@example.com", password: TestApp.panelPassword)
            #expect(locked.status == .tooManyRequests)
            #expect(locked.body.contains("Too many failed sign-ins"))
            // The first failure was 50 s ago: it leaves the window in 250 s.
            #expect(locked.header("Retry-After") == "250")
            // Another account from another address is not affected.
            let other = try await PanelBrowser(address: "198.51.100.78")
                .signIn(client, email: "bystander@example.com", password: TestApp.panelPassword)
            #expect(other.status == .seeOther)
            clock.advance(by: 250)
            let free = try await PanelBrowser(address: "198.51.100.79")
                .signIn(client, email: "target@example.com", password: TestApp.panelPassword)
            #expect(free.status == .seeOther)

            // By address: five different (even unknown) accounts from one address.
            for attempt in 1...5 {
                let page = try await PanelBrowser(address: "203.0.113.9")
                    .signIn(client, email: "guess\(attempt)@example.com", password: "guess")
                #expect(page.status == .unauthorized)
            }
            let form = try await PanelBrowser(address: "203.0.113.9").send(client, .get, "/app/login")
            let refused = try await PanelBrowser(address: "203.0.113.9").signIn(
                client, email: "bystander@example.com", password: TestApp.panelPassword)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.header("Retry-After") == "300")
            #expect(form.status == .ok, "the form itself is still served")
        }
    }

    /// Over real HTTP the client address is the connection's peer: without a trusted proxy (FRONTDESK_TRUSTED_PROXIES) an
    /// `X-Forwarded-For` a client makes up changes nothing, so five failures from this host lock it out.
    @Test func overRealHTTPTheAddressIsThePeerAndForwardedForIsNotTrusted() async throws {
        let test = try await TestApp.make()
        let (business, _) = try await test.makeTenant("live-throttle-shop")
        try await test.makePanelUser("live@example.com", role: .owner, in: business)
        try await test.app.test(.live) { client in
            let signedIn = try await PanelBrowser().signIn(client, email: "live@example.com", password: TestApp.panelPassword)
            #expect(signedIn.status == .seeOther)
            for attempt in 1...5 {
                let page = try await PanelBrowser(address: "198.51.100.\(attempt)")
                    .signIn(client, email: "nobody\(attempt)@example.com", password: "guess")
                #expect(page.status == .unauthorized)
            }
            let locked = try await PanelBrowser(address: "198.51.100.99")
                .signIn(client, email: "live@example.com", password: TestApp.panelPassword)
            #expect(locked.status == .tooManyRequests)
            #expect(locked.header("Retry-After").flatMap(Int.init).map { (1...300).contains($0) } == true)
        }
    }

    /// Behind https (the public URL says so) the session and sign-in cookies are Secure.
    @Test func cookiesAreSecureBehindHTTPS() async throws {
        let test = try await TestApp.make(configure: { $0.publicBaseURL = "https://desk.example.com" })
        let (business, _) = try await test.makeTenant("secure-shop")
        try await test.makePanelUser("owner@example.com", role: .owner, in: business)
        try await test.app.test(.router) { client in
            let browser = PanelBrowser()
            let form = try await browser.send(client, .get, "/app/login")
            #expect(form.headers[values: .setCookie].allSatisfy { $0.contains("Secure") && $0.contains("HttpOnly") })
            let signedIn = try await browser.signIn(client, email: "owner@example.com", password: TestApp.panelPassword)
            let cookie = try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix(PanelSessions.cookieName + "=") })
            #expect(cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
        }
    }

    /// Many attempts at once still get at most five passwords checked: each is counted before its check.
    @Test func concurrentGuessesAreThrottledToo() async throws {
        let test = try await Self.make()
        let (business, _) = try await test.makeTenant("burst-shop")
        try await test.makePanelUser("burst@example.com", role: .owner, in: business)
        try await test.app.test(.live) { client in
            var forms: [(PanelBrowser, String)] = []
            for index in 0..<20 {
                let browser = PanelBrowser(address: "192.0.2.\(index)")
                forms.append((browser, try #require(try await browser.send(client, .get, "/app/login").csrf)))
            }
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for (index, (browser, token)) in forms.enumerated() {
                    group.addTask {
                        try await browser.send(client, .post, "/app/login", form: [
                            ("_csrf", token), ("email", "burst@example.com"), ("password", "guess \(index)"),
                        ]).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let checked = statuses.filter { $0 == .unauthorized }.count
            #expect((0...LoginThrottle.maxFailures).contains(checked), "\(statuses)")
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 20 - checked)
            let recorded = try await test.services.repositories.loginAttempts.recentFailures(
                address: "none", account: "burst@example.com", since: .distantPast, limit: 100)
            #expect(recorded.byAccount.count == checked, "refused attempts leave no record")
        }
    }

    @Test func signOutEndsTheSession() async throws {
        let test = try await Self.make()
        let (business, _) = try await test.makeTenant("sign-out-shop")
        try await test.makePanelUser("owner@example.com", role: .owner, in: business)
        try await test.app.test(.live) { client in
            let browser = PanelBrowser()
            try await browser.signIn(client, email: "owner@example.com", password: TestApp.panelPassword)
            let session = try #require(browser.session)
            let overview = try await browser.send(client, .get, "/app/b/sign-out-shop/")
            #expect(overview.status == .ok)
            let out = try await browser.send(client, .post, "/app/logout", form: [("_csrf", try #require(overview.csrf))])
            #expect(out.status == .seeOther)
            #expect(out.location == "/app/login")
            #expect(browser.session == nil, "the cookie is cleared")
            // The old token no longer signs anyone in, even if a copy of the cookie was kept.
            browser.cookies[PanelSessions.cookieName] = session
            let after = try await browser.send(client, .get, "/app/b/sign-out-shop/")
            #expect(after.status == .seeOther)
            #expect(after.location?.hasPrefix("/app/login") == true)
        }
    }

    @Test func stateChangingRequestsWithoutTheCSRFTokenAreRefused() async throws {
        let test = try await Self.make()
        let (business, _) = try await test.makeTenant("csrf-shop")
        try await test.makePanelUser("owner@example.com", role: .owner, in: business)
        try await test.app.test(.live) { client in
            // The sign-in form: a missing or foreign token.
            let browser = PanelBrowser()
            _ = try await browser.send(client, .get, "/app/login")
            let noToken = try await browser.send(client, .post, "/app/login", form: [
                ("email", "owner@example.com"), ("password", TestApp.panelPassword),
            ])
            #expect(noToken.status == .forbidden)
            #expect(noToken.body.contains("security token"))
            let forged = try await browser.send(client, .post, "/app/login", form: [
                ("_csrf", PanelCSRF.makeToken()), ("email", "owner@example.com"), ("password", TestApp.panelPassword),
            ], html: false)
            #expect(forged.status == .forbidden)
            #expect(forged.errorCode == "csrf_failed")
            #expect(browser.session == nil)

            // Signed in: every form needs the session's token (form field or header).
            try await browser.signIn(client, email: "owner@example.com", password: TestApp.panelPassword)
            let page = try await browser.send(client, .get, "/app/b/csrf-shop/users")
            let token = try #require(page.csrf)
            let withoutForm = try await browser.send(client, .post, "/app/b/csrf-shop/users",
                                                     form: [("email", "new@example.com"), ("role", "staff")])
            #expect(withoutForm.status == .forbidden)
            #expect(withoutForm.body.contains(#"data-status="403""#), "an HTML error page for the browser")
            let json = try await browser.send(client, .post, "/app/b/csrf-shop/users",
                                              form: [("email", "new@example.com"), ("role", "staff")], html: false)
            #expect(json.errorCode == "csrf_failed")
            let wrongHeader = try await browser.send(client, .post, "/app/password", form: [("current_password", "x")],
                                                     headers: [PanelCSRF.headerName: "wrong"])
            #expect(wrongHeader.status == .forbidden)
            let logout = try await browser.send(client, .post, "/app/logout", form: [])
            #expect(logout.status == .forbidden)
            #expect(browser.session != nil, "still signed in")
            #expect(try await test.services.repositories.panelUsers.user(email: "new@example.com") == nil)
            // With it, the same request goes through.
            let added = try await browser.send(client, .post, "/app/b/csrf-shop/users",
                                               form: [("_csrf", token), ("email", "new@example.com"), ("role", "staff")])
            #expect(added.status == .created)
        }
    }

    @Test func changingThePasswordEndsEveryOtherSession() async throws {
        let test = try await Self.make()
        let (business, _) = try await test.makeTenant("password-shop")
        try await test.makePanelUser("owner@example.com", role: .owner, in: business)
        try await test.app.test(.live) { client in
            let laptop = PanelBrowser(), phone = PanelBrowser()
            try await laptop.signIn(client, email: "owner@example.com", password: TestApp.panelPassword)
            try await phone.signIn(client, email: "owner@example.com", password: TestApp.panelPassword)
            let oldLaptopSession = try #require(laptop.session)
            #expect(try await phone.send(client, .get, "/app/b/password-shop/").status == .ok)

            let form = try await laptop.send(client, .get, "/app/password")
            let token = try #require(form.csrf)
            let wrong = try await laptop.send(client, .post, "/app/password", form: [
                ("_csrf", token), ("current_password", "not it"), ("new_password", "a new long password"),
                ("confirm_password", "a new long password"),
            ])
            #expect(wrong.status == .forbidden)
            #expect(wrong.body.contains("The current password is not right."))
            let mismatch = try await laptop.send(client, .post, "/app/password", form: [
                ("_csrf", token), ("current_password", TestApp.panelPassword), ("new_password", "a new long password"),
                ("confirm_password", "another long password"),
            ])
            #expect(mismatch.status == .unprocessableContent)
            let short = try await laptop.send(client, .post, "/app/password", form: [
                ("_csrf", token), ("current_password", TestApp.panelPassword), ("new_password", "short"),
                ("confirm_password", "short"),
            ])
            #expect(short.status == .unprocessableContent)

            let changed = try await laptop.send(client, .post, "/app/password", form: [
                ("_csrf", token), ("current_password", TestApp.panelPassword), ("new_password", "a new long password"),
                ("confirm_password", "a new long password"),
            ])
            #expect(changed.status == .seeOther)
            #expect(changed.location == "/app/password?changed=1")
            // This browser has a new session; the phone's, and this browser's old one, are gone.
            let newSession = try #require(laptop.session)
            #expect(newSession != oldLaptopSession)
            let confirmation = try await laptop.send(client, .get, "/app/password?changed=1")
            #expect(confirmation.body.contains("Every other browser signed in as you has been signed out."))
            #expect(try await phone.send(client, .get, "/app/b/password-shop/").status == .seeOther)
            laptop.cookies[PanelSessions.cookieName] = oldLaptopSession
            #expect(try await laptop.send(client, .get, "/app/b/password-shop/").status == .seeOther)

            // The old password no longer signs in; the new one does.
            #expect(try await PanelBrowser().signIn(client, email: "owner@example.com", password: TestApp.panelPassword)
                .status == .unauthorized)
            #expect(try await PanelBrowser().signIn(client, email: "owner@example.com", password: "a new long password")
                .status == .seeOther)
        }
    }

    /// A session ends after 12 hours without a request, and 7 days after sign-in whatever happens.
    @Test func sessionsExpire() async throws {
        let clock = TestClock()
        let test = try await Self.make(clock: clock)
        let (business, _) = try await test.makeTenant("expiry-shop")
        try await test.makePanelUser("owner@example.com", role: .owner, in: business)
        try await test.app.test(.live) { client in
            let browser = PanelBrowser()
            try await browser.signIn(client, email: "owner@example.com", password: TestApp.panelPassword)
            // Active every 11 hours: still signed in after 165 hours …
            for _ in 0..<15 {
                clock.advance(by: 11 * 3600)
                #expect(try await browser.send(client, .get, "/app/b/expiry-shop/").status == .ok)
            }
            // … but not beyond the 7 days (168 hours).
            clock.advance(by: 11 * 3600)
            #expect(try await browser.send(client, .get, "/app/b/expiry-shop/").status == .seeOther)

            try await browser.signIn(client, email: "owner@example.com", password: TestApp.panelPassword)
            clock.advance(by: 12 * 3600 + 1)
            #expect(try await browser.send(client, .get, "/app/b/expiry-shop/").status == .seeOther)
        }
    }

    /// The sign-in page never redirects off the panel.
    @Test func nextIsAlwaysAPanelPath() {
        #expect(PanelPaths.safeNext("/app/b/shop/") == "/app/b/shop/")
        #expect(PanelPaths.safeNext("/app") == "/app")
        for hostile in ["//evil.example/app", "https://evil.example", "/app//evil.example", "/app\\evil", "/application",
                        "/v1/knowledge", "/app/login", nil, "", "/app/\u{0}x"] {
            #expect(PanelPaths.safeNext(hostile) == "/app", "\(hostile ?? "nil")")
        }
    }
}
