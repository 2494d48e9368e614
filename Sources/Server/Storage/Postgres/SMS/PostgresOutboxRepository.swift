import Events
import Foundation
import PostgresNIO

/// `OutboxRepository` on PostgreSQL (`sms_outbox`, with its jobs in `jobs`).
///
/// Several nodes: a dedupe key is unique (`INSERT … ON CONFLICT (dedupe_key) DO NOTHING`), so two nodes queueing one
/// reminder at once queue one text — the second waits for the first's commit and queues nothing. Opting out is a
/// conditional update (`… AND sms_opt_out <> true`), so two nodes told at once append one `customer.opted_out`.
struct PostgresOutboxRepository: OutboxRepository {
    let database: PGDatabase

    /// The columns `decodeAll(_:)` reads, in order.
    static let columns = """
        id, business_id, "to", body, kind, status, attempts, last_error, twilio_sid, dedupe_key, next_attempt_at,
        created_at, sent_at
        """

    /// Queues a text inside the caller's transaction: the row, its `sms.send` job and the `sms.queued` event, so the
    /// text exists exactly when the caller's own rows do. Returns nil, queueing nothing, when a row with
    /// `text.dedupeKey` exists already (whatever its status).
    @discardableResult
    static func enqueue(_ connection: PostgresConnection, _ text: OutgoingText, at timestamp: Date,
                        logger: Logger) async throws -> SMSOutboxRow? {
        guard PhoneNumber.isE164(text.to) else { throw RepositoryError.invalid("to must be E.164") }
        // A NULL dedupe key never conflicts; a taken one inserts nothing (after waiting for an uncommitted holder).
        guard let row = try await decodeAll(connection.query("""
            INSERT INTO sms_outbox (business_id, "to", body, kind, status, attempts, dedupe_key, next_attempt_at, created_at)
            VALUES (\(text.businessId), \(text.to), \(text.body), \(text.kind.rawValue), 'queued', 0, \(text.dedupeKey),
                    \(text.notBefore), \(timestamp))
            ON CONFLICT (dedupe_key) DO NOTHING
            RETURNING \(unescaped: columns)
            """, logger: logger)).first, let id = row.id
        else { return nil }
        try await PostgresJobs.enqueue(connection, SMSSendJob.job(outboxId: id, businessId: text.businessId,
                                                                  notBefore: text.notBefore), now: timestamp, logger: logger)
        try await PostgresEventAppender.append(connection, EventDraft(
            businessId: text.businessId,
            stream: try await stream(connection, businessId: text.businessId, to: text.to, kind: text.kind, logger: logger),
            type: .smsQueued, SMSDeliveryChanged(outboxId: id, to: text.to, kind: text.kind.rawValue)),
            at: timestamp, logger: logger)
        return row
    }

    func enqueue(_ text: OutgoingText, at timestamp: Date) async throws -> SMSOutboxRow? {
        let logger = database.logger
        return try await database.write { connection in
            try await Self.enqueue(connection, text, at: timestamp, logger: logger)
        }
    }

    func row(id: Int64) async throws -> SMSOutboxRow? {
        let logger = database.logger
        return try await database.read { connection in
            try await Self.decodeAll(connection.query(
                "SELECT \(unescaped: Self.columns) FROM sms_outbox WHERE id = \(id)", logger: logger)).first
        }
    }

    func finish(_ row: SMSOutboxRow, status: SMSOutboxStatus, attempts: Int, error: String?, twilioSid: String?,
                at timestamp: Date) async throws {
        let sentAt: Date? = status == .sent ? timestamp : nil
        let logger = database.logger
        try await database.write { connection in
            let changed = try await connection.query("""
                UPDATE sms_outbox SET status = \(status.rawValue), attempts = \(attempts), last_error = \(error),
                    twilio_sid = COALESCE(\(twilioSid), twilio_sid), sent_at = \(sentAt), next_attempt_at = NULL
                WHERE id = \(row.id) AND business_id = \(row.businessId)
                RETURNING id
                """, logger: logger).all(Int64.self)
            guard status != .queued, !changed.isEmpty, let id = row.id else { return }
            try await PostgresEventAppender.append(connection, EventDraft(
                businessId: row.businessId,
                stream: try await Self.stream(connection, businessId: row.businessId, to: row.to, kind: row.kind, logger: logger),
                type: status == .sent ? .smsSent : .smsFailed,
                SMSDeliveryChanged(outboxId: id, to: row.to, kind: row.kind.rawValue, twilioSid: twilioSid, error: error)),
                at: timestamp, logger: logger)
        }
    }

    func senderNumber(businessId: String) async throws -> String? {
        let logger = database.logger
        return try await database.read { connection in
            try await Self.senderNumber(connection, businessId: businessId, logger: logger)
        }
    }

    func isOptedOut(businessId: String, phone: String) async throws -> Bool {
        let logger = database.logger
        return try await database.read { connection in
            try await connection.query("""
                SELECT sms_opt_out FROM customers WHERE business_id = \(businessId) AND phone = \(phone)
                """, logger: logger).all(Bool.self).first ?? false
        }
    }

    func markOptedOut(businessId: String, phone: String, via: String, at timestamp: Date) async throws {
        let logger = database.logger
        try await database.write { connection in
            if let customer = try await PostgresCustomerDirectory.customer(connection, businessId: businessId, phone: phone,
                                                                           logger: logger) {
                try await PostgresCustomerDirectory.setSMSOptOut(connection, customer: customer, optedOut: true, via: via,
                                                                 at: timestamp, logger: logger)
            }
        }
    }

    // MARK: - Details

    /// The number the business's texts are sent from (its first number), nil when it has none.
    static func senderNumber(_ connection: PostgresConnection, businessId: String, logger: Logger) async throws -> String? {
        try await connection.query("""
            SELECT number FROM business_numbers WHERE business_id = \(businessId) ORDER BY number LIMIT 1
            """, logger: logger).all(String.self).first
    }

    /// A text's events go to its customer's stream (the conversation's history), owner texts to the owner's.
    static func stream(_ connection: PostgresConnection, businessId: String, to: String, kind: SMSKind,
                       logger: Logger) async throws -> EventStream {
        if kind == .customer,
           let customer = try await PostgresCustomerDirectory.customer(connection, businessId: businessId, phone: to, logger: logger) {
            return .customer(customer.id)
        }
        return .owner(businessId: businessId)
    }

    /// Decodes rows selected with ``columns``.
    static func decodeAll(_ rows: PostgresRowSequence) async throws -> [SMSOutboxRow] {
        try await rows.all((Int64, String, String, String, String, String, Int, String?, String?, String?, Date?, Date, Date?).self)
            .map {
                guard let kind = SMSKind(rawValue: $0.4), let status = SMSOutboxStatus(rawValue: $0.5) else {
                    throw RepositoryError.invalid("stored outbox row \($0.0) has an unknown kind or status")
                }
                return SMSOutboxRow(id: $0.0, businessId: $0.1, to: $0.2, body: $0.3, kind: kind, status: status,
                                    attempts: $0.6, lastError: $0.7, twilioSid: $0.8, dedupeKey: $0.9,
                                    nextAttemptAt: $0.10, createdAt: $0.11, sentAt: $0.12)
            }
    }
}
