import Events
import Foundation
import GRDB

/// `CustomerRepository` on the app's SQLite database.
public struct GRDBCustomerRepository: CustomerRepository {
    private let database: AppDatabase
    private let now: @Sendable () -> Date

    public init(database: AppDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    public func list(businessId: String, phone: String?, text: String?, limit: Int, cursor: String?) async throws -> Page<Customer> {
        let limit = try PageCursor.validatedLimit(limit)
        let after = try cursor.map(PageCursor.init(decoding:))
        let rows = try await database.dbPool.read { db in
            var request = Customer.filter(Column("business_id") == businessId)
            if let phone { request = request.filter(Column("phone") == phone) }
            if let text, !text.isEmpty {
                let pattern = "%" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                    .replacingOccurrences(of: "_", with: "\\_") + "%"
                request = request.filter(sql: """
                    (name LIKE ? ESCAPE '\\' OR phone LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\' OR address LIKE ? ESCAPE '\\')
                    """, arguments: [pattern, pattern, pattern, pattern])
            }
            if let after {
                request = request.filter(sql: "(created_at > ? OR (created_at = ? AND id > ?))",
                                         arguments: [after.createdAt, after.createdAt, after.id])
            }
            return try request.order(Column("created_at"), Column("id")).limit(limit + 1).fetchAll(db)
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { PageCursor(after: $0.createdAt, id: $0.id).encoded } : nil
        return Page(items: items, nextCursor: next)
    }

    public func get(id: String, businessId: String) async throws -> Customer? {
        try await database.dbPool.read { db in
            try Customer.filter(Column("id") == id.lowercased() && Column("business_id") == businessId).fetchOne(db)
        }
    }

    public func create(businessId: String, _ fields: CustomerFields) async throws -> Customer {
        guard let phone = fields.phone else { throw RepositoryError.invalid("phone is required") }
        let timestamp = now()
        let customer = fields.applied(
            to: Customer(businessId: businessId, phone: phone, createdAt: timestamp, updatedAt: timestamp), at: timestamp)
        try customer.validate()
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                if try Self.customer(db, businessId: businessId, phone: phone) != nil {
                    throw RepositoryError.conflict("a customer with phone \(phone) already exists")
                }
                try customer.insert(db)
                try EventAppender.append(db, EventDraft(
                    businessId: businessId, stream: .customer(customer.id),
                    CustomerCreated(customerId: customer.id, phone: customer.phone, name: customer.name, source: "api")), at: timestamp)
                if customer.smsOptOut {
                    let change = CustomerOptChanged(customerId: customer.id, optedOut: true, via: "api")
                    try EventAppender.append(db, EventDraft(businessId: businessId, stream: .customer(customer.id),
                                                            type: change.eventType, change), at: timestamp)
                }
                return try Customer.fetchOne(db, key: customer.id)!
            }
        }
    }

    public func update(id: String, businessId: String, _ fields: CustomerFields) async throws -> Customer {
        let timestamp = now()
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard let existing = try Customer.filter(Column("id") == id.lowercased() && Column("business_id") == businessId).fetchOne(db)
                else { throw RepositoryError.notFound }
                let updated = fields.applied(to: existing, at: timestamp)
                try updated.validate()
                if updated.phone != existing.phone,
                   try Self.customer(db, businessId: businessId, phone: updated.phone) != nil {
                    throw RepositoryError.conflict("a customer with phone \(updated.phone) already exists")
                }
                try updated.update(db)
                if updated.smsOptOut != existing.smsOptOut {
                    let change = CustomerOptChanged(customerId: updated.id, optedOut: updated.smsOptOut, via: "api")
                    try EventAppender.append(db, EventDraft(businessId: businessId, stream: .customer(updated.id),
                                                            type: change.eventType, change), at: timestamp)
                }
                return try Customer.fetchOne(db, key: updated.id)!
            }
        }
    }

    public func delete(id: String, businessId: String) async throws {
        try await database.dbPool.write { db in
            try db.execute(sql: "DELETE FROM customers WHERE id = ? AND business_id = ?", arguments: [id.lowercased(), businessId])
            if db.changesCount == 0 { throw RepositoryError.notFound }
        }
    }

    public func timeline(customerId: String, businessId: String, limit: Int) async throws -> [TimelineItem] {
        try await database.dbPool.read { db in
            guard let customer = try Customer.filter(Column("id") == customerId.lowercased() && Column("business_id") == businessId).fetchOne(db)
            else { throw RepositoryError.notFound }
            let calls = try CallRecord.fetchAll(db, sql: """
                SELECT * FROM calls
                WHERE business_id = ? AND ((direction = 'inbound' AND caller = ?) OR (direction = 'outbound' AND called = ?))
                ORDER BY started_at DESC, sid DESC LIMIT ?
                """, arguments: [businessId, customer.phone, customer.phone, limit])
            let messageRows = try Row.fetchAll(db, sql: """
                SELECT messages.*, conversations.channel AS conversation_channel FROM messages
                JOIN conversations ON conversations.id = messages.conversation_id
                WHERE conversations.customer_id = ? AND conversations.business_id = ?
                  AND conversations.channel != 'voice' -- a call is one timeline item; its lines are in the call
                ORDER BY messages.created_at DESC, messages.id DESC LIMIT ?
                """, arguments: [customer.id, businessId, limit])
            let appointments = try Appointment.fetchAll(db, sql: """
                SELECT * FROM appointments WHERE customer_id = ? AND business_id = ? ORDER BY start_at DESC, id DESC LIMIT ?
                """, arguments: [customer.id, businessId, limit])
            var items: [TimelineItem] = calls.map { .call($0) } + appointments.map { .appointment($0) }
            for row in messageRows {
                let channel = ConversationChannel(rawValue: row["conversation_channel"]) ?? .sms
                items.append(.message(try ConversationMessage(row: row), channel: channel))
            }
            // Equal times (a text and its reply share one): calls, then messages in insertion order, then appointments.
            func rank(_ item: TimelineItem) -> (Int, Int64) {
                switch item {
                case .call: (0, 0)
                case .message(let message, _): (1, message.id ?? 0)
                case .appointment: (2, 0)
                }
            }
            return items.sorted { ($0.at, rank($0).0, rank($0).1) < ($1.at, rank($1).0, rank($1).1) }
        }
    }

    public func conversation(id: String, businessId: String) async throws -> (Conversation, [ConversationMessage])? {
        try await database.dbPool.read { db in
            guard let conversation = try Conversation.filter(Column("id") == id.lowercased() && Column("business_id") == businessId).fetchOne(db)
            else { return nil }
            let messages = try ConversationMessage.filter(Column("conversation_id") == conversation.id)
                .order(Column("created_at"), Column("id")).fetchAll(db)
            return (conversation, messages)
        }
    }

    /// The business's customer with `phone`, if any.
    private static func customer(_ db: Database, businessId: String, phone: String) throws -> Customer? {
        try Customer.filter(Column("business_id") == businessId && Column("phone") == phone).fetchOne(db)
    }
}
