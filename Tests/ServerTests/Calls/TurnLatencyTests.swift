import Foundation
import Logging
import Receptionist
import Testing
@testable import Server

/// `receptionistTurnLatencies` reads back the server's own turn timings for `frontdesk bench calls`, on each
/// backend's call repository, and `TurnLatencyReader` reaches it from a configuration (SQLite file or PostgreSQL URL).
@Suite struct TurnLatencyTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// What the turns written by `writeTurns` read back as, for the range t0…t0 + 5 s.
    static let expected = [
        TurnLatency(milliseconds: 3, isQuestion: false, event: "started"),
        TurnLatency(milliseconds: 12, isQuestion: true, event: "speech"),
        TurnLatency(milliseconds: 20, isQuestion: true, event: "speech"),
        TurnLatency(milliseconds: 1.5, isQuestion: false, event: "silence"),
    ]

    /// One call of a new business with receptionist turns at t0 … t0 + 3 s (a caller turn among them, without a
    /// latency) and one at t0 + 10 s.
    static func writeTurns(_ repositories: Repositories) async throws {
        let business = try await repositories.businesses
            .create(NewBusiness(slug: "timing", name: "Timing Ltd", timeZone: "Europe/London", numbers: ["+15550100001"]))
        let machine = CallMachine(callerNumber: nil)
        let call = CallRecord(sid: "CA-timing", businessId: business.id, caller: nil, called: "+15550100001",
                              status: "in-progress", state: machine.state, machine: machine, version: 0, outcome: nil,
                              isEmergency: false, emergencyCategory: nil, startedAt: t0, endedAt: nil, durationSeconds: nil)
        func turn(_ speaker: TurnSpeaker, _ event: String, latency: Double?, citations: [Citation]? = nil,
                  declined: Bool = false, at seconds: Double) -> CallTurn {
            CallTurn(id: nil, callSid: call.sid, seq: 0, speaker: speaker, text: "", event: event, asrConfidence: nil,
                     state: machine.state, citations: citations, answerConfidence: nil, declined: declined,
                     latencyMs: latency, createdAt: t0.addingTimeInterval(seconds))
        }
        let cited = [Citation(entryId: "e1", chunkId: 1, score: 0.5, similarity: 0.7)]
        let turns = [
            turn(.receptionist, "started", latency: 3, at: 0),
            turn(.caller, "speech", latency: nil, at: 1),
            turn(.receptionist, "speech", latency: 12, citations: cited, at: 1),
            turn(.receptionist, "speech", latency: 20, declined: true, at: 2),
            turn(.receptionist, "silence", latency: 1.5, at: 3),
            turn(.receptionist, "speech", latency: 99, citations: cited, at: 10),  // outside the range
        ]
        let write = TurnWrite(call: call, isNewCall: true, turns: turns, leads: [], alerts: [],
                              idempotencyToken: nil, response: "")
        #expect(try await repositories.calls.write(write) == .stored)
    }

    @Test(arguments: RepositoryBackend.all)
    func readsReceptionistTurnsInTheRangeAndMarksQuestionTurns(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        try await Self.writeTurns(store.repositories)
        let repository = try #require(store.repositories.calls as? any TurnLatencySource)

        #expect(try await repository.receptionistTurnLatencies(from: Self.t0, to: Self.t0.addingTimeInterval(5)) == Self.expected)
        #expect(try await repository.receptionistTurnLatencies(from: Self.t0.addingTimeInterval(20), to: Self.t0.addingTimeInterval(30)).isEmpty)
    }

    @Test(arguments: ["sqlite", "postgresql"])
    func theReaderOpensTheConfiguredDatabase(_ kind: String) async throws {
        var config = AppConfig()
        var cleanUp: () -> Void = {}
        if kind == "sqlite" {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("latency-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            config.databasePath = directory.appendingPathComponent("frontdesk.sqlite").path
            cleanUp = { try? FileManager.default.removeItem(at: directory) }
        } else {
            let url = try TestPostgres.freshDatabase(prefix: "latency")
            config.databaseURL = url
            cleanUp = { TestPostgres.dropDatabase(url: url) }
        }
        defer { cleanUp() }
        let logger = Logger(label: "test")
        // As in the bench: a server (here: storage opened the way the app opens it) writes, the reader reads.
        let storage = try await openStorage(config, logger: logger, now: Date.init)
        try await Self.writeTurns(storage.repositories)

        let reader = try await TurnLatencyReader.open(config, logger: logger)
        #expect(reader.kind == kind)
        #expect(try await reader.receptionistTurnLatencies(from: Self.t0, to: Self.t0.addingTimeInterval(5)) == Self.expected)
        try await reader.close()
        try await storage.close()
    }
}
