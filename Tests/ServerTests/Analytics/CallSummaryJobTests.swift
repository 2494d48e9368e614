import Foundation
import GRDB
import HummingbirdTesting
import Testing
@testable import Server

@Suite struct CallSummaryJobTests {
    @Test func aFinishedCallGetsItsSummaryFromAJobOnceAndIdempotently() async throws {
        let app = try await TwilioWebhookTests.makeApp()
        let (_, key) = try await TwilioWebhookTests.makeBusiness(app)
        let sid = try await app.app.test(.router) { client in
            var call = SimulatedCall(twilio: TwilioTestClient(authToken: TwilioWebhookTests.authToken), to: TwilioWebhookTests.number)
            _ = try await call.start(client)
            _ = try await call.say(client, "how much is a new water heater")
            _ = try await call.say(client, "do you also fix garage doors")
            _ = try await call.say(client, "yes")
            _ = try await call.say(client, "my name is kim park")
            _ = try await call.say(client, "yes")
            _ = try await call.say(client, "8 birch lane")
            _ = try await call.say(client, "yes")
            #expect(try await call.hangUp(client, duration: 120) == .ok)
            // Twilio may send the final status twice: still one job.
            _ = try await call.hangUp(client, duration: 120)
            return call.sid
        }
        // The post-call consumer queues the job when it sees call.ended (twice delivered: still one job).
        await app.services.eventConsumers.drainAll()
        let jobs = try await app.services.jobs.jobs(kind: CallSummaryJob.kind)
        #expect(jobs.count == 1)
        #expect(jobs.first?.dedupeKey == "summary:\(sid)")
        #expect(try await app.services.jobRunner.runDue(now: Date()) == 1)
        #expect(try await app.services.jobs.jobs(kind: CallSummaryJob.kind).first?.status == .done)

        func stored() throws -> Row? {
            try app.services.database.dbPool.read { try Row.fetchOne($0, sql: "SELECT * FROM call_summaries WHERE call_sid = ?", arguments: [sid]) }
        }
        let row = try #require(try stored())
        let summary: String = row["summary"]
        #expect(summary.contains("Kim Park"), "\(summary)")
        #expect(summary.lowercased().contains("water heater"), "\(summary)")
        #expect(row["follow_up_needed"] as Bool == true)
        let fields = try #require(try JSONSerialization.jsonObject(with: Data((row["fields"] as String).utf8)) as? [String: Any])
        #expect((fields["answered"] as? [[String: Any]])?.first?["entry_titles"] as? [String] == ["Water heater installation"])
        #expect((fields["declined"] as? [String]) == ["Do you also fix garage doors?"], "cleaned for reading")

        // Run again (as after a crash mid-job): the same row, not a second one.
        let handler = CallSummaryJob(summaries: app.services.repositories.callSummaries, calls: app.services.calls,
                                     businesses: app.services.businesses, sentiment: app.services.sentiment, now: Date.init)
        try await handler.run(try #require(jobs.first))
        let count = try await app.services.database.dbPool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM call_summaries") }
        #expect(count == 1)
        #expect(try stored()?["summary"] as String? == summary)

        try await app.app.test(.router) { client in
            let (_, csv, _) = try await CallExportTests.get(client, "/v1/analytics/calls.csv", key: key)
            let rows = CallExportTests.parseCSV(csv)
            let exported = Dictionary(uniqueKeysWithValues: zip(rows[0], rows[1]))
            #expect(exported["summary"] == summary)
        }
    }

    @Test func sentimentIsScoredPerTurnAndForTheCallWithItsDrivers() async throws {
        let app = try await TwilioWebhookTests.makeApp()
        let (_, key) = try await TwilioWebhookTests.makeBusiness(app)
        let sid = try await app.app.test(.router) { client in
            var call = SimulatedCall(twilio: TwilioTestClient(authToken: TwilioWebhookTests.authToken), to: TwilioWebhookTests.number)
            _ = try await call.start(client)
            _ = try await call.say(client, "this is ridiculous i have waited all week and the heater is still broken")
            _ = try await call.say(client, "what time are you open on saturday")
            _ = try await call.say(client, "brilliant thank you so much that is really helpful")
            _ = try await call.hangUp(client, duration: 50)
            return call.sid
        }
        await app.services.eventConsumers.drainAll()
        try await app.services.jobRunner.runDue(now: Date())
        let (label, trend, turnScores) = try await app.services.database.dbPool.read { db in
            (try String.fetchOne(db, sql: "SELECT sentiment_label FROM call_summaries WHERE call_sid = ?", arguments: [sid]),
             try String.fetchOne(db, sql: "SELECT sentiment_trend FROM call_summaries WHERE call_sid = ?", arguments: [sid]),
             try Double?.fetchAll(db, sql: "SELECT sentiment FROM call_turns WHERE call_sid = ? AND speaker = 'caller' AND event = 'speech' ORDER BY seq", arguments: [sid]))
        }
        #expect(turnScores.count == 3)
        #expect((turnScores[0] ?? 0) < -0.2, "the complaint is negative: \(turnScores)")
        #expect((turnScores[2] ?? 0) > 0.2, "the thanks are positive: \(turnScores)")
        #expect(trend == "improving")
        #expect(label == "positive", "the end of the call weighs more")

        try await app.app.test(.router) { client in
            let (status, body) = try await client.call(.get, "/v1/calls/\(sid)/sentiment", key: key)
            #expect(status == .ok)
            #expect(body["method"] as? String == "combined")
            #expect(body["trend"] as? String == "improving")
            let turns = try #require(body["turns"] as? [[String: Any]])
            let drivers = try #require(turns.first?["drivers"] as? [[String: Any]])
            #expect(drivers.contains { $0["source"] as? String == "lexicon" && ($0["text"] as? String ?? "").contains("ridiculous") }, "\(drivers)")
            #expect(drivers.contains { $0["source"] as? String == "training_sentence" })
            let (_, exported, _) = try await CallExportTests.get(client, "/v1/analytics/calls.json", key: key)
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(exported.utf8)) as? [[String: Any]])
            #expect(rows.first?["sentiment_label"] as? String == "positive")
        }
    }
}
