import Events
import Foundation
import GRDB
import Receptionist

/// `WidgetRepository` on the app's SQLite database. SQLite has one writer at a time, so a limit counted inside a
/// write transaction holds until it commits.
public struct GRDBWidgetRepository: WidgetRepository {
    let database: AppDatabase
    let now: @Sendable () -> Date

    public init(database: AppDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    // MARK: Keys and origins

    public func settings(businessId: String) async throws -> WidgetSettings {
        let timestamp = now()
        return try await database.dbPool.write { db in
            try Self.requireBusiness(db, businessId)
            return WidgetSettings(key: try Self.activeKey(db, businessId: businessId, creatingAt: timestamp),
                                  allowedOrigins: try Self.origins(db, businessId: businessId))
        }
    }

    public func setAllowedOrigins(_ origins: [String], businessId: String) async throws -> WidgetSettings {
        let timestamp = now()
        let json = try WidgetOriginsJSON.encode(origins)
        return try await database.dbPool.write { db in
            try Self.requireBusiness(db, businessId)
            try db.execute(sql: """
                INSERT INTO widget_settings (business_id, allowed_origins, updated_at) VALUES (?, ?, ?)
                ON CONFLICT (business_id) DO UPDATE SET allowed_origins = excluded.allowed_origins, updated_at = excluded.updated_at
                """, arguments: [businessId, json, timestamp])
            return WidgetSettings(key: try Self.activeKey(db, businessId: businessId, creatingAt: timestamp),
                                  allowedOrigins: origins)
        }
    }

    public func rotateKey(businessId: String) async throws -> WidgetSettings {
        let timestamp = now()
        return try await database.dbPool.write { db in
            try Self.requireBusiness(db, businessId)
            try db.execute(sql: "UPDATE widget_keys SET revoked_at = ? WHERE business_id = ? AND revoked_at IS NULL",
                           arguments: [timestamp, businessId])
            return WidgetSettings(key: try Self.activeKey(db, businessId: businessId, creatingAt: timestamp),
                                  allowedOrigins: try Self.origins(db, businessId: businessId))
        }
    }

    public func access(publishableKey: String) async throws -> WidgetSettings? {
        try await database.dbPool.read { db in
            guard let key = try Row.fetchOne(db, sql: "SELECT * FROM widget_keys WHERE key = ? AND revoked_at IS NULL",
                                             arguments: [publishableKey]).map(Self.key) else { return nil }
            return WidgetSettings(key: key, allowedOrigins: try Self.origins(db, businessId: key.businessId))
        }
    }

    // MARK: Conversations

    public func start(_ start: WidgetStart) async throws -> WidgetWriteResult {
        let conversation = start.conversation
        let timestamp = conversation.createdAt
        let machine = try WidgetMachineJSON.encode(conversation.machine)
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db -> WidgetWriteResult in
                let recent = try Date.fetchAll(db, sql: """
                    SELECT created_at FROM widget_conversations WHERE business_id = ? AND client_hash = ? AND created_at > ?
                    """, arguments: [conversation.businessId, conversation.clientHash,
                                     timestamp.addingTimeInterval(-start.limit.window)])
                if let retryAfter = start.limit.retryAfter(recent: recent, now: timestamp) { return .limited(retryAfter: retryAfter) }
                let thread = Conversation(id: conversation.conversationId, businessId: conversation.businessId, customerId: nil,
                                          channel: .web, callSid: nil, createdAt: timestamp, updatedAt: timestamp)
                try thread.insert(db)
                try db.execute(sql: """
                    INSERT INTO widget_conversations (conversation_id, business_id, key_id, visitor_id, origin, client_hash,
                        state, machine, version, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
                    """, arguments: [conversation.conversationId, conversation.businessId, conversation.keyId,
                                     conversation.visitorId, conversation.origin, conversation.clientHash,
                                     conversation.machine.state.rawValue, machine, timestamp])
                var messages: [ConversationMessage] = []
                if !start.greeting.isEmpty, let greeting = try CustomerDirectory.append(
                    db, to: thread, direction: .outbound, body: start.greeting, at: timestamp) {
                    messages.append(greeting)
                }
                try EventAppender.append(db, start.events, at: timestamp)
                return .stored(messages)
            }
        }
    }

    public func conversation(id: String, businessId: String) async throws -> (WidgetConversation, [ConversationMessage])? {
        try await database.dbPool.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT w.*, c.customer_id FROM widget_conversations w
                JOIN conversations c ON c.id = w.conversation_id AND c.business_id = w.business_id
                WHERE w.conversation_id = ? AND w.business_id = ?
                """, arguments: [id.lowercased(), businessId]) else { return nil }
            let conversation = WidgetConversation(
                conversationId: row["conversation_id"], businessId: row["business_id"], keyId: row["key_id"],
                visitorId: row["visitor_id"], origin: row["origin"], clientHash: row["client_hash"],
                machine: try WidgetMachineJSON.decode(row["machine"]), version: row["version"],
                createdAt: row["created_at"], customerId: row["customer_id"])
            let messages = try ConversationMessage.filter(Column("conversation_id") == conversation.conversationId)
                .order(Column("created_at"), Column("id")).fetchAll(db)
            return (conversation, messages)
        }
    }

    public func visitorMessageTimes(conversationId: String, businessId: String, since: Date) async throws -> [Date] {
        try await database.dbPool.read { db in
            try Self.visitorMessageTimes(db, conversationId: conversationId, businessId: businessId, since: since)
        }
    }

    public func write(_ turn: WidgetTurnWrite) async throws -> WidgetWriteResult {
        let conversation = turn.conversation
        let timestamp = now()
        let machine = try WidgetMachineJSON.encode(conversation.machine)
        return try await database.dbPool.write { db -> WidgetWriteResult in
            let recent = try Self.visitorMessageTimes(db, conversationId: conversation.conversationId,
                                                      businessId: conversation.businessId,
                                                      since: timestamp.addingTimeInterval(-turn.limit.window))
            if let retryAfter = turn.limit.retryAfter(recent: recent, now: timestamp) { return .limited(retryAfter: retryAfter) }
            // Conditional on the version the reply was computed from.
            try db.execute(sql: """
                UPDATE widget_conversations SET machine = ?, state = ?, version = version + 1
                WHERE conversation_id = ? AND business_id = ? AND version = ?
                """, arguments: [machine, conversation.machine.state.rawValue, conversation.conversationId,
                                 conversation.businessId, conversation.version])
            guard db.changesCount == 1 else { return .conflict }
            let thread = Conversation(id: conversation.conversationId, businessId: conversation.businessId,
                                      customerId: conversation.customerId, channel: .web, callSid: nil,
                                      createdAt: conversation.createdAt, updatedAt: timestamp)
            var messages: [ConversationMessage] = []
            if let message = try CustomerDirectory.append(db, to: thread, direction: .inbound, body: turn.visitorText,
                                                          at: timestamp) {
                messages.append(message)
            }
            if !turn.reply.isEmpty, let reply = try CustomerDirectory.append(
                db, to: thread, direction: .outbound, body: turn.reply, sources: turn.sources, at: timestamp) {
                messages.append(reply)
            }
            // The turn's events first, then those of the rows it makes (leads, alerts, a customer); the end last.
            try EventAppender.append(db, turn.events.filter { $0.type != .webEnded }, at: timestamp)
            let customer = try LeadRecorder.record(db, businessId: conversation.businessId,
                                                   stream: .conversation(conversation.conversationId),
                                                   leads: turn.leads, alerts: turn.alerts, at: timestamp)
            if let customer {
                // The visitor left a number: the conversation is now this customer's (the first number given wins).
                try db.execute(sql: """
                    UPDATE conversations SET customer_id = ? WHERE id = ? AND business_id = ? AND customer_id IS NULL
                    """, arguments: [customer.id, conversation.conversationId, conversation.businessId])
            }
            try EventAppender.append(db, turn.events.filter { $0.type == .webEnded }, at: timestamp)
            return .stored(messages)
        }
    }

    // MARK: Rows

    static func requireBusiness(_ db: Database, _ businessId: String) throws {
        guard try Int.fetchOne(db, sql: "SELECT count(*) FROM businesses WHERE id = ?", arguments: [businessId])! > 0
        else { throw RepositoryError.notFound }
    }

    /// The business's active key, made (with a fresh secret) when it has none.
    static func activeKey(_ db: Database, businessId: String, creatingAt timestamp: Date) throws -> WidgetKey {
        if let existing = try Row.fetchOne(db, sql: "SELECT * FROM widget_keys WHERE business_id = ? AND revoked_at IS NULL",
                                           arguments: [businessId]).map(key) {
            return existing
        }
        let made = WidgetKey.make(businessId: businessId, at: timestamp)
        try db.execute(sql: """
            INSERT INTO widget_keys (id, business_id, key, token_secret, created_at) VALUES (?, ?, ?, ?, ?)
            """, arguments: [made.id, made.businessId, made.key, made.tokenSecret, made.createdAt])
        return made
    }

    static func origins(_ db: Database, businessId: String) throws -> [String] {
        guard let json = try String.fetchOne(db, sql: "SELECT allowed_origins FROM widget_settings WHERE business_id = ?",
                                             arguments: [businessId]) else { return [] }
        return try WidgetOriginsJSON.decode(json)
    }

    static func key(_ row: Row) -> WidgetKey {
        WidgetKey(id: row["id"], businessId: row["business_id"], key: row["key"], tokenSecret: row["token_secret"],
                  createdAt: row["created_at"], revokedAt: row["revoked_at"])
    }

    static func visitorMessageTimes(_ db: Database, conversationId: String, businessId: String, since: Date) throws -> [Date] {
        try Date.fetchAll(db, sql: """
            SELECT created_at FROM messages
            WHERE conversation_id = ? AND business_id = ? AND direction = 'inbound' AND created_at > ?
            """, arguments: [conversationId, businessId, since])
    }
}
