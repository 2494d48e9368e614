import Analytics
import Foundation
import GRDB
import Receptionist

/// After a call ends: its summary, structured fields and the caller's sentiment, written to `call_summaries`.
/// Idempotent: running it again (after a crash, or by hand) replaces the row with the same content.
struct CallSummaryJob: JobHandler {
    static let kind = "call.summary"
    var kind: String { Self.kind }

    struct Payload: Codable, Sendable { var callSid: String }

    let database: AppDatabase
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
        let titles = try await entryTitles(Set(turns.flatMap { $0.citations ?? [] }.map(\.entryId)), businessId: business.id)
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
        let timestamp = now()
        try await database.dbPool.write { db in
            for (turn, score) in zip(spoken, scores) {
                try db.execute(sql: "UPDATE call_turns SET sentiment = ? WHERE id = ?", arguments: [score.score, turn.id])
            }
            try db.execute(sql: """
                INSERT INTO call_summaries (call_sid, business_id, summary, fields, follow_up_needed, sentiment_score,
                                            sentiment_label, sentiment_trend, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (call_sid) DO UPDATE SET summary = excluded.summary, fields = excluded.fields,
                    follow_up_needed = excluded.follow_up_needed, sentiment_score = excluded.sentiment_score,
                    sentiment_label = excluded.sentiment_label, sentiment_trend = excluded.sentiment_trend,
                    created_at = excluded.created_at
                """, arguments: [call.sid, business.id, summary.text, fields, summary.followUpNeeded, overall?.score,
                                 overall?.label.rawValue, overall?.trend.rawValue, timestamp])
        }
    }

    private func entryTitles(_ ids: Set<String>, businessId: String) async throws -> [String: String] {
        guard !ids.isEmpty else { return [:] }
        return try await database.dbPool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, title FROM knowledge_entries WHERE business_id = ? AND id IN (\(ids.map { _ in "?" }.joined(separator: ",")))
                """, arguments: StatementArguments([businessId] + Array(ids)))
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["id"] as String, $0["title"] as String) })
        }
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
