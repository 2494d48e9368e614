import Events
import Foundation

/// Everything one webhook writes, committed in one transaction.
public struct TurnWrite: Sendable {
    /// The call as it is after the turn (its `version` is the one the turn was computed from).
    public var call: CallRecord
    /// The call is new (`/twilio/voice`): insert rather than update.
    public var isNewCall: Bool
    /// Transcript lines; `seq` is assigned by the repository.
    public var turns: [CallTurn]
    public var leads: [Lead]
    /// Alerts for the owner; each appends `owner.alert`, and the `owner-alerts` consumer texts it.
    public var alerts: [OwnerAlertRecord]
    /// What happened on the call (started, turn, transferred, status, ended, emergency), appended in the same
    /// transaction; the repository adds the events of the rows it makes (customer, lead, owner alert).
    public var events: [EventDraft] = []
    /// Twilio's `I-Twilio-Idempotency-Token`, stored with the reply.
    public var idempotencyToken: String?
    /// The TwiML sent back.
    public var response: String
}

/// How a `TurnWrite` went.
public enum TurnWriteResult: Sendable, Equatable {
    case stored
    /// The idempotency token was already recorded: nothing written, this is the reply sent the first time.
    case duplicate(response: String)
    /// The call changed since it was read (a concurrent webhook for the same call): read again and retry.
    case conflict
}

/// What a webhook of a stored call finds: the reply to it if it was handled already, or the call (nil: unknown).
public enum StoredReplyOrCall: Sendable {
    case reply(String)
    case call(CallRecord?)
}

/// Storage of calls, their transcripts, leads and owner alerts.
public protocol CallRepository: Sendable {
    /// The reply stored for an idempotency token, if that webhook was handled already.
    func response(forIdempotencyToken token: String) async throws -> String?
    func call(sid: String) async throws -> CallRecord?
    /// The reply stored for `token` if that webhook was handled already, else the call: what a turn reads first
    /// (a backend across a network answers both in one round trip).
    func call(sid: String, unlessAnswered token: String?) async throws -> StoredReplyOrCall
    func write(_ write: TurnWrite) async throws -> TurnWriteResult
    /// The business's calls that `filter` lets through, newest first (by start, then sid).
    func calls(businessId: String, matching filter: CallFilter, limit: Int, cursor: String?) async throws -> Page<CallRecord>
    func turns(callSid: String) async throws -> [CallTurn]
    /// The business's leads, newest first.
    func leads(businessId: String, limit: Int, cursor: String?) async throws -> Page<Lead>
    func leads(callSid: String) async throws -> [Lead]
    func alerts(callSid: String) async throws -> [OwnerAlertRecord]
    /// Records what became of an owner alert (`sms_queued`, `no_owner_phone`).
    func setAlertStatus(id: Int64, businessId: String, status: String) async throws
    /// The business's own Twilio auth token, if it has one.
    func twilioAuthToken(businessId: String) async throws -> String?
    /// Sets (or, with nil, removes) the business's own Twilio auth token.
    func setTwilioAuthToken(_ token: String?, businessId: String) async throws
}

extension CallRepository {
    /// The business's calls, newest first.
    public func calls(businessId: String, limit: Int, cursor: String?) async throws -> Page<CallRecord> {
        try await calls(businessId: businessId, matching: CallFilter(), limit: limit, cursor: cursor)
    }

    public func call(sid: String, unlessAnswered token: String?) async throws -> StoredReplyOrCall {
        if let token, let stored = try await response(forIdempotencyToken: token) { return .reply(stored) }
        return .call(try await call(sid: sid))
    }
}
