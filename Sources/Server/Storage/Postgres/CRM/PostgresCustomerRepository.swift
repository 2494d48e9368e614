import Events
import Foundation
import PostgresNIO

/// `CustomerRepository` on PostgreSQL.
///
/// Several nodes: a customer's phone is unique per business (`UNIQUE (business_id, phone)`), so two creates of one
/// phone give one row and one `.conflict` (`INSERT … ON CONFLICT DO NOTHING`); an update locks its row
/// (`FOR UPDATE`), so two patches of one customer apply one after the other and the opt-out event follows the
/// change that really happened.
struct PostgresCustomerRepository: CustomerRepository {
    let database: PGDatabase
    let now: @Sendable () -> Date

    func list(businessId: String, phone: String?, text: String?, limit: Int, cursor: String?) async throws -> Page<Customer> {
        let limit = try PageCursor.validatedLimit(limit)
        let after = try cursor.map(PageCursor.init(decoding:))
        let key = try after?.postgresMicroseconds()
        // As SQLite's LIKE: the text literally (its wildcards escaped), ASCII letters in either case — `ILIKE` under
        // the "C" collation folds only A–Z, as SQLite does.
        let pattern = text.flatMap { $0.isEmpty ? nil : $0 }.map {
            "%" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%"
        }
        let logger = database.logger
        // One statement for every combination: a filter whose value is NULL is folded away when it is planned.
        let rows = try await database.read { connection in
            try await PostgresCustomerDirectory.decodeCustomers(connection.query("""
                SELECT \(unescaped: PostgresCustomerDirectory.customerColumns) FROM customers
                WHERE business_id = \(businessId)
                  AND (\(phone)::text IS NULL OR phone = \(phone))
                  AND (\(pattern)::text IS NULL OR (name COLLATE "C") ILIKE \(pattern) ESCAPE '\\'
                       OR (phone COLLATE "C") ILIKE \(pattern) ESCAPE '\\' OR (email COLLATE "C") ILIKE \(pattern) ESCAPE '\\'
                       OR (address COLLATE "C") ILIKE \(pattern) ESCAPE '\\')
                  AND (\(key)::bigint IS NULL
                       OR (\(unescaped: PGDatabase.microsecondsSQL("created_at")), id) > (\(key), \(after?.id)::text))
                ORDER BY created_at, id LIMIT \(limit + 1)
                """, logger: logger))
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { PageCursor(postgresAfter: $0.createdAt, id: $0.id).encoded } : nil
        return Page(items: items, nextCursor: next)
    }

    func get(id: String, businessId: String) async throws -> Customer? {
        let logger = database.logger
        return try await database.read { connection in
            try await Self.fetch(connection, id: id.lowercased(), businessId: businessId, logger: logger)
        }
    }

    func create(businessId: String, _ fields: CustomerFields) async throws -> Customer {
        guard let phone = fields.phone else { throw RepositoryError.invalid("phone is required") }
        let timestamp = now()
        let customer = fields.applied(
            to: Customer(businessId: businessId, phone: phone, createdAt: timestamp, updatedAt: timestamp), at: timestamp)
        try customer.validate()
        let logger = database.logger
        return try await database.write { connection in
            // Two nodes creating one phone at once: the second waits for the first's commit, then inserts nothing.
            let inserted = try await connection.query("""
                INSERT INTO customers (id, business_id, name, phone, email, address, notes, sms_opt_out, sms_opt_out_at,
                                       created_at, updated_at)
                VALUES (\(customer.id), \(businessId), \(customer.name), \(phone), \(customer.email), \(customer.address),
                        \(customer.notes), \(customer.smsOptOut), \(customer.smsOptOutAt), \(timestamp), \(timestamp))
                ON CONFLICT (business_id, phone) DO NOTHING RETURNING id
                """, logger: logger).all(String.self)
            guard !inserted.isEmpty else { throw RepositoryError.conflict("a customer with phone \(phone) already exists") }
            var drafts = [EventDraft(
                businessId: businessId, stream: .customer(customer.id),
                CustomerCreated(customerId: customer.id, phone: customer.phone, name: customer.name, source: "api"))]
            if customer.smsOptOut {
                let change = CustomerOptChanged(customerId: customer.id, optedOut: true, via: "api")
                drafts.append(EventDraft(businessId: businessId, stream: .customer(customer.id), type: change.eventType, change))
            }
            try await PostgresEventAppender.append(connection, drafts, at: timestamp, logger: logger)
            return try await Self.fetch(connection, id: customer.id, businessId: businessId, logger: logger)!
        }
    }

    func update(id: String, businessId: String, _ fields: CustomerFields) async throws -> Customer {
        let timestamp = now()
        let logger = database.logger
        do {
            return try await database.write { connection in
                guard let existing = try await Self.fetch(connection, id: id.lowercased(), businessId: businessId,
                                                          forUpdate: true, logger: logger)
                else { throw RepositoryError.notFound }
                let updated = fields.applied(to: existing, at: timestamp)
                try updated.validate()
                if updated.phone != existing.phone,
                   try await PostgresCustomerDirectory.customer(connection, businessId: businessId, phone: updated.phone,
                                                                logger: logger) != nil {
                    throw RepositoryError.conflict("a customer with phone \(updated.phone) already exists")
                }
                try await connection.query("""
                    UPDATE customers SET name = \(updated.name), phone = \(updated.phone), email = \(updated.email),
                        address = \(updated.address), notes = \(updated.notes), sms_opt_out = \(updated.smsOptOut),
                        sms_opt_out_at = \(updated.smsOptOutAt), updated_at = \(updated.updatedAt)
                    WHERE id = \(existing.id) AND business_id = \(businessId)
                    """, logger: logger)
                if updated.smsOptOut != existing.smsOptOut {
                    let change = CustomerOptChanged(customerId: updated.id, optedOut: updated.smsOptOut, via: "api")
                    try await PostgresEventAppender.append(connection, EventDraft(
                        businessId: businessId, stream: .customer(updated.id), type: change.eventType, change),
                        at: timestamp, logger: logger)
                }
                return try await Self.fetch(connection, id: updated.id, businessId: businessId, logger: logger)!
            }
        } catch RepositoryError.conflict where fields.phone != nil {
            // Another node gave that phone to another customer between the check and the update: the unique index
            // refused it. The only unique key an update can break is the phone.
            throw RepositoryError.conflict("a customer with phone \(fields.phone!) already exists")
        }
    }

    func delete(id: String, businessId: String) async throws {
        let logger = database.logger
        // Appointments, conversations and messages go with the customer (ON DELETE CASCADE); calls stay.
        let deleted = try await database.write { connection in
            try await connection.query("""
                DELETE FROM customers WHERE id = \(id.lowercased()) AND business_id = \(businessId) RETURNING id
                """, logger: logger).all(String.self)
        }
        guard !deleted.isEmpty else { throw RepositoryError.notFound }
    }

    func conversation(id: String, businessId: String) async throws -> (Conversation, [ConversationMessage])? {
        let logger = database.logger
        return try await database.read { connection in
            guard let conversation = try await PostgresCustomerDirectory.decodeConversations(connection.query("""
                SELECT id, business_id, customer_id, channel, call_sid, created_at, updated_at FROM conversations
                WHERE id = \(id.lowercased()) AND business_id = \(businessId)
                """, logger: logger)).first
            else { return nil }
            let messages = try await Self.decodeMessages(connection.query("""
                SELECT \(unescaped: Self.messageColumns) FROM messages WHERE conversation_id = \(conversation.id)
                ORDER BY created_at, id
                """, logger: logger))
            return (conversation, messages)
        }
    }

    // MARK: - Rows

    /// The business's customer with `id` (already lower-cased); `forUpdate` locks its row until the transaction ends.
    static func fetch(_ connection: PostgresConnection, id: String, businessId: String, forUpdate: Bool = false,
                      logger: Logger) async throws -> Customer? {
        try await PostgresCustomerDirectory.decodeCustomers(connection.query("""
            SELECT \(unescaped: PostgresCustomerDirectory.customerColumns) FROM customers
            WHERE id = \(id) AND business_id = \(businessId) \(unescaped: forUpdate ? "FOR UPDATE" : "")
            """, logger: logger)).first
    }

    /// The columns `decodeMessages(_:)` reads, in order.
    static let messageColumns = "id, conversation_id, business_id, direction, body, twilio_sid, created_at, sources"

    static func decodeMessages(_ rows: PostgresRowSequence) async throws -> [ConversationMessage] {
        try await rows.all((Int64, String, String, String, String, String?, Date, String?).self).map {
            guard let direction = MessageDirection(rawValue: $0.3) else {
                throw RepositoryError.invalid("stored message \($0.0) has unknown direction \($0.3)")
            }
            return ConversationMessage(id: $0.0, conversationId: $0.1, businessId: $0.2, direction: direction, body: $0.4,
                                       twilioSid: $0.5, createdAt: $0.6,
                                       sources: try $0.7.map { try PostgresRecordJSON.value([MessageSource].self, from: $0) })
        }
    }
}
