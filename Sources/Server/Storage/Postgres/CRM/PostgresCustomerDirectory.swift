import Events
import Foundation
import PostgresNIO

/// `CustomerDirectory` on PostgreSQL: finds or creates customers and their conversations inside a caller's
/// transaction, so a call or a text and the customer it creates commit together. One row per (business, E.164);
/// two nodes creating the same customer at once both end up with the one row (`ON CONFLICT DO NOTHING`, then read).
enum PostgresCustomerDirectory {
    static let customerColumns = """
        id, business_id, name, phone, email, address, notes, sms_opt_out, sms_opt_out_at, created_at, updated_at
        """

    /// The business's customer with `phone`, created when there is none (appending `customer.created`). A name
    /// fills an empty one, never overwrites one.
    @discardableResult
    static func upsert(_ connection: PostgresConnection, businessId: String, phone: String, name: String? = nil,
                       source: String, at timestamp: Date, logger: Logger) async throws -> Customer {
        var events: [EventDraft] = []
        let customer = try await upsert(connection, businessId: businessId, phone: phone, name: name, source: source,
                                        at: timestamp, deferringEventsTo: &events, logger: logger)
        try await PostgresEventAppender.append(connection, events, at: timestamp, logger: logger)
        return customer
    }

    /// As `upsert`, but `customer.created` is added to `events` for the caller to append at the end of its
    /// transaction (with its own events, in order), so the event log's lock is taken once, late.
    static func upsert(_ connection: PostgresConnection, businessId: String, phone: String, name: String? = nil,
                       source: String, at timestamp: Date, deferringEventsTo events: inout [EventDraft],
                       logger: Logger) async throws -> Customer {
        guard PhoneNumber.isE164(phone) else { throw RepositoryError.invalid("phone must be E.164 (e.g. +15551234567)") }
        let name = name.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .flatMap { $0.isEmpty ? nil : String($0.prefix(Customer.maxFieldLength)) }
        let id = UUID().uuidString.lowercased()
        let inserted = try await connection.query("""
            INSERT INTO customers (id, business_id, name, phone, sms_opt_out, created_at, updated_at)
            VALUES (\(id), \(businessId), \(name), \(phone), false, \(timestamp), \(timestamp))
            ON CONFLICT (business_id, phone) DO NOTHING RETURNING id
            """, logger: logger).all(String.self)
        if !inserted.isEmpty {
            events.append(EventDraft(businessId: businessId, stream: .customer(id),
                                     CustomerCreated(customerId: id, phone: phone, name: name, source: source)))
            return Customer(id: id, businessId: businessId, name: name, phone: phone, createdAt: timestamp, updatedAt: timestamp)
        }
        guard var existing = try await customer(connection, businessId: businessId, phone: phone, forUpdate: true, logger: logger) else {
            throw RepositoryError.notFound
        }
        if existing.name == nil, let name {
            existing.name = name
            existing.updatedAt = timestamp
            try await connection.query("""
                UPDATE customers SET name = \(name), updated_at = \(timestamp) WHERE id = \(existing.id)
                """, logger: logger)
        }
        return existing
    }

    /// The business's customer with `phone`, if any (`forUpdate` locks its row until the transaction ends).
    static func customer(_ connection: PostgresConnection, businessId: String, phone: String, forUpdate: Bool = false,
                         logger: Logger) async throws -> Customer? {
        try await decodeCustomers(connection.query("""
            SELECT \(unescaped: customerColumns) FROM customers WHERE business_id = \(businessId) AND phone = \(phone)
            \(unescaped: forUpdate ? "FOR UPDATE" : "")
            """, logger: logger)).first
    }

    /// Decodes rows selected with ``customerColumns``.
    static func decodeCustomers(_ rows: PostgresRowSequence) async throws -> [Customer] {
        try await rows.all((String, String, String?, String, String?, String?, String?, Bool, Date?, Date, Date).self).map {
            Customer(id: $0.0, businessId: $0.1, name: $0.2, phone: $0.3, email: $0.4, address: $0.5, notes: $0.6,
                     smsOptOut: $0.7, smsOptOutAt: $0.8, createdAt: $0.9, updatedAt: $0.10)
        }
    }

    /// The customer's SMS conversation, created when it has none.
    static func smsConversation(_ connection: PostgresConnection, customer: Customer, at timestamp: Date,
                                logger: Logger) async throws -> Conversation {
        try await conversation(connection, customer: customer, channel: .sms, callSid: nil, at: timestamp, logger: logger)
    }

    /// The voice conversation of one call (made on first use): the call's transcript as messages.
    static func voiceConversation(_ connection: PostgresConnection, customer: Customer, callSid: String,
                                  at timestamp: Date, logger: Logger) async throws -> Conversation {
        try await conversation(connection, customer: customer, channel: .voice, callSid: callSid, at: timestamp, logger: logger)
    }

