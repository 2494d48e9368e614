import Foundation
import Receptionist
import Testing
@testable import Server

/// What `frontdesk bench calls` reads the server's own turn timings back through, on either backend.
protocol TurnLatencyReading: Sendable {
    func receptionistTurnLatencies(from start: Date, to end: Date) async throws -> [TurnLatency]
}

extension GRDBCallRepository: TurnLatencyReading {}
extension PostgresCallRepository: TurnLatencyReading {}

/// `receptionistTurnLatencies` reads back the server's own turn timings for `frontdesk bench calls`.
@Suite struct TurnLatencyTests {
    @Test(arguments: RepositoryBackend.all)
    func readsReceptionistTurnsInTheRangeAndMarksQuestionTurns(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let business = try await store.repositories.businesses
            .create(NewBusiness(slug: "timing", name: "Timing Ltd", timeZone: "Europe/London", numbers: ["+15550100001"]))
        let calls = store.repositories.calls
        let repository = try #require(calls as? any TurnLatencyReading)
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
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
        #expect(try await calls.write(write) == .stored)

        let read = try await repository.receptionistTurnLatencies(from: t0, to: t0.addingTimeInterval(5))
        #expect(read == [
            TurnLatency(milliseconds: 3, isQuestion: false, event: "started"),
            TurnLatency(milliseconds: 12, isQuestion: true, event: "speech"),
            TurnLatency(milliseconds: 20, isQuestion: true, event: "speech"),
            TurnLatency(milliseconds: 1.5, isQuestion: false, event: "silence"),
        ])
        #expect(try await repository.receptionistTurnLatencies(from: t0.addingTimeInterval(20), to: t0.addingTimeInterval(30)).isEmpty)
    }
}
