import Foundation
import Receptionist
import Testing
@testable import Server

/// Rows for the contract tests, written through the repositories (so every backend is seeded the same way).
extension RepositoryStore {
    /// A line of a seeded call's transcript.
    struct Line {
        var speaker: TurnSpeaker
        var text: String
        var citations: [Citation]? = nil
        var answerConfidence: Double? = nil
        var declined = false
        var latencyMs: Double? = nil

        static func caller(_ text: String) -> Line { Line(speaker: .caller, text: text) }
        static func answer(_ text: String, entry: String = "entry-1", confidence: Double, latencyMs: Double? = nil) -> Line {
            Line(speaker: .receptionist, text: text,
                 citations: [Citation(entryId: entry, chunkId: 1, score: 0.03, similarity: confidence)],
                 answerConfidence: confidence, latencyMs: latencyMs)
        }
        static func declined(_ text: String, confidence: Double = 0.2, latencyMs: Double? = nil) -> Line {
            Line(speaker: .receptionist, text: text, answerConfidence: confidence, declined: true, latencyMs: latencyMs)
        }
    }

    /// Stores a finished call of `business` with its transcript (turns 5 s apart) and, optionally, a lead.
    @discardableResult
    func seedCall(
        _ sid: String, business: Business, caller: String? = nil, startedAt: Date, durationSeconds: Int? = 60,
        outcome: CallOutcome? = .answeredQuestion, isEmergency: Bool = false, transferStatus: String? = nil,
        questionsAnswered: Int = 0, questionsDeclined: Int = 0, citedEntries: String? = nil,
        lines: [Line] = [], lead: LeadDraft? = nil, leadAt: Date? = nil
    ) async throws -> CallRecord {
        var call = CallRecord(
            sid: sid, businessId: business.id, caller: caller, called: "+15550100000", status: "completed", state: .ended,
            machine: CallMachine(callerNumber: caller), version: 0, outcome: outcome, isEmergency: isEmergency,
            emergencyCategory: isEmergency ? "water" : nil, startedAt: startedAt,
            endedAt: durationSeconds.map { startedAt.addingTimeInterval(Double($0)) }, durationSeconds: durationSeconds)
        call.questionsAnswered = questionsAnswered
        call.questionsDeclined = questionsDeclined
        call.callerTurns = lines.filter { $0.speaker == .caller }.count
        call.transferStatus = transferStatus
        call.citedEntries = citedEntries
        let turns = lines.enumerated().map { index, line in
            CallTurn(id: nil, callSid: sid, seq: index, speaker: line.speaker, text: line.text, event: "speech",
                     asrConfidence: line.speaker == .caller ? 0.9 : nil, state: .faq, citations: line.citations,
                     answerConfidence: line.answerConfidence, declined: line.declined, latencyMs: line.latencyMs,
                     createdAt: startedAt.addingTimeInterval(Double(index) * 5))
        }
        let leads = lead.map { [Lead(draft: $0, businessId: business.id, callSid: sid, createdAt: leadAt ?? startedAt)] } ?? []
        let result = try await repositories.calls.write(TurnWrite(
            call: call, isNewCall: true, turns: turns, leads: leads, alerts: [], idempotencyToken: nil, response: ""))
        #expect(result == .stored)
        return call
    }
}

/// Instants for the CRM and analytics contract tests.
enum ContractTime {
    /// "2030-06-03T13:00" in Chicago (2030-06-03 is a Monday; Chicago is UTC−5 then).
    static func chicago(_ local: String) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "America/Chicago")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        return formatter.date(from: local)!
    }

    /// A "now" well before the 2030 appointments, so none is in the past.
    static let now = Date(timeIntervalSince1970: 1_750_000_000)
}
