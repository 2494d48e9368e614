import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Server

/// The panel's calls list and call page, through the real router, templates and storage (SQLite, or PostgreSQL in
/// the second pass of `make test`), with calls made by signed Twilio webhooks and summarised by the real job.
@Suite struct PanelCallsTests {
    /// Rapid Rooter (A, Chicago) with two finished, summarised calls; Other Rooter (B) with one; a viewer of A and
    /// an owner of B.
    struct World {
        let test: TestApp
        let a: Business
        let b: Business
        /// A's call that asked about a water heater, asked something the knowledge base lacks and left details.
        let leadCall: String
        /// A's short call asking the opening hours (its words carry markup).
        let hoursCall: String
        let otherCall: String
    }

    static func make() async throws -> World {
        let test = try await TwilioWebhookTests.makeApp()
        let (a, _) = try await TwilioWebhookTests.makeBusiness(test)
        let (b, _) = try await TwilioWebhookTests.makeBusiness(test, slug: "other-rooter", number: "+15550100001")
        try await test.makePanelUser("viewer@a.example", role: .viewer, in: a)
        try await test.makePanelUser("owner@b.example", role: .owner, in: b)
        let twilio = TwilioTestClient(authToken: TwilioWebhookTests.authToken)
        let (leadCall, hoursCall, otherCall) = try await test.app.test(.router) { client in
            var lead = SimulatedCall(twilio: twilio, to: TwilioWebhookTests.number)
            _ = try await lead.start(client)
            for words in ["how much is a new water heater", "do you also fix garage doors", "yes", "my name is kim park",
                          "yes", "8 birch lane", "yes"] {
                _ = try await lead.say(client, words)
            }
            _ = try await lead.hangUp(client, duration: 125)
            var hours = SimulatedCall(twilio: twilio, to: TwilioWebhookTests.number)
            hours.from = "+15557650000"
            _ = try await hours.start(client)
            _ = try await hours.say(client, "what time are you open on saturday <b>please</b>")
            _ = try await hours.hangUp(client, duration: 30)
            var other = SimulatedCall(twilio: twilio, to: "+15550100001")
            _ = try await other.start(client)
            _ = try await other.say(client, "how much is a new water heater")
            _ = try await other.hangUp(client, duration: 40)
            return (lead.sid, hours.sid, other.sid)
        }
        // The post-call consumer queues each call's summary job (due when queued), then the jobs run.
        await test.services.eventConsumers.drainAll()
        try await test.services.settle(at: Date())
        for sid in [leadCall, hoursCall] {
            #expect(try await test.services.repositories.callSummaries.summary(callSid: sid, businessId: a.id) != nil)
        }
        return World(test: test, a: a, b: b, leadCall: leadCall, hoursCall: hoursCall, otherCall: otherCall)
    }

