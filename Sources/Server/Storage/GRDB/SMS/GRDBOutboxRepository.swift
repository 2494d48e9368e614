import Events
import Foundation
import GRDB

/// `OutboxRepository` on the app's SQLite database (`sms_outbox`, with its jobs in `jobs`).
public struct GRDBOutboxRepository: OutboxRepository {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    /// Queues a text inside the caller's transaction: the row, its `sms.send` job and the `sms.queued` event, so the
    /// text exists exactly when the caller's own rows do. Returns nil, queueing nothing, when a row with
    /// `text.dedupeKey` exists already (whatever its status).
    @discardableResult
    public static func enqueue(_ db: Database, _ text: OutgoingText, at timestamp: Date) throws -> SMSOutboxRow? {
        guard PhoneNumber.isE164(text.to) else { throw RepositoryError.invalid("to must be E.164") }
        if let dedupeKey = text.dedupeKey, try SMSOutboxRow.filter(Column("dedupe_key") == dedupeKey).fetchCount(db) > 0 {
            return nil
        }
        var row = SMSOutboxRow(businessId: text.businessId, to: text.to, body: text.body, kind: text.kind,
                               dedupeKey: text.dedupeKey, nextAttemptAt: text.notBefore, createdAt: timestamp)
        try row.insert(db)
        guard let id = row.id else { throw RepositoryError.invalid("the outbox row has no id") }
        try GRDBWorkQueue.enqueue(db, SMSSendJob.job(outboxId: id, businessId: text.businessId, notBefore: text.notBefore),
                                  now: timestamp)
        try EventAppender.append(db, EventDraft(
            businessId: text.businessId, stream: try stream(db, businessId: text.businessId, to: text.to, kind: text.kind),
            type: .smsQueued, SMSDeliveryChanged(outboxId: id, to: text.to, kind: text.kind.rawValue)), at: timestamp)
        return row
    }

    public func enqueue(_ text: OutgoingText, at timestamp: Date) async throws -> SMSOutboxRow? {
        try await database.dbPool.write { db in try Self.enqueue(db, text, at: timestamp) }
    }

    public func row(id: Int64) async throws -> SMSOutboxRow? {
        try await database.dbPool.read { db in try SMSOutboxRow.fetchOne(db, key: id) }
    }

    public func finish(_ row: SMSOutboxRow, status: SMSOutboxStatus, attempts: Int, error: String?, twilioSid: String?,
                       at timestamp: Date) async throws {
        try await database.dbPool.write { db in
            try db.execute(sql: """
                UPDATE sms_outbox SET status = ?, attempts = ?, last_error = ?, twilio_sid = COALESCE(?, twilio_sid),
                    sent_at = ?, next_attempt_at = NULL
                WHERE id = ? AND business_id = ?
                """, arguments: [status.rawValue, attempts, error, twilioSid, status == .sent ? timestamp : nil,
                                 row.id, row.businessId])
            guard status != .queued, db.changesCount > 0, let id = row.id else { return }
            try EventAppender.append(db, EventDraft(
                businessId: row.businessId, stream: try Self.stream(db, businessId: row.businessId, to: row.to, kind: row.kind),
                type: status == .sent ? .smsSent : .smsFailed,
                SMSDeliveryChanged(outboxId: id, to: row.to, kind: row.kind.rawValue, twilioSid: twilioSid, error: error)),
                at: timestamp)
        }
    }

    public func senderNumber(businessId: String) async throws -> String? {
        try await database.dbPool.read { db in
            try String.fetchOne(db, sql: "SELECT number FROM business_numbers WHERE business_id = ? ORDER BY number LIMIT 1",
                                arguments: [businessId])
        }
    }

    public func isOptedOut(businessId: String, phone: String) async throws -> Bool {
        try await database.dbPool.read { db in
            try Bool.fetchOne(db, sql: "SELECT sms_opt_out FROM customers WHERE business_id = ? AND phone = ?",
                              arguments: [businessId, phone]) ?? false
        }
    }

    public func markOptedOut(businessId: String, phone: String, via: String, at timestamp: Date) async throws {
        try await database.dbPool.write { db in
            if let customer = try CustomerDirectory.customer(db, businessId: businessId, phone: phone) {
                try CustomerDirectory.setSMSOptOut(db, customer: customer, optedOut: true, via: via, at: timestamp)
            }
        }
    }

    /// A text's events go to its customer's stream (the conversation's history), owner texts to the owner's.
    static func stream(_ db: Database, businessId: String, to: String, kind: SMSKind) throws -> EventStream {
        if kind == .customer, let customer = try CustomerDirectory.customer(db, businessId: businessId, phone: to) {
            return .customer(customer.id)
        }
        return .owner(businessId: businessId)
    }
}
