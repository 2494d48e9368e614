import Analytics
import Foundation
import Receptionist

/// After a call ends: its summary, structured fields and the caller's sentiment, written to `call_summaries`.
/// Idempotent: running it again (after a crash, or by hand) replaces the row with the same content.
struct CallSummaryJob: JobHandler {
    static let kind = "call.summary"
    var kind: String { Self.kind }

    struct Payload: Codable, Sendable { var callSid: String }

    let summaries: any CallSummaryRepository
    let calls: any CallRepository
    let businesses: any BusinessRepository
    let sentiment: SentimentService
    let now: @Sendable () -> Date

    /// The job for `callSid`, enqueued once per call.
    static func job(callSid: String, businessId: String) throws -> NewJob {
        try NewJob(kind: kind, businessId: businessId, payload: Payload(callSid: callSid), dedupeKey: "summary:\(callSid)")
    }

    func run(_ job: Job) async throws {
        let payload = try job.decode(Payload.self)
        guard let call = try await calls.call(sid: payload.callSid) else {
            throw PermanentJobError("call \(payload.callSid) no longer exists")
        }
        guard let business = try await businesses.get(id: call.businessId) else {
            throw PermanentJobError("business \(call.businessId) no longer exists")
        }
        let turns = try await calls.turns(callSid: call.sid)
        let leads = try await calls.leads(callSid: call.sid)
        let titles = try await summaries.entryTitles(ids: Set(turns.flatMap { $0.citations ?? [] }.map(\.entryId)),
                                                     businessId: business.id)
        let transcript = Self.transcript(call: call, business: business, turns: turns, leads: leads, titles: titles)
        let summary = CallSummarizer().summarize(transcript)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = .sortedKeys
        let fields = String(decoding: try encoder.encode(summary), as: UTF8.self)

        // The caller's sentiment on each turn, and over the call (later turns weigh more).
        let spoken = turns.filter { $0.speaker == .caller && $0.event == "speech" && !$0.text.isEmpty }
        let scores = try await sentiment.score(spoken.map(\.text))
        let overall = scores.isEmpty ? nil : CallSentiment.aggregate(scores)
        try await summaries.save(
            CallSummaryRecord(callSid: call.sid, businessId: business.id, summary: summary.text, fields: fields,
                              followUpNeeded: summary.followUpNeeded, sentiment: overall, createdAt: now()),
            turnSentiments: Dictionary(zip(spoken, scores).compactMap { turn, score in turn.id.map { ($0, score.score) } },
                                       uniquingKeysWith: { first, _ in first }))
    }

    /// The server's records as the summarizer's values.
    static func transcript(call: CallRecord, business: Business, turns: [CallTurn], leads: [Lead],
                           titles: [String: String]) -> CallTranscript {
        let lines = turns.filter { !($0.speaker == .caller && $0.text.isEmpty) }.map { turn in
            TranscriptTurn(
                speaker: turn.speaker == .caller ? .caller : .receptionist, text: turn.text, event: turn.event,
                citations: (turn.citations ?? []).map { .init(entryId: $0.entryId, title: titles[$0.entryId]) },
                declined: turn.declined, answerConfidence: turn.answerConfidence, state: turn.state.rawValue)
        }
        let lead = leads.first.map { lead in
            LeadDetails(reason: lead.reason.rawValue, name: lead.name, phone: lead.phone, address: lead.address,
                        notes: lead.notes, preferredTime: lead.preferredTime, isEmergency: lead.isEmergency)
        }
        let transfer: CallTranscript.Transfer? = call.machine.transfer.map {
            $0.connected ? .connected : .notConnected(status: $0.rawValue)
        }
        return CallTranscript(
            businessName: business.name, turns: lines, outcome: call.outcome.flatMap { CallOutcomeKind(rawValue: $0.rawValue) },
            isEmergency: call.isEmergency, emergencyCategory: call.emergencyCategory, lead: lead, transfer: transfer)
    }
}