    /// `YYYY-MM-DD` in Chicago, `days` from today.
    static func chicagoDay(_ days: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "America/Chicago")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date().addingTimeInterval(Double(days) * 86_400))
    }

    /// The `data-sid`s of the list's rows, in order.
    static func sids(_ page: PanelBrowser.Page) -> [String] {
        page.body.matches(of: /<tr data-sid="([^"]+)">/).map { String($0.1) }
    }

    static func unescaped(_ href: String) -> String { href.replacingOccurrences(of: "&amp;", with: "&") }

    @Test func theListShowsTheBusinesssCallsNewestFirstFilteredAndPaged() async throws {
        let world = try await Self.make()
        let outcomes = try await world.test.services.calls.calls(businessId: world.a.id, limit: 10, cursor: nil).items
        let leadOutcome = try #require(outcomes.first { $0.sid == world.leadCall }?.outcome)
        let hoursOutcome = try #require(outcomes.first { $0.sid == world.hoursCall }?.outcome)
        #expect(leadOutcome != hoursOutcome, "the two calls are told apart by outcome")
        try await world.test.app.test(.router) { client in
            let browser = PanelBrowser()
            // Signed out: to the sign-in page, back here afterwards.
            let signedOut = try await browser.send(client, .get, "/app/b/rapid-rooter/calls")
            #expect(signedOut.status == .seeOther)
            #expect(signedOut.location?.hasPrefix("/app/login?next=") == true)
            try await browser.signIn(client, email: "viewer@a.example", password: TestApp.panelPassword)

            let list = try await browser.send(client, .get, "/app/b/rapid-rooter/calls")
            #expect(list.status == .ok)
            #expect(Self.sids(list) == [world.hoursCall, world.leadCall], "newest first, only A's")
            #expect(!list.body.contains(world.otherCall))
            #expect(list.body.contains(#"href="/app/b/rapid-rooter/calls/\#(world.leadCall)""#))
            #expect(list.body.contains("+15557650000"))
            #expect(list.body.contains("2:05"), "the lead call's duration")
            #expect(list.body.contains(#"data-nav="calls""#))
            #expect(!list.body.contains(#"id="next-page""#) && !list.body.contains(#"id="first-page""#))

            // By outcome, and by day in the business's zone (both days included).
            let byOutcome = try await browser.send(client, .get, "/app/b/rapid-rooter/calls?outcome=\(leadOutcome.rawValue)")
            #expect(Self.sids(byOutcome) == [world.leadCall])
            #expect(byOutcome.body.contains(#"<option value="\#(leadOutcome.rawValue)" selected>"#))
            let around = try await browser.send(client, .get, "/app/b/rapid-rooter/calls?from=\(Self.chicagoDay(-1))&to=\(Self.chicagoDay(1))&outcome=")
            #expect(Self.sids(around) == [world.hoursCall, world.leadCall])
            #expect(around.body.contains(#"value="\#(Self.chicagoDay(-1))""#), "the filter is shown again")
            let later = try await browser.send(client, .get, "/app/b/rapid-rooter/calls?from=\(Self.chicagoDay(2))")
            #expect(later.status == .ok)
            #expect(Self.sids(later).isEmpty)
            #expect(later.body.contains("No calls match these filters."))
            let earlier = try await browser.send(client, .get, "/app/b/rapid-rooter/calls?to=\(Self.chicagoDay(-2))")
            #expect(Self.sids(earlier).isEmpty)

            // A page at a time; the next page's link keeps the filters.
            let first = try await browser.send(client, .get, "/app/b/rapid-rooter/calls?limit=1&from=\(Self.chicagoDay(-1))")
            #expect(Self.sids(first) == [world.hoursCall])
            let next = String(try #require(first.body.firstMatch(of: /href="([^"]+)" id="next-page"/)).1)
            #expect(Self.unescaped(next).contains("from=\(Self.chicagoDay(-1))"))
            let second = try await browser.send(client, .get, Self.unescaped(next))
            #expect(second.status == .ok)
            #expect(Self.sids(second) == [world.leadCall])
            #expect(!second.body.contains(#"id="next-page""#))
            #expect(second.body.contains(#"id="first-page""#))

            // Unreadable filters are 400, never a 500 or a silently ignored filter.
            for query in ["from=2026-13-45", "to=yesterday", "outcome=bogus", "limit=0", "limit=101", "cursor=garbage",
                          "from=\(Self.chicagoDay(1))&to=\(Self.chicagoDay(-1))"] {
                let page = try await browser.send(client, .get, "/app/b/rapid-rooter/calls?\(query)")
                #expect(page.status == .badRequest, "\(query)")
                let json = try await browser.send(client, .get, "/app/b/rapid-rooter/calls?\(query)", html: false)
                #expect(["invalid_parameter", "invalid_range"].contains(json.errorCode), "\(query): \(json.body)")
            }
        }
    }

    @Test func theCallPageShowsTranscriptIntentSentimentSummaryLeadAndSources() async throws {
        let world = try await Self.make()
        try await world.test.app.test(.router) { client in
            let browser = PanelBrowser()
            try await browser.signIn(client, email: "viewer@a.example", password: TestApp.panelPassword)
            let page = try await browser.send(client, .get, "/app/b/rapid-rooter/calls/\(world.leadCall)")
            #expect(page.status == .ok)
            let body = page.body
            #expect(body.contains(#"data-sid="\#(world.leadCall)""#))
            #expect(body.contains(#"<dd id="call-duration">2:05</dd>"#))
            // The transcript, each caller turn's intent, and the answer's source by its title.
            #expect(body.contains("how much is a new water heater"))
            #expect(body.contains(#"data-intent="question""#))
            #expect(body.contains(#"<cite data-entry=""#) && body.contains(">Water heater installation</cite>"))
            #expect(body.contains(#"class="tag declined""#), "the garage-door question was not in the knowledge base")
            // The summary job's work: text, why they called, sentiment over the call and per turn.
            let summary = try #require(body.firstMatch(of: /<p id="summary-text">([^<]+)<\/p>/)?.1)
            #expect(summary.contains("Kim Park"), "\(summary)")
            #expect(body.contains(#"<dd id="call-intent">"#))
            #expect(body.contains(#"id="call-sentiment" data-label=""#))
            #expect(body.contains(#"data-sentiment=""#))
            #expect(body.contains("Do you also fix garage doors?"), "listed as not answered")
            #expect(!body.contains(#"id="summary-pending""#))
            // The details the caller left.
            #expect(body.contains(#"<dd class="lead-name">Kim Park</dd>"#))
            #expect(body.contains("8 Birch Lane") || body.contains("8 birch lane"))

            // The caller's words are text, never markup.
            let hours = try await browser.send(client, .get, "/app/b/rapid-rooter/calls/\(world.hoursCall)")
            #expect(hours.status == .ok)
            #expect(hours.body.contains("&lt;b&gt;please&lt;/b&gt;"))
            #expect(!hours.body.contains("<b>please</b>"))
            #expect(hours.body.contains(#"id="no-lead""#))
            #expect(hours.body.contains(">Opening hours</cite>"))
        }
    }

    /// Another business's call is "not found" by id, as is every call page of a business the user is no member of.
    @Test func callsOfAnotherBusinessDoNotExistForAUser() async throws {
        let world = try await Self.make()
        try await world.test.app.test(.router) { client in
            let viewer = PanelBrowser()
            try await viewer.signIn(client, email: "viewer@a.example", password: TestApp.panelPassword)
            for path in ["/app/b/rapid-rooter/calls/\(world.otherCall)", "/app/b/rapid-rooter/calls/CAnosuchcall",
                         "/app/b/other-rooter/calls", "/app/b/other-rooter/calls/\(world.otherCall)"] {
                let page = try await viewer.send(client, .get, path)
                #expect(page.status == .notFound, "\(path)")
                #expect(!page.body.contains("water heater"), "\(path) shows nothing of B's call")
            }
            let json = try await viewer.send(client, .get, "/app/b/rapid-rooter/calls/\(world.otherCall)", html: false)
            #expect(json.errorCode == "not_found")

            let owner = PanelBrowser()
            try await owner.signIn(client, email: "owner@b.example", password: TestApp.panelPassword)
            let own = try await owner.send(client, .get, "/app/b/other-rooter/calls")
            #expect(Self.sids(own) == [world.otherCall])
            #expect(try await owner.send(client, .get, "/app/b/other-rooter/calls/\(world.leadCall)").status == .notFound)
            #expect(try await owner.send(client, .get, "/app/b/rapid-rooter/calls/\(world.leadCall)").status == .notFound)
            #expect(try await owner.send(client, .get, "/app/b/other-rooter/calls/\(world.otherCall)").status == .ok)
        }
    }
}
