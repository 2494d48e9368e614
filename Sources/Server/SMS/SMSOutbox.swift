import Events
import Foundation
import GRDB
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

/// The SMS outbox: each text is a row of `sms_outbox` (its body, recipient and delivery result), queued inside the
/// transaction that decides it together with an `sms.send` job of the one work queue, which delivers it
/// (``SMSSendJob``) with the queue's lease, attempts and backoff.
///
/// Delivery is at least once: the job's lease keeps two workers from sending a row together; a crash between Twilio
/// accepting a text and the row being marked sent sends it again once the lease (5 minutes) has run out — at most
/// one duplicate per crash, and only for the text that was in flight.
public struct SMSOutbox: Sendable {
    private let database: AppDatabase
    private let sender: (any SMSSender)?
    private let logger: Logger
    private let now: @Sendable () -> Date

    /// - Parameter sender: nil when no Twilio account is configured (every delivery returns `.notConfigured`).
    public init(database: AppDatabase, sender: (any SMSSender)?, logger: Logger, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.sender = sender
        self.logger = logger
        self.now = now
    }

    public var isConfigured: Bool { sender != nil }

    // MARK: - Queueing

    /// Queues a text inside the caller's transaction: the row, its `sms.send` job and the `sms.queued` event.
    /// Returns nil, queueing nothing, when a row with `dedupeKey` exists already (whatever its status).
    @discardableResult
    public static func enqueue(
        _ db: Database, businessId: String, to: String, body: String, kind: SMSKind, dedupeKey: String? = nil,
        notBefore: Date? = nil, at timestamp: Date = Date()
    ) throws -> SMSOutboxRow? {
        guard PhoneNumber.isE164(to) else { throw RepositoryError.invalid("to must be E.164") }
        if let dedupeKey, try SMSOutboxRow.filter(Column("dedupe_key") == dedupeKey).fetchCount(db) > 0 { return nil }
        var row = SMSOutboxRow(businessId: businessId, to: to, body: body, kind: kind, dedupeKey: dedupeKey,
                               nextAttemptAt: notBefore, createdAt: timestamp)
        try row.insert(db)
        guard let id = row.id else { throw RepositoryError.invalid("the outbox row has no id") }
        try JobQueue.enqueue(db, SMSSendJob.job(outboxId: id, businessId: businessId, notBefore: notBefore), now: timestamp)
        try EventAppender.append(db, EventDraft(
            businessId: businessId, stream: try stream(db, businessId: businessId, to: to, kind: kind), type: .smsQueued,
            SMSDeliveryChanged(outboxId: id, to: to, kind: kind.rawValue)), at: timestamp)
        return row
    }

    /// ``enqueue(_:businessId:to:body:kind:dedupeKey:notBefore:at:)`` in its own transaction.
    @discardableResult
    public func enqueue(businessId: String, to: String, body: String, kind: SMSKind, dedupeKey: String? = nil,
                        notBefore: Date? = nil) async throws -> SMSOutboxRow? {
        let timestamp = now()
        return try await database.dbPool.write { db in
            try Self.enqueue(db, businessId: businessId, to: to, body: body, kind: kind, dedupeKey: dedupeKey,
                             notBefore: notBefore, at: timestamp)
        }
    }

    /// An owner alert for the business, queued when it has an `ownerPhone`; nil otherwise.
    @discardableResult
    public static func alertOwner(_ db: Database, business: Business, body: String, dedupeKey: String? = nil,
                                  at timestamp: Date = Date()) throws -> SMSOutboxRow? {
        guard let ownerPhone = business.settings.ownerPhone else { return nil }
        return try enqueue(db, businessId: business.id, to: ownerPhone, body: body, kind: .owner, dedupeKey: dedupeKey,
                           at: timestamp)
    }

    /// ``alertOwner(_:business:body:dedupeKey:at:)`` in its own transaction.
    @discardableResult
    public func enqueueOwnerAlert(business: Business, body: String, dedupeKey: String?) async throws -> SMSOutboxRow? {
        let timestamp = now()
        return try await database.dbPool.write { db in
            try Self.alertOwner(db, business: business, body: body, dedupeKey: dedupeKey, at: timestamp)
        }
    }

    /// A text's events go to its customer's stream (the conversation's history), owner texts to the owner's.
    private static func stream(_ db: Database, businessId: String, to: String, kind: SMSKind) throws -> EventStream {
        if kind == .customer, let customer = try CustomerDirectory.customer(db, businessId: businessId, phone: to) {
            return .customer(customer.id)
        }
        return .owner(businessId: businessId)
    }

    public func row(id: Int64) async throws -> SMSOutboxRow? {
        try await database.dbPool.read { db in try SMSOutboxRow.fetchOne(db, key: id) }
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
        let (current, from, optedOut) = try await database.dbPool.read { db -> (SMSOutboxRow?, String?, Bool) in
            guard let row = try SMSOutboxRow.fetchOne(db, key: id) else { return (nil, nil, false) }
            let from = try String.fetchOne(db, sql: "SELECT number FROM business_numbers WHERE business_id = ? ORDER BY number LIMIT 1",
                                           arguments: [row.businessId])
            let optedOut = row.kind == .customer
                ? try Bool.fetchOne(db, sql: "SELECT sms_opt_out FROM customers WHERE business_id = ? AND phone = ?",
                                    arguments: [row.businessId, row.to]) ?? false
                : false
            return (row, from, optedOut)
        }
        guard let current else { return .failed(reason: "no outbox row \(id)") }
        guard current.status == .queued else {
            return current.status == .sent ? .sent(sid: current.twilioSid ?? "") : .failed(reason: current.lastError ?? "not queued")
        }
        if optedOut {
            try await finish(current, status: .failed, attempts: current.attempts, error: "opted_out")
            logger.info("SMS not sent: the customer opted out", metadata: ["outbox": "\(id)"])
            return .optedOut
        }
        guard let from else {
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
                let timestamp = now()
                try await database.dbPool.write { db in
                    if let customer = try CustomerDirectory.customer(db, businessId: current.businessId, phone: current.to) {
                        try CustomerDirectory.setSMSOptOut(db, customer: customer, optedOut: true, via: "carrier", at: timestamp)
                    }
                }
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
        let timestamp = now()
        try await database.dbPool.write { db in
            try db.execute(sql: """
                UPDATE sms_outbox SET status = ?, attempts = ?, last_error = ?, twilio_sid = COALESCE(?, twilio_sid),
                    sent_at = ?, next_attempt_at = NULL
                WHERE id = ?
                """, arguments: [status.rawValue, attempts, error, sid, status == .sent ? timestamp : nil, row.id])
            guard status != .queued, let id = row.id else { return }
            try EventAppender.append(db, EventDraft(
                businessId: row.businessId, stream: try Self.stream(db, businessId: row.businessId, to: row.to, kind: row.kind),
                type: status == .sent ? .smsSent : .smsFailed,
                SMSDeliveryChanged(outboxId: id, to: row.to, kind: row.kind.rawValue, twilioSid: sid, error: error)), at: timestamp)
        }
    }
}
