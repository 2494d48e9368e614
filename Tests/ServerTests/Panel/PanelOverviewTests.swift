import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Receptionist
import Testing
@testable import Server

/// The overview and exports pages through the real router: the numbers are the analytics API's for the same
/// range, the charts are drawn from them and link to the calls behind them, and nothing of another business shows.
@Suite struct PanelOverviewTests {
    struct World {
        let test: TestApp
        let a: Business
        let keyA: String
        let b: Business
    }

    /// A day in London (the tests' businesses' zone) at `hour`.
    static func london(_ day: String, hour: Int = 10) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Europe/London")
        formatter.dateFormat = "yyyy-MM-dd HH"
        return formatter.date(from: "\(day) \(hour)")!
    }

    /// Stores a finished call through the calls repository (the webhooks' own write).
    static func seed(_ test: TestApp, _ sid: String, _ business: Business, at startedAt: Date, duration: Int,
                     outcome: CallOutcome, emergency: Bool = false, answered: Int = 0, declined: Int = 0,
                     callerTurns: Int = 1, lead: LeadDraft? = nil) async throws {
        var call = CallRecord(
            sid: sid, businessId: business.id, caller: "+15557654321", called: "+15550100000", status: "completed", state: .ended,
            machine: CallMachine(callerNumber: "+15557654321"), version: 0, outcome: outcome, isEmergency: emergency,
            emergencyCategory: emergency ? "water" : nil, startedAt: startedAt,
            endedAt: startedAt.addingTimeInterval(Double(duration)), durationSeconds: duration)
        call.questionsAnswered = answered
        call.questionsDeclined = declined
        call.callerTurns = callerTurns
        let leads = lead.map { [Lead(draft: $0, businessId: business.id, callSid: sid, createdAt: startedAt)] } ?? []
        let result = try await test.services.repositories.calls.write(TurnWrite(
            call: call, isNewCall: true, turns: [], leads: leads, alerts: [], idempotencyToken: nil, response: ""))
        #expect(result == .stored)
    }

    /// A: three calls on 2030-06-01, none on the 2nd, an emergency with a lead on the 3rd. B: five calls on the 2nd.
    /// `owner@a`, `viewer@a` in A; `owner@b` in B.
    static func make() async throws -> World {
        let test = try await TestApp.make()
        let (a, keyA) = try await test.makeTenant("overview-a")
        let (b, _) = try await test.makeTenant("overview-b")
        try await seed(test, "CAa1", a, at: london("2030-06-01", hour: 9), duration: 60, outcome: .answeredQuestion, answered: 2)
        try await seed(test, "CAa2", a, at: london("2030-06-01", hour: 11), duration: 30, outcome: .answeredQuestion,
                       answered: 1, declined: 1)
        try await seed(test, "CAa3", a, at: london("2030-06-01", hour: 23), duration: 5, outcome: .abandoned, callerTurns: 0)
        try await seed(test, "CAa4", a, at: london("2030-06-03", hour: 0), duration: 120, outcome: .emergency, emergency: true,
                       declined: 1, lead: LeadDraft(reason: .emergency, name: "Ann", phone: "+15557654321", isEmergency: true))
        for index in 0..<5 {
            try await seed(test, "CAb\(index)", b, at: london("2030-06-02", hour: 8 + index), duration: 999, outcome: .transferred)
        }
        try await test.makePanelUser("owner@a.example", role: .owner, in: a)
        try await test.makePanelUser("viewer@a.example", role: .viewer, in: a)
        try await test.makePanelUser("owner@b.example", role: .owner, in: b)
        return World(test: test, a: a, keyA: keyA, b: b)
    }

    /// The bars of the chart `id`: value, height and link, in order.
    static func bars(_ page: String, chart id: String) throws -> [(value: Int, height: Double, href: String)] {
        let start = try #require(page.range(of: #"<figure class="chart" id="\#(id)">"#))
        let figure = page[start.upperBound...]
        let end = try #require(figure.range(of: "</figure>"))
        return figure[..<end.lowerBound].matches(
            of: /<a href="([^"]+)" data-value="(\d+)"><title>[^<]*<\/title><rect class="bar" x="[^"]+" y="[^"]+" width="[^"]+" height="([^"]+)"/
        ).map { (Int($0.2)!, Double($0.3)!, String($0.1).replacingOccurrences(of: "&amp;", with: "&")) }
    }

    /// `data-value` of each `data-metric` on the page.
    static func metrics(_ page: String) -> [String: String] {
        Dictionary(page.matches(of: /data-metric="([a-z_]+)" data-value="([^"]*)"/).map { (String($0.1), String($0.2)) },
                   uniquingKeysWith: { first, _ in first })
    }

    @Test func theOverviewShowsTheAnalyticsAPIsNumbersAndChartsForTheRange() async throws {
        let world = try await Self.make()
        try await world.test.app.test(.router) { client in
            let browser = PanelBrowser()
            try await browser.signIn(client, email: "owner@a.example", password: TestApp.panelPassword)
            let query = "from=2030-06-01&to=2030-06-03"
            let page = try await browser.send(client, .get, "/app/b/overview-a/?\(query)")
            #expect(page.status == .ok)
            #expect(page.body.contains("2030-06-01 to 2030-06-03, Europe/London"))

            // Every number equals the summary route's for the same range.
            let (_, summaryText, _) = try await CallExportTests.get(client, "/v1/analytics/summary?\(query)", key: world.keyA)
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(summaryText.utf8)) as? [String: Any])
            let shown = Self.metrics(page.body)
            #expect(shown.count == 8)
            for (key, value) in shown {
                if let expected = summary[key] as? NSNumber {
                    #expect(Double(value) == expected.doubleValue, "\(key): \(value) vs \(expected)")
                } else {
                    #expect(summary[key] is NSNull && value.isEmpty, "\(key): \(value)")
                }
            }
            #expect(shown["calls"] == "4", "B's five calls are not A's")
            #expect(shown["leads"] == "1")
            #expect(shown["emergencies"] == "1")
            #expect(shown["questions_declined"] == "2")
            #expect(shown["knowledge_answer_rate"] == "0.6")
            #expect(page.body.contains(">60%<"))
            #expect(page.body.contains(">54 s<"), "mean of 60, 30, 5, 120 s = 53.75")

            // One bar per day, heights proportional to the daily route's counts, each linking to its day's calls.
            let (_, dailyText, _) = try await CallExportTests.get(client, "/v1/analytics/daily.json?\(query)", key: world.keyA)
            let daily = try #require(try JSONSerialization.jsonObject(with: Data(dailyText.utf8)) as? [[String: Any]])
            let bars = try Self.bars(page.body, chart: "chart-calls")
            #expect(bars.map(\.value) == [3, 0, 1])
            #expect(daily.map { $0["calls"] as? Int } == [3, 1], "the API lists the days with calls")
            #expect(bars[1].height == 0)
            #expect(bars[0].height > 0)
            #expect(abs(bars[0].height / 3 - bars[2].height / 1) < 0.1, "\(bars.map(\.height))")
            #expect(bars.map(\.href) == ["2030-06-01", "2030-06-02", "2030-06-03"].map {
                "/app/b/overview-a/calls?from=\($0)&to=\($0)"
            })

            // Outcomes: one bar each, linking to the range's calls of that outcome.
            let outcomes = try Self.bars(page.body, chart: "chart-outcomes")
            #expect(outcomes.count == 6)
            let abandoned = try #require(outcomes.first { $0.href.hasSuffix("outcome=abandoned") })
            #expect(abandoned.value == 1)
            #expect(abandoned.href == "/app/b/overview-a/calls?from=2030-06-01&to=2030-06-03&outcome=abandoned")
            #expect(outcomes.first { $0.href.hasSuffix("outcome=answered_question") }?.value == 2)
            #expect(outcomes.first { $0.href.hasSuffix("outcome=transferred") }?.value == 0, "B's transfers are not A's")
            #expect(page.body.contains(#"href="/app/b/overview-a/calls?from=2030-06-01&amp;to=2030-06-03&amp;emergency=true""#))

            // Accessible: every chart has an SVG title and a table with the same numbers.
            for id in ["chart-calls", "chart-outcomes", "chart-answer-rate", "chart-sentiment"] {
                #expect(page.body.contains(#"<title id="\#(id)-title">"#), "\(id)")
            }
            #expect(page.body.contains(#"<th scope="row"><a href="/app/b/overview-a/calls?from=2030-06-02&amp;to=2030-06-02">2030-06-02</a></th><td>0</td>"#))
            // Answer rate per day: a point on the 1st (3 of 4) and the 3rd (0 of 1), none on the 2nd.
            #expect(page.body.contains("2030-06-01: 75%"))
            #expect(page.body.contains("2030-06-03: 0%"))
            #expect(!page.body.contains("2030-06-02: 0%"))
            #expect(!page.body.contains("\"nan\"") && !page.body.contains("nan,") && !page.body.contains("\"inf\""))
        }
    }

    @Test func aRangeWithoutCallsRendersAndABadRangeIsAClear400() async throws {
        let world = try await Self.make()
        try await world.test.app.test(.router) { client in
            let browser = PanelBrowser()
            try await browser.signIn(client, email: "owner@a.example", password: TestApp.panelPassword)
            for uri in ["/app/b/overview-a/?range=today", "/app/b/overview-a/?range=7d", "/app/b/overview-a/",
                        "/app/b/overview-a/?from=2030-05-01&to=2030-05-01"] {
                let page = try await browser.send(client, .get, uri)
                #expect(page.status == .ok, "\(uri)")
                #expect(page.body.contains(#"id="overview-empty""#), "\(uri)")
                #expect(Self.metrics(page.body)["calls"] == "0")
                #expect(Self.metrics(page.body)["knowledge_answer_rate"] == "", "no questions: no rate, not 0")
                let bars = try Self.bars(page.body, chart: "chart-calls")
                #expect(!bars.isEmpty && bars.allSatisfy { $0.value == 0 && $0.height == 0 }, "\(uri)")
                #expect(!page.body.contains("\"nan\"") && !page.body.contains("nan,") && !page.body.contains("\"inf\""), "\(uri)")
            }
            #expect(try Self.bars(try await browser.send(client, .get, "/app/b/overview-a/?range=7d").body, chart: "chart-calls").count == 7)
            #expect(try Self.bars(try await browser.send(client, .get, "/app/b/overview-a/").body, chart: "chart-calls").count == 30)

            let backwards = try await browser.send(client, .get, "/app/b/overview-a/?from=2030-06-05&to=2030-06-01")
            #expect(backwards.status == .badRequest)
            #expect(backwards.body.contains("from must be before to"))
            let json = try await browser.send(client, .get, "/app/b/overview-a/?from=2030-06-05&to=2030-06-01", html: false)
            #expect(json.errorCode == "invalid_range")
            let notADate = try await browser.send(client, .get, "/app/b/overview-a/?from=June&to=2030-06-01", html: false)
            #expect(notADate.status == .badRequest)
            #expect(notADate.errorCode == "invalid_parameter")
            let preset = try await browser.send(client, .get, "/app/b/overview-a/?range=year", html: false)
            #expect(preset.status == .badRequest)
            #expect(preset.errorCode == "invalid_parameter")
            let long = try await browser.send(client, .get, "/app/b/overview-a/exports?from=2020-01-01&to=2030-06-01", html: false)
            #expect(long.errorCode == "invalid_range")
        }
    }

    @Test func exportsDownloadTheAnalyticsAPIsFilesThroughTheSession() async throws {
        let world = try await Self.make()
        try await world.test.app.test(.router) { client in
            let browser = PanelBrowser()
            try await browser.signIn(client, email: "viewer@a.example", password: TestApp.panelPassword)
            let page = try await browser.send(client, .get, "/app/b/overview-a/exports?from=2030-06-01&to=2030-06-03")
            #expect(page.status == .ok)
            let links = page.body.matches(of: /href="([^"]+)" download data-export="([a-z.]+)"/)
                .map { (String($0.2), String($0.1).replacingOccurrences(of: "&amp;", with: "&")) }
            #expect(links.map(\.0) == ["calls.csv", "daily.csv", "hourly.csv", "dispatch.csv"])
            for (name, href) in links {
                #expect(href == "/app/b/overview-a/exports/\(name)?from=2030-06-01&to=2030-06-03")
                let download = try await browser.send(client, .get, href)
                #expect(download.status == .ok, "\(name)")
                #expect(download.header("Content-Disposition") == "attachment; filename=\"overview-a-\(name)\"")
                #expect(download.headers[.contentType] == "text/csv; charset=utf-8")
                let (status, rest, _) = try await CallExportTests.get(client, "/v1/analytics/\(name)?from=2030-06-01&to=2030-06-03",
                                                                       key: world.keyA)
                #expect(status == .ok)
                #expect(download.body == rest, "\(name): the same bytes as the API's")
            }
            let calls = CallExportTests.parseCSV(try await browser.send(client, .get, links[0].1).body)
            #expect(calls.first == CallExport.columns)
            #expect(calls.dropFirst().map { $0[0] } == ["CAa1", "CAa2", "CAa3", "CAa4"], "only A's calls, oldest first")

            #expect(try await browser.send(client, .get, "/app/b/overview-a/exports/calls.json").status == .notFound)
            #expect(try await browser.send(client, .get, "/app/b/overview-a/exports/calls.csv?to=nope", html: false).errorCode
                    == "invalid_parameter")
            // The overview is readable by a viewer too.
            let overview = try await browser.send(client, .get, "/app/b/overview-a/?from=2030-06-01&to=2030-06-03")
            #expect(overview.status == .ok)
            #expect(overview.body.contains(#"data-role="viewer""#))
            #expect(Self.metrics(overview.body)["calls"] == "4")
            // Without a session: the sign-in page, never a file.
            let anonymous = try await PanelBrowser().send(client, .get, links[0].1)
            #expect(anonymous.status == .seeOther)
            #expect(anonymous.location?.hasPrefix("/app/login?next=") == true)
            #expect(!anonymous.body.contains("CAa1"))
        }
    }

    @Test func anotherBusinessesOverviewAndExportsDoNotExist() async throws {
        let world = try await Self.make()
        try await world.test.app.test(.router) { client in
            let browser = PanelBrowser()
            try await browser.signIn(client, email: "owner@b.example", password: TestApp.panelPassword)
            for path in ["/app/b/overview-a/?from=2030-06-01&to=2030-06-03", "/app/b/overview-a/exports",
                         "/app/b/overview-a/exports/calls.csv?from=2030-06-01&to=2030-06-03"] {
                let page = try await browser.send(client, .get, path)
                #expect(page.status == .notFound, "\(path)")
                #expect(!page.body.contains("CAa1"), "\(path)")
            }
            let own = try await browser.send(client, .get, "/app/b/overview-b/?from=2030-06-01&to=2030-06-03")
            #expect(Self.metrics(own.body)["calls"] == "5")
            #expect(try Self.bars(own.body, chart: "chart-calls").map(\.value) == [0, 5, 0])
            let csv = try await browser.send(client, .get, "/app/b/overview-b/exports/calls.csv?from=2030-06-01&to=2030-06-03")
            #expect(!csv.body.contains("CAa"))
            #expect(CallExportTests.parseCSV(csv.body).count == 6)
        }
    }
}
