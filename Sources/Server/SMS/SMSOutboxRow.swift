import Foundation

/// Who a queued text is for. Customer texts are never sent to a customer who opted out; owner alerts always go.
public enum SMSKind: String, Codable, Sendable {
    case customer, owner
}

public enum SMSOutboxStatus: String, Codable, Sendable {
    case queued, sent, failed
}

/// A text waiting to be sent, or its record once sent or given up. Row of `sms_outbox`.
public struct SMSOutboxRow: Codable, Sendable, Equatable {
    public var id: Int64?
    public var businessId: String
    /// E.164 recipient.
    public var to: String
    public var body: String
    public var kind: SMSKind
    public var status: SMSOutboxStatus
    /// Send attempts made so far.
    public var attempts: Int
    /// Why the last attempt failed (`opted_out`, `no_sender_number`, or the provider's error).
    public var lastError: String?
    /// Twilio's MessageSid once sent.
    public var twilioSid: String?
    /// Makes enqueueing idempotent, e.g. "reminder:<appointment id>"; nil for no deduplication.
    public var dedupeKey: String?
    /// Not before this instant (a retry's backoff, or a worker's lease); nil for now.
    public var nextAttemptAt: Date?
    public var createdAt: Date
    public var sentAt: Date?

    public init(
        id: Int64? = nil, businessId: String, to: String, body: String, kind: SMSKind, status: SMSOutboxStatus = .queued,
        attempts: Int = 0, lastError: String? = nil, twilioSid: String? = nil, dedupeKey: String? = nil,
        nextAttemptAt: Date? = nil, createdAt: Date, sentAt: Date? = nil
    ) {
        self.id = id
        self.businessId = businessId
        self.to = to
        self.body = body
        self.kind = kind
        self.status = status
        self.attempts = attempts
        self.lastError = lastError
        self.twilioSid = twilioSid
        self.dedupeKey = dedupeKey
        self.nextAttemptAt = nextAttemptAt
        self.createdAt = createdAt
        self.sentAt = sentAt
    }
}
