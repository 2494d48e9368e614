import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Server

/// Who may see and change which business's pages, and what every panel response carries, through the real router.
@Suite struct PanelAccessTests {
    /// Two businesses; `owner@a`, `staff@a`, `viewer@a` in A, `owner@b` in B.
    struct World {
        let test: TestApp
        let a: Business
        let b: Business
    }

    static func make() async throws -> World {
        let test = try await TestApp.make()
        let (a, _) = try await test.makeTenant("access-a")
        let (b, _) = try await test.makeTenant("access-b")
        try await test.makePanelUser("owner@a.example", role: .owner, in: a)
        try await test.makePanelUser("staff@a.example", role: .staff, in: a)
        try await test.makePanelUser("viewer@a.example", role: .viewer, in: a)
        try await test.makePanelUser("owner@b.example", role: .owner, in: b)
        return World(test: test, a: a, b: b)
    }

    /// A user of business A gets the same 404 for every page of business B as for a business that does not exist.
    @Test func anotherBusinessesPagesDoNotExistForAUser() async throws {
        let world = try await Self.make()
        try await world.test.app.test(.router) { client in
            let browser = PanelBrowser()
            try await browser.signIn(client, email: "owner@a.example", password: TestApp.panelPassword)
            let own = try await browser.send(client, .get, "/app/b/access-a/")
            #expect(own.status == .ok)
            let token = try #require(own.csrf)
            for path in ["/app/b/access-b/", "/app/b/access-b/users", "/app/b/no-such-business/"] {
                let page = try await browser.send(client, .get, path)
                #expect(page.status == .notFound, "\(path)")
                #expect(page.body.contains(#"data-status="404""#), "\(path)")
                #expect(!page.body.contains("Business access-b"), "\(path) names nothing of B")
            }
            let json = try await browser.send(client, .get, "/app/b/access-b/", html: false)
            #expect(json.status == .notFound)
            #expect(json.errorCode == "not_found")
            // Posting to B's pages (with a valid token of A's session) changes nothing there.
            let post = try await browser.send(client, .post, "/app/b/access-b/users",
                                              form: [("_csrf", token), ("email", "intruder@example.com"), ("role", "owner")])
            #expect(post.status == .notFound)
            #expect(try await world.test.services.repositories.panelUsers.members(businessId: world.b.id).count == 1)
        }
    }

    @Test func aViewerReadsButCannotPost() async throws {
        let world = try await Self.make()
        try await world.test.app.test(.router) { client in
            let browser = PanelBrowser()
            try await browser.signIn(client, email: "viewer@a.example", password: TestApp.panelPassword)
            let overview = try await browser.send(client, .get, "/app/b/access-a/")
            #expect(overview.status == .ok)
            #expect(overview.body.contains(#"data-role="viewer""#))
            #expect(!overview.body.contains("edit the knowledge base"))
            #expect(!overview.body.contains(#"data-nav="users""#))
            let token = try #require(overview.csrf)
            // A state-changing request of the business's pages is refused for a viewer before its route runs.
            let post = try await browser.send(client, .post, "/app/b/access-a/users",
                                              form: [("_csrf", token), ("email", "x@example.com"), ("role", "viewer")])
            #expect(post.status == .forbidden)
            #expect(post.body.contains("can view this business but not change it"))
            let json = try await browser.send(client, .post, "/app/b/access-a/users",
                                              form: [("_csrf", token), ("email", "x@example.com")], html: false)
            #expect(json.errorCode == "read_only")
            #expect(try await world.test.services.repositories.panelUsers.user(email: "x@example.com") == nil)
            // Signing out and changing one's own password are the user's, not the business's: allowed.
            #expect(try await browser.send(client, .post, "/app/logout", form: [("_csrf", token)]).status == .seeOther)
        }
    }

