import Foundation
import Testing
@testable import Server

/// SIGTERM on a real `frontdesk serve`: the request in flight still gets its answer, the process exits 0 and
/// the database is closed cleanly (WAL checkpointed and removed), with the write durable.
@Suite(.serialized, .timeLimit(.minutes(10)))  // a hang guard, not a timing assertion
struct GracefulShutdownTests {
    @Test func sigtermFinishesTheInFlightImportThenClosesTheDatabase() async throws {
        let directory = try TemporaryDirectory()
        let databasePath = directory.path("frontdesk.sqlite")
        let key = try await LiveServer.makeTenant(databasePath: databasePath, slug: "shutdown", name: "Shutdown Dental")
        let server = try LiveServer(databasePath: databasePath)
        // Enough rows that the import is still being embedded when the first scrape sees it, even on a fast machine.
        let rows = 600
        let jsonl = (0..<rows).map { #"{"title": "Question \#($0)", "content": "Answer \#($0) about fillings and crowns."}"# }
            .joined(separator: "\n")
        let importTask = Task { () -> Int? in
            try? await server.request("POST", "/v1/knowledge/import", key: key, body: Data(jsonl.utf8),
                                      contentType: "application/x-ndjson").status
        }
        // SIGTERM only once the server is handling the import: /metrics then counts two requests in flight
        // (the import and the scrape itself).
        // The wait is a precondition, not the behaviour under test: with the whole suite running in parallel on
        // two cores the import once took over 5 s to reach the handler, so wait up to a minute for it.
        var importInFlight = false
        let deadline = ContinuousClock.now + .seconds(60)
        while !importInFlight, ContinuousClock.now < deadline {
            importInFlight = try await server.inFlightRequests() >= 2
            if !importInFlight { try await Task.sleep(for: .milliseconds(25)) }
        }
        #expect(importInFlight, "the import never reached the server")
        server.process.terminate()  // SIGTERM
        server.process.waitUntilExit()
        let status = await importTask.value

        #expect(status == 201, "the in-flight import was not answered")
        #expect(server.process.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: databasePath + "-wal") ||
                ((try? FileManager.default.attributesOfItem(atPath: databasePath + "-wal")[.size] as? Int) ?? 0) == 0,
                "the WAL was not checkpointed: the database was not closed cleanly")
        let database = try AppDatabase(path: databasePath)
        let count = try await database.dbPool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM knowledge_entries")! }
        #expect(count == rows)
    }
}