    private static func conversation(_ connection: PostgresConnection, customer: Customer, channel: ConversationChannel,
                                     callSid: String?, at timestamp: Date, logger: Logger) async throws -> Conversation {
        let find: () async throws -> Conversation? = {
            let rows: PostgresRowSequence
            if let callSid {
                rows = try await connection.query("""
                    SELECT id, business_id, customer_id, channel, call_sid, created_at, updated_at FROM conversations
                    WHERE business_id = \(customer.businessId) AND call_sid = \(callSid) AND channel = \(channel.rawValue)
                    ORDER BY created_at, id LIMIT 1
                    """, logger: logger)
            } else {
                rows = try await connection.query("""
                    SELECT id, business_id, customer_id, channel, call_sid, created_at, updated_at FROM conversations
                    WHERE business_id = \(customer.businessId) AND customer_id = \(customer.id) AND channel = \(channel.rawValue)
                    ORDER BY created_at, id LIMIT 1
                    """, logger: logger)
            }
            return try await decodeConversations(rows).first
        }
        if let existing = try await find() { return existing }
        let conversation = Conversation(id: UUID().uuidString.lowercased(), businessId: customer.businessId,
                                        customerId: customer.id, channel: channel, callSid: callSid,
                                        createdAt: timestamp, updatedAt: timestamp)
        // The SMS thread is unique per customer (a partial unique index): a concurrent insert wins, read it.
        let inserted = try await connection.query("""
            INSERT INTO conversations (id, business_id, customer_id, channel, call_sid, created_at, updated_at)
            VALUES (\(conversation.id), \(conversation.businessId), \(conversation.customerId), \(channel.rawValue),
                    \(callSid), \(timestamp), \(timestamp))
            ON CONFLICT DO NOTHING RETURNING id
            """, logger: logger).all(String.self)
        if inserted.isEmpty, let existing = try await find() { return existing }
        return conversation
    }

    static func decodeConversations(_ rows: PostgresRowSequence) async throws -> [Conversation] {
        try await rows.all((String, String, String?, String, String?, Date, Date).self).map {
            guard let channel = ConversationChannel(rawValue: $0.3) else {
                throw RepositoryError.invalid("stored conversation \($0.0) has unknown channel \($0.3)")
            }
            return Conversation(id: $0.0, businessId: $0.1, customerId: $0.2, channel: channel, callSid: $0.4,
                                createdAt: $0.5, updatedAt: $0.6)
        }
    }

    /// Appends a message to `conversation` and moves its `updatedAt`. Returns nil (writing nothing) when a message
    /// with the same Twilio sid is already stored — a redelivered webhook.
    @discardableResult
    static func append(_ connection: PostgresConnection, to conversation: Conversation, direction: MessageDirection,
                       body: String, twilioSid: String? = nil, sources: [MessageSource]? = nil, at timestamp: Date,
                       logger: Logger) async throws -> ConversationMessage? {
        let sourcesJSON = try sources.map(PostgresRecordJSON.string)
        let ids = try await connection.query("""
            INSERT INTO messages (conversation_id, business_id, direction, body, twilio_sid, created_at, sources)
            VALUES (\(conversation.id), \(conversation.businessId), \(direction.rawValue), \(body), \(twilioSid), \(timestamp),
                    \(sourcesJSON))
            ON CONFLICT (business_id, twilio_sid) WHERE twilio_sid IS NOT NULL DO NOTHING RETURNING id
            """, logger: logger).all(Int64.self)
        guard let id = ids.first else { return nil }
        try await connection.query(
            "UPDATE conversations SET updated_at = \(timestamp) WHERE id = \(conversation.id)", logger: logger)
        return ConversationMessage(id: id, conversationId: conversation.id, businessId: conversation.businessId,
                                   direction: direction, body: body, twilioSid: twilioSid, createdAt: timestamp, sources: sources)
    }

    /// Sets or clears the customer's SMS opt-out (a no-op when it already has that value); a change appends
    /// `customer.opted_out` / `customer.opted_in`.
    static func setSMSOptOut(_ connection: PostgresConnection, customer: Customer, optedOut: Bool, via: String,
                             at timestamp: Date, logger: Logger) async throws {
        let optOutAt: Date? = optedOut ? timestamp : nil
        let changed = try await connection.query("""
            UPDATE customers SET sms_opt_out = \(optedOut), sms_opt_out_at = \(optOutAt), updated_at = \(timestamp)
            WHERE id = \(customer.id) AND business_id = \(customer.businessId) AND sms_opt_out <> \(optedOut)
            RETURNING id
            """, logger: logger).all(String.self)
        guard !changed.isEmpty else { return }
        let change = CustomerOptChanged(customerId: customer.id, optedOut: optedOut, via: via)
        try await PostgresEventAppender.append(connection, EventDraft(
            businessId: customer.businessId, stream: .customer(customer.id), type: change.eventType, change),
            at: timestamp, logger: logger)
    }
}