    @Test func onlyAnOwnerManagesUsers() async throws {
        let world = try await Self.make()
        try await world.test.app.test(.router) { client in
            let staff = PanelBrowser()
            try await staff.signIn(client, email: "staff@a.example", password: TestApp.panelPassword)
            let overview = try await staff.send(client, .get, "/app/b/access-a/")
            #expect(overview.body.contains("edit the knowledge base"))
            #expect(!overview.body.contains("add users"))
            #expect(try await staff.send(client, .get, "/app/b/access-a/users").status == .forbidden)
            let refused = try await staff.send(client, .post, "/app/b/access-a/users", form: [
                ("_csrf", try #require(overview.csrf)), ("email", "x@example.com"), ("role", "staff"),
            ], html: false)
            #expect(refused.status == .forbidden)
            #expect(refused.errorCode == "forbidden")

            let owner = PanelBrowser()
            try await owner.signIn(client, email: "owner@a.example", password: TestApp.panelPassword)
            let page = try await owner.send(client, .get, "/app/b/access-a/users")
            #expect(page.status == .ok)
            for email in ["owner@a.example", "staff@a.example", "viewer@a.example"] { #expect(page.body.contains(email)) }
            #expect(!page.body.contains("owner@b.example"))
            let added = try await owner.send(client, .post, "/app/b/access-a/users", form: [
                ("_csrf", try #require(page.csrf)), ("email", "New.Person@example.com"), ("role", "viewer"),
            ])
            #expect(added.status == .created)
            let password = try #require(added.body.firstMatch(of: /id="generated-password">([^<]+)</).map { String($0.1) })
            #expect(password.count == 20)
            // The new user signs in with it, as a viewer of A.
            let newcomer = PanelBrowser()
            #expect(try await newcomer.signIn(client, email: "new.person@example.com", password: password).status == .seeOther)
            #expect(try await newcomer.send(client, .get, "/app/b/access-a/").body.contains(#"data-role="viewer""#))
            // Added twice: refused, and the page says why.
            let again = try await owner.send(client, .post, "/app/b/access-a/users", form: [
                ("_csrf", try #require(page.csrf)), ("email", "new.person@EXAMPLE.com"), ("role", "staff"),
            ])
            #expect(again.status == .conflict)
            #expect(again.body.contains("already a member"))
            // B's owner added to A keeps their password, and now picks between the two businesses.
            let existing = try await owner.send(client, .post, "/app/b/access-a/users", form: [
                ("_csrf", try #require(page.csrf)), ("email", "owner@b.example"), ("role", "staff"),
            ])
            #expect(existing.status == .created)
            #expect(existing.body.contains("already had an account"))
            #expect(!existing.body.contains("generated-password"))
            let both = PanelBrowser()
            try await both.signIn(client, email: "owner@b.example", password: TestApp.panelPassword)
            let picker = try await both.send(client, .get, "/app")
            #expect(picker.status == .ok)
            #expect(picker.body.contains(#"data-business="access-a""#) && picker.body.contains(#"data-business="access-b""#))
        }
    }

    /// Every /app response — page, static file, redirect, error, unknown path — carries the security headers.
    @Test func everyPanelResponseCarriesTheSecurityHeaders() async throws {
        let world = try await Self.make()
        try await world.test.app.test(.router) { client in
            let browser = PanelBrowser()
            var responses: [(String, PanelBrowser.Page)] = []
            responses.append(("login", try await browser.send(client, .get, "/app/login")))
            responses.append(("redirect", try await browser.send(client, .get, "/app/b/access-a/")))
            responses.append(("css", try await browser.send(client, .get, "/app/static/panel.css")))
            responses.append(("js", try await browser.send(client, .get, "/app/static/panel.js")))
            responses.append(("unknown", try await browser.send(client, .get, "/app/no-such-page")))
            responses.append(("no file", try await browser.send(client, .get, "/app/static/missing.css")))
            responses.append(("forbidden", try await browser.send(client, .post, "/app/login", form: [], html: false)))
            try await browser.signIn(client, email: "owner@a.example", password: TestApp.panelPassword)
            responses.append(("overview", try await browser.send(client, .get, "/app/b/access-a/")))
            for (name, response) in responses {
                #expect(response.header("Content-Security-Policy") == PanelResponseMiddleware.contentSecurityPolicy, "\(name)")
                #expect(response.header("X-Content-Type-Options") == "nosniff", "\(name)")
                #expect(response.header("Referrer-Policy") == "same-origin", "\(name)")
                #expect(response.header("X-Frame-Options") == "DENY", "\(name)")
            }
            let policy = PanelResponseMiddleware.contentSecurityPolicy
            #expect(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"))
            #expect(!policy.contains("unsafe-inline"))
            let (_, css) = responses[2], (_, js) = responses[3], (_, overview) = responses[7]
            #expect(css.status == .ok && css.header("Content-Type")?.hasPrefix("text/css") == true)
            #expect(js.status == .ok && js.body.contains("X-CSRF-Token"))
            #expect(responses[4].1.status == .notFound && responses[5].1.status == .notFound)
            #expect(overview.header("Cache-Control") == "no-store")
            // The API is not the panel: no panel headers there.
            let api = try await client.call(.get, "/healthz", key: nil)
            #expect(api.status == .ok)
            let headers = try await client.execute(uri: "/healthz", method: .get) { $0.headers }
            #expect(headers[HTTPField.Name("Content-Security-Policy")!] == nil)
        }
    }

    /// Data is escaped wherever a template shows it.
    @Test func userDataIsEscaped() async throws {
        let test = try await TestApp.make()
        let business = try await test.services.businesses.create(NewBusiness(
            slug: "escape-shop", name: "<script>alert('x')</script> & Sons", timeZone: "Europe/London"))
        try await test.makePanelUser("owner@escape.example", role: .owner, in: business)
        try await test.app.test(.router) { client in
            let browser = PanelBrowser()
            try await browser.signIn(client, email: "owner@escape.example", password: TestApp.panelPassword)
            let overview = try await browser.send(client, .get, "/app/b/escape-shop/")
            #expect(overview.status == .ok)
            #expect(!overview.body.contains("<script>alert"))
            #expect(overview.body.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Sons"))
        }
    }

    /// The templates show data only through escaped `{{name}}`: no `{{{name}}}` or `{{& name}}` anywhere.
    @Test func templatesUseOnlyEscapedVariables() throws {
        let directory = ServerTestPaths.repoRoot.appendingPathComponent("panel/templates")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".mustache") }
        #expect(Set(names.map { String($0.dropLast(".mustache".count)) }) == Set(PanelPages.templateNames))
        for name in names {
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            #expect(!text.contains("{{{"), "\(name) uses {{{ }}}")
            #expect(text.firstMatch(of: /\{\{\s*&/) == nil, "\(name) uses {{& }}")
            #expect(text.firstMatch(of: /\{\{\s*=/) == nil, "\(name) changes delimiters")
            // No inline script or style (the CSP would block them anyway).
            #expect(!text.contains("<script>") && !text.contains("style="), "\(name)")
            #expect(text.firstMatch(of: /\son[a-z]+\s*=/) == nil, "\(name) has an inline event handler")
        }
    }
}
