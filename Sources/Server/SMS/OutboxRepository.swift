import Foundation

/// A text to queue in the outbox.
public struct OutgoingText: Sendable, Equatable {
    public var businessId: String
    /// E.164 recipient.
    public var to: String
    public var body: String
    public var kind: SMSKind
    /// At most one text per key, ever (e.g. "reminder:<appointment id>"); nil for no deduplication.
    public var dedupeKey: String?
    /// Not sent before this instant; nil for now.
    public var notBefore: Date?

    public init(businessId: String, to: String, body: String, kind: SMSKind, dedupeKey: String? = nil,
                notBefore: Date? = nil) {
        self.businessId = businessId
        self.to = to
        self.body = body
        self.kind = kind
        self.dedupeKey = dedupeKey
        self.notBefore = notBefore
    }
}

/// Storage of the SMS outbox: each text's row (body, recipient, delivery result), the work queue's `sms.send` job
/// that delivers it, and what delivery needs to know (the sender number, the recipient's opt-out). ``SMSOutbox``
/// decides; this stores. Events are appended in the same transactions as the rows they describe.
public protocol OutboxRepository: Sendable {
    /// Queues a text: its row, its `sms.send` job and `sms.queued`, in one transaction.
    /// - Returns: the row; nil, queueing nothing, when a row with `text.dedupeKey` exists already (whatever its status).
    /// - Throws: `RepositoryError.invalid` when `text.to` is not E.164.
    @discardableResult
    func enqueue(_ text: OutgoingText, at timestamp: Date) async throws -> SMSOutboxRow?

    /// The outbox row with this id, of any business (the work queue's `sms.send` job names it).
    func row(id: Int64) async throws -> SMSOutboxRow?

    /// Records an attempt's result on `row` (status, attempts, error, Twilio's sid; `sentAt` when sent). A final
    /// status (`sent`, `failed`) appends `sms.sent` / `sms.failed` in the same transaction; `queued` (a transient
    /// error) appends nothing.
    func finish(_ row: SMSOutboxRow, status: SMSOutboxStatus, attempts: Int, error: String?, twilioSid: String?,
                at timestamp: Date) async throws

    /// The number the business's texts are sent from (its first number), nil when it has none.
    func senderNumber(businessId: String) async throws -> String?

    /// Whether the business's customer with `phone` has opted out of texts (false when there is no such customer).
    func isOptedOut(businessId: String, phone: String) async throws -> Bool

    /// Opts the business's customer with `phone` out of texts (appending `customer.opted_out`); nothing when there
    /// is no such customer or they had opted out already.
    /// - Parameter via: `carrier` (Twilio's 21610), `keyword`, `api`.
    func markOptedOut(businessId: String, phone: String, via: String, at timestamp: Date) async throws
}
