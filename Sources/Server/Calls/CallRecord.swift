import Events
import Foundation
import Receptionist

/// One phone call. Row of `calls`.
public struct CallRecord: Codable, Sendable, Equatable {
    /// Twilio's CallSid.
    public var sid: String
    public var businessId: String
    /// The caller's number (E.164 when Twilio knows it). Stored in full; masked in logs.
    public var caller: String?
    /// The business number that was called.
    public var called: String
    /// Twilio's last `CallStatus` (in-progress, completed, busy, no-answer, failed, canceled).
    public var status: String
    public var state: CallState
    /// The receptionist between two turns.
    public var machine: CallMachine
    /// Incremented by every turn; a turn is written only over the version it was computed from.
    public var version: Int
    public var outcome: CallOutcome?
    public var isEmergency: Bool
    public var emergencyCategory: String?
    public var startedAt: Date
    public var endedAt: Date?
    public var durationSeconds: Int?
    /// Questions answered from the knowledge base, and declined, so far.
    public var questionsAnswered: Int = 0
    public var questionsDeclined: Int = 0
    /// Turns in which the caller said something.
    public var callerTurns: Int = 0
    /// How the transfer ended (`DialCallStatus`), when one was tried.
    public var transferStatus: String? = nil
    /// Entry ids the answers cited, distinct, in first-cited order, ";"-separated.
    public var citedEntries: String? = nil
    /// Inbound: `caller` phoned `called` (a business number). Outbound: FrontDesk phoned `called` from `caller`
    /// (a business number).
    public var direction: CallDirection = .inbound
    /// The highest status callback `SequenceNumber` applied (callbacks can arrive out of order).
    public var statusSequence: Int? = nil
    /// Outbound calls: who asked for the call and why (JSON), for the webhooks.
    public var context: String? = nil

    /// The other party: the caller of an inbound call, the callee of an outbound one.
    public var customerNumber: String? { direction == .inbound ? caller : called }
    /// The business's number on the call.
    public var businessNumber: String? { direction == .inbound ? called : caller }
}

/// Who spoke a turn.
public enum TurnSpeaker: String, Codable, Sendable {
    case caller, receptionist
}

/// One line of a call's transcript. Row of `call_turns`.
public struct CallTurn: Codable, Sendable, Equatable {
    public var id: Int64?
    public var callSid: String
    /// Order within the call, from 0.
    public var seq: Int
    public var speaker: TurnSpeaker
    /// The caller's words, or everything the receptionist said on the turn.
    public var text: String
    /// What happened: `started`, `speech`, `silence`, `transfer:<status>`, `hangup`.
    public var event: String
    /// Twilio's speech-recognition confidence (caller turns).
    public var asrConfidence: Double?
    /// The call's state after the turn.
    public var state: CallState
    /// Knowledge the answer was drawn from, with retrieval scores (receptionist turns that answered).
    public var citations: [Citation]?
    /// Similarity of the best passage when a question was answered or declined.
    public var answerConfidence: Double?
    /// The question could not be answered from the knowledge base (a knowledge gap).
    public var declined: Bool
    /// Server time to handle the webhook, from request to reply, in milliseconds (receptionist turns).
    public var latencyMs: Double?
    public var createdAt: Date
}

/// A caller's details, taken on a call. Row of `leads`.
public struct Lead: Codable, Sendable, Equatable, Identifiable {
    public var id: String
    public var businessId: String
    public var callSid: String?
    public var reason: LeadReason
    public var name: String?
    public var phone: String?
    public var address: String?
    public var notes: String?
    /// The caller's words for when they would like the visit ("tomorrow morning") and what that resolved to.
    public var preferredTime: String?
    public var preferredStart: Date?
    public var preferredEnd: Date?
    public var category: String?
    public var severity: Severity?
    public var isEmergency: Bool
    public var status: String
    public var createdAt: Date
    /// The web chat conversation the lead was taken in (a call's lead has `callSid` instead).
    public var conversationId: String?

    init(draft: LeadDraft, businessId: String, callSid: String?, conversationId: String? = nil, createdAt: Date) {
        id = UUID().uuidString.lowercased()
        self.businessId = businessId
        self.callSid = callSid
        self.conversationId = conversationId
        reason = draft.reason
        name = draft.name
        phone = draft.phone
        address = draft.address
        notes = draft.notes
        preferredTime = draft.timeWindow?.phrase
        preferredStart = draft.timeWindow?.start
        preferredEnd = draft.timeWindow?.end
        category = draft.category
        severity = draft.severity
        isEmergency = draft.isEmergency
        status = "new"
        self.createdAt = createdAt
    }
}

/// A text for the owner, queued. Row of `owner_alerts`.
public struct OwnerAlertRecord: Codable, Sendable, Equatable {
    public var id: Int64?
    public var businessId: String
    public var callSid: String?
    public var kind: String
    public var callbackNumber: String?
    public var message: String
    public var status: String
    public var createdAt: Date
}
