import Foundation
import Testing
@testable import Server

/// `frontdesk call` and `frontdesk replay`, run as the real binary against a database made by the test.
@Suite struct CallCommandTests {
    static func run(_ arguments: [String], input: String = "") throws -> (status: Int32, output: String) {
        guard FileManager.default.isExecutableFile(atPath: LiveServer.binary.path) else {
            throw LiveServerError("\(LiveServer.binary.path) is missing: build it first (`swift build`; `make test` does)")
        }
        let process = Process()
        process.executableURL = LiveServer.binary
        process.arguments = arguments + ["--model-dir", ServerTestPaths.modelDirectory]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    @Test func aTerminalCallAnswersTakesAMessageAndStoresNothing() async throws {
        let directory = try TemporaryDirectory()
        let app = try await TwilioWebhookTests.makeApp(in: directory)
        try await TwilioWebhookTests.makeBusiness(app)
        try app.services.database.close()

        let (status, output) = try Self.run(
            ["call", "--business", "rapid-rooter", "--db", directory.path("frontdesk.sqlite"), "--from", "+15557654321"],
            input: "what time are you open on saturday\ndo you fix pool pumps\nyes\nmy name is ana lima\nyes\n22 pine street\nyes\nno thanks\n")
        #expect(status == 0, "\(output)")
        #expect(output.contains("Thanks for calling Rapid Rooter"))
        #expect(output.contains("On Saturdays we are open from 8 a.m. to noon"), "\(output)")
        #expect(output.contains("cited:"))
        #expect(output.contains("Gather(speech"))
        #expect(output.contains("no answer in the knowledge base"))
        #expect(output.contains("lead saved: Ana Lima | +15557654321 | 22 Pine Street"), "\(output)")
        #expect(output.contains("Call ended: lead_captured."))

        let reopened = try AppDatabase(path: directory.path("frontdesk.sqlite"))
        let count = try await reopened.dbPool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM calls") }
        #expect(count == 0, "a terminal call is not stored")
    }

    @Test func replayOfAStoredCallFindsNoDifferenceUntilTheKnowledgeChanges() async throws {
        let directory = try TemporaryDirectory()
        let app = try await TwilioWebhookTests.makeApp(in: directory)
        let (business, _) = try await TwilioWebhookTests.makeBusiness(app)
        let sid = try await app.app.test(.router) { client in
            var call = SimulatedCall(twilio: TwilioTestClient(authToken: TwilioWebhookTests.authToken), to: TwilioWebhookTests.number)
            _ = try await call.start(client)
            _ = try await call.say(client, "do you clean gutters")
            _ = try await call.say(client, "no")
            _ = try await call.say(client, "no")
            return call.sid
        }
        let database = directory.path("frontdesk.sqlite")
        let same = try Self.run(["replay", sid, "--db", database])
        #expect(same.status == 0, "\(same.output)")
        #expect(same.output.contains("No differences"))

        _ = try await app.services.knowledge.create(businessId: business.id, draft: .init(
            title: "Gutter cleaning", content: "Yes, we clean gutters and downpipes. Gutter cleaning starts at 95 dollars for a two storey house."))
        let changed = try Self.run(["replay", sid, "--db", database])
        #expect(changed.status == 1, "\(changed.output)")
        #expect(changed.output.contains("THEN:"))
        #expect(changed.output.contains("NOW:"))
        #expect(changed.output.contains("gutters"))
    }
}

@Suite struct ExportCommandTests {
    @Test func exportCallsWritesTheSameRowsAsTheAPI() async throws {
        let directory = try TemporaryDirectory()
        let app = try await TwilioWebhookTests.makeApp(in: directory)
        let (_, key) = try await TwilioWebhookTests.makeBusiness(app)
        let api = try await app.app.test(.router) { client in
            var call = SimulatedCall(twilio: TwilioTestClient(authToken: TwilioWebhookTests.authToken), to: TwilioWebhookTests.number)
            _ = try await call.start(client)
            _ = try await call.say(client, "what are your hours on saturday")
            _ = try await call.hangUp(client, duration: 30)
            return try await CallExportTests.get(client, "/v1/analytics/calls.csv", key: key).1
        }
        let file = directory.path("calls.csv")
        let result = try CallCommandTests.run(["export", "calls", "--business", "rapid-rooter", "--db", directory.path("frontdesk.sqlite"),
                                               "--format", "csv", "--output", file])
        #expect(result.status == 0, "\(result.output)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == api)

        let bad = try CallCommandTests.run(["export", "calls", "--business", "rapid-rooter", "--db", directory.path("frontdesk.sqlite"),
                                            "--from", "2026-12-01", "--to", "2026-11-01"])
        #expect(bad.status != 0)
        #expect(bad.output.contains("from must be before to"))
    }

    @Test func exportDailyMatchesTheAPI() async throws {
        let directory = try TemporaryDirectory()
        let app = try await TwilioWebhookTests.makeApp(in: directory)
        let (_, key) = try await TwilioWebhookTests.makeBusiness(app)
        try await AnalyticsRollupTests.makeCalls(app)
        let api = try await app.app.test(.router) { client in
            try await CallExportTests.get(client, "/v1/analytics/daily.csv", key: key).1
        }
        let result = try CallCommandTests.run(["export", "daily", "--business", "rapid-rooter", "--db", directory.path("frontdesk.sqlite")])
        #expect(result.status == 0)
        #expect(result.output == api)
    }
}
