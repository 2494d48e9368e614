import Events
import Foundation
import PostgresNIO
import Receptionist

// Rows of `calls`, `call_turns`, `leads` and `owner_alerts`: the columns each decoder reads, and the decoders.
// Enumerations are stored as their raw values and nested values as JSON text (`PostgresRecordJSON`), as on SQLite.

extension PostgresCallRepository {
    static let callColumns = """
        sid, business_id, caller, called, status, state, machine, version, outcome, is_emergency, emergency_category,
        started_at, ended_at, duration_seconds, questions_answered, questions_declined, caller_turns, transfer_status,
        cited_entries, direction, status_sequence, context
        """

    static let turnColumns = """
        id, call_sid, seq, speaker, text, event, asr_confidence, state, citations, answer_confidence, declined,
        latency_ms, created_at
        """

    static let leadColumns = """
        id, business_id, call_sid, reason, name, phone, address, notes, preferred_time, preferred_start, preferred_end,
        category, severity, is_emergency, status, created_at, conversation_id
        """

    static let alertColumns = "id, business_id, call_sid, kind, callback_number, message, status, created_at"

    /// Decodes rows selected with ``callColumns``.
    static func decodeCalls(_ rows: PostgresRowSequence) async throws -> [CallRecord] {
        var calls: [CallRecord] = []
        for try await row in rows { calls.append(try decodeCall(row)) }
        return calls
    }

    /// Decodes a row selected with ``callColumns`` (and maybe more).
    static func decodeCall(_ row: PostgresRow) throws -> CallRecord {
        let cells = row.makeRandomAccess()
        let sid = try cells["sid"].decode(String.self)
        var call = CallRecord(
            sid: sid, businessId: try cells["business_id"].decode(String.self),
            caller: try cells["caller"].decode(String?.self), called: try cells["called"].decode(String.self),
            status: try cells["status"].decode(String.self),
            state: try raw(CallState.self, cells["state"].decode(String.self), "call \(sid) state"),
            machine: try PostgresRecordJSON.value(CallMachine.self, from: cells["machine"].decode(String.self)),
            version: try cells["version"].decode(Int.self),
            outcome: try cells["outcome"].decode(String?.self).map { try raw(CallOutcome.self, $0, "call \(sid) outcome") },
            isEmergency: try cells["is_emergency"].decode(Bool.self),
            emergencyCategory: try cells["emergency_category"].decode(String?.self),
            startedAt: try cells["started_at"].decode(Date.self), endedAt: try cells["ended_at"].decode(Date?.self),
            durationSeconds: try cells["duration_seconds"].decode(Int?.self))
        call.questionsAnswered = try cells["questions_answered"].decode(Int.self)
        call.questionsDeclined = try cells["questions_declined"].decode(Int.self)
        call.callerTurns = try cells["caller_turns"].decode(Int.self)
        call.transferStatus = try cells["transfer_status"].decode(String?.self)
        call.citedEntries = try cells["cited_entries"].decode(String?.self)
        call.direction = try raw(CallDirection.self, cells["direction"].decode(String.self), "call \(sid) direction")
        call.statusSequence = try cells["status_sequence"].decode(Int?.self)
        call.context = try cells["context"].decode(String?.self)
        return call
    }

    /// Decodes rows selected with ``turnColumns``.
    static func decodeTurns(_ rows: PostgresRowSequence) async throws -> [CallTurn] {
        var turns: [CallTurn] = []
        for try await row in rows {
            let cells = row.makeRandomAccess()
            let id = try cells["id"].decode(Int64.self)
            turns.append(CallTurn(
                id: id, callSid: try cells["call_sid"].decode(String.self), seq: try cells["seq"].decode(Int.self),
                speaker: try raw(TurnSpeaker.self, cells["speaker"].decode(String.self), "turn \(id) speaker"),
                text: try cells["text"].decode(String.self), event: try cells["event"].decode(String.self),
                asrConfidence: try cells["asr_confidence"].decode(Double?.self),
                state: try raw(CallState.self, cells["state"].decode(String.self), "turn \(id) state"),
                citations: try cells["citations"].decode(String?.self).map { try PostgresRecordJSON.value([Citation].self, from: $0) },
                answerConfidence: try cells["answer_confidence"].decode(Double?.self),
                declined: try cells["declined"].decode(Bool.self), latencyMs: try cells["latency_ms"].decode(Double?.self),
                createdAt: try cells["created_at"].decode(Date.self)))
        }
        return turns
    }

    /// Decodes rows selected with ``leadColumns``.
    static func decodeLeads(_ rows: PostgresRowSequence) async throws -> [Lead] {
        var leads: [Lead] = []
        for try await row in rows {
            let cells = row.makeRandomAccess()
            let id = try cells["id"].decode(String.self)
            var lead = Lead(draft: LeadDraft(reason: .message), businessId: try cells["business_id"].decode(String.self),
                            callSid: try cells["call_sid"].decode(String?.self), createdAt: try cells["created_at"].decode(Date.self))
            lead.id = id
            lead.reason = try raw(LeadReason.self, cells["reason"].decode(String.self), "lead \(id) reason")
            lead.name = try cells["name"].decode(String?.self)
            lead.phone = try cells["phone"].decode(String?.self)
            lead.address = try cells["address"].decode(String?.self)
            lead.notes = try cells["notes"].decode(String?.self)
            lead.preferredTime = try cells["preferred_time"].decode(String?.self)
            lead.preferredStart = try cells["preferred_start"].decode(Date?.self)
            lead.preferredEnd = try cells["preferred_end"].decode(Date?.self)
            lead.category = try cells["category"].decode(String?.self)
            lead.severity = try cells["severity"].decode(String?.self).map { try raw(Severity.self, $0, "lead \(id) severity") }
            lead.isEmergency = try cells["is_emergency"].decode(Bool.self)
            lead.status = try cells["status"].decode(String.self)
            lead.conversationId = try cells["conversation_id"].decode(String?.self)
            leads.append(lead)
        }
        return leads
    }

    /// Decodes rows selected with ``alertColumns``.
    static func decodeAlerts(_ rows: PostgresRowSequence) async throws -> [OwnerAlertRecord] {
        try await rows.all((Int64, String, String?, String, String?, String, String, Date).self).map {
            OwnerAlertRecord(id: $0.0, businessId: $0.1, callSid: $0.2, kind: $0.3, callbackNumber: $0.4, message: $0.5,
                             status: $0.6, createdAt: $0.7)
        }
    }

    /// The enumeration case stored as `value`; a value this build does not know is reported, not guessed.
    private static func raw<T: RawRepresentable>(_ type: T.Type, _ value: String, _ what: String) throws -> T
    where T.RawValue == String {
        guard let decoded = T(rawValue: value) else { throw RepositoryError.invalid("stored \(what) is unknown: \(value)") }
        return decoded
    }
}
