import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Server

@Suite struct AnalyticsRollupTests {
    /// Three calls today: one answered, one with only unanswerable questions, one emergency.
    static func makeCalls(_ app: TestApp) async throws {
        try await app.app.test(.router) { client in
            let twilio = TwilioTestClient(authToken: TwilioWebhookTests.authToken)
            var answered = SimulatedCall(twilio: twilio, to: TwilioWebhookTests.number)
            _ = try await answered.start(client)
            _ = try await answered.say(client, "what time are you open on saturday")
            _ = try await answered.say(client, "no that's all thanks")
            _ = try await answered.hangUp(client, duration: 60)

            var gaps = SimulatedCall(twilio: twilio, to: TwilioWebhookTests.number)
            _ = try await gaps.start(client)
            for question in ["do you fix swimming pool pumps", "can you repair a pool heater", "do you service hot tubs and spas"] {
                _ = try await gaps.say(client, question)
                _ = try await gaps.say(client, "no")   // no message; then "anything else?" continues
            }
            _ = try await gaps.hangUp(client, duration: 30)

            var emergency = SimulatedCall(twilio: twilio, to: TwilioWebhookTests.number)
            _ = try await emergency.start(client)
            _ = try await emergency.say(client, "there's water pouring through my ceiling a pipe burst")
            _ = try await emergency.hangUp(client, duration: 15)
        }
    }

    @Test func dailyHourlyAndSummaryCountTheBusinessCalls() async throws {
        let app = try await TwilioWebhookTests.makeApp()
        let (_, key) = try await TwilioWebhookTests.makeBusiness(app)
        let (_, otherKey) = try await TwilioWebhookTests.makeBusiness(app, slug: "other", number: "+15550100001")
        try await Self.makeCalls(app)
        try await app.app.test(.router) { client in
            let (status, json, headers) = try await CallExportTests.get(client, "/v1/analytics/daily.json", key: key)
            #expect(status == .ok)
            #expect(headers[.contentType]?.hasPrefix("application/json") == true)
            let days = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
            #expect(days.count == 1)
            let day = days[0]
            #expect(day["calls"] as? Int == 3)
            #expect(day["emergencies"] as? Int == 1)
            #expect(day["outcome_emergency"] as? Int == 1)
            #expect(day["outcome_answered_question"] as? Int == 1)
            #expect(day["outcome_abandoned"] as? Int == 1)
            #expect(day["questions_answered"] as? Int == 1)
            #expect(day["questions_declined"] as? Int == 3)
            #expect(day["knowledge_answer_rate"] as? Double == 0.25)
            #expect(day["duration_p50_seconds"] as? Double == 30)
            #expect(day["duration_mean_seconds"] as? Double == 35)
            #expect(day["latency_p50_ms"] is Double)
            #expect((day["start"] as? String)?.hasSuffix("T00:00:00-06:00") == true, "a local day in Chicago: \(day["start"] ?? "")")

            let (_, csv, _) = try await CallExportTests.get(client, "/v1/analytics/hourly.csv", key: key)
            let rows = CallExportTests.parseCSV(csv)
            #expect(rows.first == CallRollup.columns)
            #expect(rows.dropFirst().map { Int($0[3]) ?? 0 }.reduce(0, +) == 3, "every call is in one hour")

            let (_, summaryText, _) = try await CallExportTests.get(client, "/v1/analytics/summary", key: key)
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(summaryText.utf8)) as? [String: Any])
            #expect(summary["calls"] as? Int == 3)
            #expect(summary["leads"] as? Int == 1, "the emergency caller's details are kept")

            let (_, other, _) = try await CallExportTests.get(client, "/v1/analytics/daily.json", key: otherKey)
            #expect((try JSONSerialization.jsonObject(with: Data(other.utf8)) as? [Any])?.isEmpty == true)
            let (otherSummaryStatus, otherSummary, _) = try await CallExportTests.get(client, "/v1/analytics/summary", key: otherKey)
            #expect(otherSummaryStatus == .ok)
            #expect((try JSONSerialization.jsonObject(with: Data(otherSummary.utf8)) as? [String: Any])?["calls"] as? Int == 0)

            let (ndjsonStatus, ndjson) = try await client.call(.get, "/v1/analytics/daily.ndjson", key: key)
            #expect(ndjsonStatus == .badRequest)
            #expect(ndjson.errorCode == "unsupported_format")
        }
    }

    @Test func knowledgeGapsGroupTheUnansweredQuestions() async throws {
        let app = try await TwilioWebhookTests.makeApp()
        let (_, key) = try await TwilioWebhookTests.makeBusiness(app)
        let (_, otherKey) = try await TwilioWebhookTests.makeBusiness(app, slug: "other", number: "+15550100001")
        try await Self.makeCalls(app)
        try await app.app.test(.router) { client in
            let (status, report) = try await client.call(.get, "/v1/analytics/knowledge-gaps", key: key)
            #expect(status == .ok)
            #expect(report["questions_considered"] as? Int == 3)
            let topics = try #require(report["topics"] as? [[String: Any]])
            #expect(!topics.isEmpty)
            #expect(topics.map { $0["count"] as? Int ?? 0 }.reduce(0, +) == 3)
            #expect(topics.map { $0["declined"] as? Int ?? 0 }.reduce(0, +) == 3)
            let representative = try #require(topics.first?["representative"] as? String)
            #expect(["pool", "tub", "spa"].contains { representative.contains($0) }, "\(representative)")
            #expect((topics.first?["examples"] as? [String])?.isEmpty == false)

            let (_, empty) = try await client.call(.get, "/v1/analytics/knowledge-gaps", key: otherKey)
            #expect(empty["questions_considered"] as? Int == 0)
            #expect(try await client.call(.get, "/v1/analytics/knowledge-gaps?max_topics=0", key: key).status == .badRequest)
        }
    }

    @Test func metricsCountCallsByBusinessAndOutcomeAndEmergencies() async throws {
        let app = try await TwilioWebhookTests.makeApp()
        let (business, _) = try await TwilioWebhookTests.makeBusiness(app)
        try await Self.makeCalls(app)
        await app.services.eventConsumers.drainAll()
        try await app.services.jobRunner.runDue(now: Date())
        try await app.app.test(.router) { client in
            let text = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            #expect(text.contains(#"frontdesk_calls_total{business="\#(business.id)",outcome="emergency"} 1"#), "\(text)")
            #expect(text.contains(#"frontdesk_calls_total{business="\#(business.id)",outcome="abandoned"} 1"#))
            #expect(text.contains(#"frontdesk_emergencies_total{business="\#(business.id)",category="water"} 1"#))
            #expect(text.contains(#"frontdesk_jobs_run_total{kind="call.summary",result="done"} 3"#))
        }
    }
}
