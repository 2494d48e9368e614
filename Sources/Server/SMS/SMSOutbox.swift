import Foundation
import Logging

/// What one delivery attempt did to an outbox row.
public enum SMSDelivery: Sendable, Equatable {
    /// Sent; Twilio's MessageSid.
    case sent(sid: String)
    /// A customer text to a customer who opted out: marked failed with `opted_out`, never sent.
    case optedOut
    /// Given up: a permanent error (unsubscribed recipient, invalid number, no sender number) or the last attempt.
    case failed(reason: String)
    /// A transient error; the row stays queued with its error, and the work queue retries it after its backoff.
    case willRetry(reason: String)
    /// No Twilio account is configured (FRONTDESK_TWILIO_ACCOUNT_SID / _AUTH_TOKEN): nothing was touched.
    case notConfigured
}

/// The SMS outbox: each text is a row of `sms_outbox` (its body, recipient and delivery result), queued together
/// with an `sms.send` job of the one work queue, which delivers it (``SMSSendJob``) with the queue's lease, attempts
/// and backoff. This type holds the delivery rules (opt-outs, Twilio's errors, when to give up); its rows are
/// stored through an ``OutboxRepository``.
///
/// Delivery is at least once: the job's lease keeps two workers from sending a row together; a crash between Twilio
/// accepting a text and the row being marked sent sends it again once the lease (5 minutes) has run out — at most
/// one duplicate per crash, and only for the text that was in flight.
public struct SMSOutbox: Sendable {
    private let repository: any OutboxRepository
    private let sender: (any SMSSender)?
    private let logger: Logger
    private let now: @Sendable () -> Date

    /// - Parameter sender: nil when no Twilio account is configured (every delivery returns `.notConfigured`).
    public init(repository: any OutboxRepository, sender: (any SMSSender)?, logger: Logger,
                now: @escaping @Sendable () -> Date = Date.init) {
        self.repository = repository
        self.sender = sender
        self.logger = logger
        self.now = now
    }

    public var isConfigured: Bool { sender != nil }

    // MARK: - Queueing

    /// Queues a text (its row, its `sms.send` job and `sms.queued`, in one transaction). Returns nil, queueing
    /// nothing, when a row with `dedupeKey` exists already (whatever its status).
    @discardableResult
    public func enqueue(businessId: String, to: String, body: String, kind: SMSKind, dedupeKey: String? = nil,
                        notBefore: Date? = nil) async throws -> SMSOutboxRow? {
        try await repository.enqueue(OutgoingText(businessId: businessId, to: to, body: body, kind: kind,
                                                  dedupeKey: dedupeKey, notBefore: notBefore), at: now())
    }

    /// An owner alert for the business, queued when it has an `ownerPhone`; nil otherwise.
    @discardableResult
    public func enqueueOwnerAlert(business: Business, body: String, dedupeKey: String?) async throws -> SMSOutboxRow? {
        guard let ownerPhone = business.settings.ownerPhone else { return nil }
        return try await enqueue(businessId: business.id, to: ownerPhone, body: body, kind: .owner, dedupeKey: dedupeKey)
    }

    public func row(id: Int64) async throws -> SMSOutboxRow? {
        try await repository.row(id: id)
    }

    // MARK: - Delivery

    /// Sends one queued row and records the result on it: sent (with Twilio's sid), failed (permanent error,
    /// opted-out customer, last attempt) or still queued with the error. `attempt` is the work queue's count for
    /// this run (1-based); `isLastAttempt` turns a transient error into a failure.
    ///
    /// A customer text whose recipient has opted out is marked failed with `opted_out` and never sent; Twilio's
    /// 21610 (the recipient replied STOP to Twilio directly) marks the customer opted out too. A row that is no
    /// longer queued (sent by an earlier run whose end was lost) is not sent again.
    public func deliver(outboxId id: Int64, attempt: Int, isLastAttempt: Bool) async throws -> SMSDelivery {
        guard let sender else { return .notConfigured }
        guard let current = try await repository.row(id: id) else { return .failed(reason: "no outbox row \(id)") }
        guard current.status == .queued else {
            return current.status == .sent ? .sent(sid: current.twilioSid ?? "") : .failed(reason: current.lastError ?? "not queued")
        }
        if current.kind == .customer, try await repository.isOptedOut(businessId: current.businessId, phone: current.to) {
            try await finish(current, status: .failed, attempts: current.attempts, error: "opted_out")
            logger.info("SMS not sent: the customer opted out", metadata: ["outbox": "\(id)"])
            return .optedOut
        }
        guard let from = try await repository.senderNumber(businessId: current.businessId) else {
            try await finish(current, status: .failed, attempts: current.attempts, error: "no_sender_number")
            return .failed(reason: "no_sender_number")
        }
        let outcome: Result<String, SMSSendError>
        do {
            outcome = .success(try await sender.send(to: current.to, from: from, body: current.body))
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success(let sid):
            try await finish(current, status: .sent, attempts: attempt, error: nil, sid: sid)
            return .sent(sid: sid)
        case .failure(let error):
            let reason = error.description
            if case .rejected(_, SMSSendError.unsubscribedRecipient?, _) = error {
                try await repository.markOptedOut(businessId: current.businessId, phone: current.to, via: "carrier", at: now())
            }
            if error.isPermanent || isLastAttempt {
                try await finish(current, status: .failed, attempts: attempt, error: reason)
                logger.warning("SMS failed", metadata: ["outbox": "\(id)", "to": "\(PhoneMask.mask(current.to))", "error": "\(reason)"])
                return .failed(reason: reason)
            }
            try await finish(current, status: .queued, attempts: attempt, error: reason)
            logger.notice("SMS send failed; will retry", metadata: ["outbox": "\(id)", "attempts": "\(attempt)", "error": "\(reason)"])
            return .willRetry(reason: reason)
        }
    }

    /// Records an attempt's result on the row; a final result appends `sms.sent` / `sms.failed` with it.
    private func finish(_ row: SMSOutboxRow, status: SMSOutboxStatus, attempts: Int, error: String?,
                        sid: String? = nil) async throws {
        try await repository.finish(row, status: status, attempts: attempts, error: error, twilioSid: sid, at: now())
    }
}
