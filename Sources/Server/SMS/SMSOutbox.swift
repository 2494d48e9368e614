import Foundation
import GRDB
import Logging

/// What one delivery attempt did to an outbox row.
public enum SMSDelivery: Sendable, Equatable {
    /// Sent; Twilio's MessageSid.
    case sent(sid: String)
    /// A customer text to a customer who opted out: marked failed with `opted_out`, never sent.
    case optedOut
    /// Given up: a permanent error (unsubscribed recipient, invalid number, no sender number) or too many attempts.
    case failed(reason: String)
    /// A transient error; the row stays queued with its error until `retryAt`.
    case willRetry(reason: String, retryAt: Date)
    /// No Twilio account is configured (FRONTDESK_TWILIO_ACCOUNT_SID / _AUTH_TOKEN): nothing was touched.
    case notConfigured
}

/// The SMS outbox: texts are queued in `sms_outbox` inside the transaction that decides them (a reminder, a reply,
/// an owner alert), and delivered one row at a time by the job runner with ``deliverNext()``.
///
/// Delivery is at least once: a row is leased (its `next_attempt_at` moved ahead) before the send, so two workers
/// never send it together; a crash between Twilio accepting a text and the row being marked sent sends it again
/// after the lease runs out.
public struct SMSOutbox: Sendable {
    private let database: AppDatabase
    private let sender: (any SMSSender)?
    private let logger: Logger
    private let now: @Sendable () -> Date
    /// Attempts before a transiently failing row is marked failed.
    public var maxAttempts = 5
    /// How long a leased row is hidden from other workers.
    public var lease: TimeInterval = 300

    /// - Parameter sender: nil when no Twilio account is configured (every delivery returns `.notConfigured`).
    public init(database: AppDatabase, sender: (any SMSSender)?, logger: Logger, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.sender = sender
        self.logger = logger
        self.now = now
    }

    public var isConfigured: Bool { sender != nil }

    // MARK: - Queueing

    /// Queues a text inside the caller's transaction. Returns nil, queueing nothing, when a row with `dedupeKey`
    /// exists already (whatever its status).
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

    // MARK: - Delivery

    /// Delivers the oldest queued row that is due, or returns nil when none is.
    public func deliverNext() async throws -> (row: SMSOutboxRow, delivery: SMSDelivery)? {
        guard sender != nil else { return nil }
        let timestamp = now()
        let leaseUntil = timestamp.addingTimeInterval(lease)
        let claimed = try await database.dbPool.write { db -> SMSOutboxRow? in
            guard var row = try SMSOutboxRow.fetchOne(db, sql: """
                SELECT * FROM sms_outbox WHERE status = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
                ORDER BY id LIMIT 1
                """, arguments: [timestamp])
            else { return nil }
            row.nextAttemptAt = leaseUntil
            try row.update(db, columns: ["next_attempt_at"])
            return row
        }
        guard let claimed else { return nil }
        return (claimed, try await deliver(claimed))
    }

    /// Sends one queued row and records the result on it: sent (with Twilio's sid), failed (permanent error,
    /// opted-out customer, attempts exhausted) or still queued with the error and a backoff.
    ///
    /// A customer text whose recipient has opted out is marked failed with `opted_out` and never sent; Twilio's
    /// 21610 (the recipient replied STOP to Twilio directly) marks the customer opted out too.
    public func deliver(_ row: SMSOutboxRow) async throws -> SMSDelivery {
        guard let sender else { return .notConfigured }
        guard let id = row.id else { throw RepositoryError.invalid("the row has not been stored") }
        let (current, from, optedOut) = try await database.dbPool.read { db -> (SMSOutboxRow?, String?, Bool) in
            let current = try SMSOutboxRow.fetchOne(db, key: id)
            let from = try String.fetchOne(db, sql: "SELECT number FROM business_numbers WHERE business_id = ? ORDER BY number LIMIT 1",
                                           arguments: [row.businessId])
            let optedOut = row.kind == .customer
                ? try Bool.fetchOne(db, sql: "SELECT sms_opt_out FROM customers WHERE business_id = ? AND phone = ?",
                                    arguments: [row.businessId, row.to]) ?? false
                : false
            return (current, from, optedOut)
        }
        guard let current, current.status == .queued else {
            return current?.status == .sent ? .sent(sid: current?.twilioSid ?? "") : .failed(reason: current?.lastError ?? "not queued")
        }
        if optedOut {
            try await finish(id, status: .failed, attempts: current.attempts, error: "opted_out")
            logger.info("SMS not sent: the customer opted out", metadata: ["outbox": "\(id)"])
            return .optedOut
        }
        guard let from else {
            try await finish(id, status: .failed, attempts: current.attempts, error: "no_sender_number")
            return .failed(reason: "no_sender_number")
        }
        let attempts = current.attempts + 1
        let outcome: Result<String, SMSSendError>
        do {
            outcome = .success(try await sender.send(to: current.to, from: from, body: current.body))
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success(let sid):
            try await finish(id, status: .sent, attempts: attempts, error: nil, sid: sid)
            return .sent(sid: sid)
        case .failure(let error):
            let reason = error.description
            if case .rejected(_, SMSSendError.unsubscribedRecipient?, _) = error {
                let timestamp = now()
                try await database.dbPool.write { db in
                    if let customer = try CustomerDirectory.customer(db, businessId: current.businessId, phone: current.to) {
                        try CustomerDirectory.setSMSOptOut(db, customerId: customer.id, optedOut: true, at: timestamp)
                    }
                }
            }
            if error.isPermanent || attempts >= maxAttempts {
                try await finish(id, status: .failed, attempts: attempts, error: reason)
                logger.warning("SMS failed", metadata: ["outbox": "\(id)", "to": "\(PhoneMask.mask(current.to))", "error": "\(reason)"])
                return .failed(reason: reason)
            }
            let retryAt = now().addingTimeInterval(Self.backoff(afterAttempt: attempts))
            try await finish(id, status: .queued, attempts: attempts, error: reason, retryAt: retryAt)
            logger.notice("SMS send failed; will retry", metadata: ["outbox": "\(id)", "attempts": "\(attempts)", "error": "\(reason)"])
            return .willRetry(reason: reason, retryAt: retryAt)
        }
    }

    /// 30 s, 1 min, 2 min, … at most an hour.
    static func backoff(afterAttempt attempt: Int) -> TimeInterval {
        min(3600, 30 * pow(2, Double(max(0, attempt - 1))))
    }

    private func finish(_ id: Int64, status: SMSOutboxStatus, attempts: Int, error: String?, sid: String? = nil,
                        retryAt: Date? = nil) async throws {
        let timestamp = now()
        try await database.dbPool.write { db in
            try db.execute(sql: """
                UPDATE sms_outbox SET status = ?, attempts = ?, last_error = ?, twilio_sid = COALESCE(?, twilio_sid),
                    sent_at = ?, next_attempt_at = ?
                WHERE id = ?
                """, arguments: [status.rawValue, attempts, error, sid, status == .sent ? timestamp : nil, retryAt, id])
        }
    }
}
