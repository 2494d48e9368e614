import Events
import Foundation
import PostgresNIO
import Receptionist

/// `WidgetRepository` on PostgreSQL. Several nodes may serve one widget at once, so the limits hold by locks taken
/// in the writing transaction: new conversations of one client and business are counted under a transaction-scoped
/// advisory lock on that pair; a message is counted after its conditional `UPDATE` has locked the conversation's
/// row (a concurrent message of the same conversation waits, then finds the version moved on). A business's first
/// key is inserted `ON CONFLICT DO NOTHING` against the one-active-key index, so two nodes make one.
struct PostgresWidgetRepository: WidgetRepository {
    let database: PGDatabase
    let now: @Sendable () -> Date

    /// The first key of the two-key advisory locks on new conversations ("WIDG"); the two-key space never meets the
    /// event log's one-key lock.
    static let startLockClass: Int32 = 0x5749_4447

    /// Thrown inside a transaction to roll it back when a limit was reached after rows were locked.
    struct Limited: Error { let retryAfter: Int }
    /// Thrown inside a message's transaction to roll it back when the conversation moved on.
    struct MovedOn: Error {}

    // MARK: Keys and origins

    func settings(businessId: String) async throws -> WidgetSettings {
        let timestamp = now()
        let logger = database.logger
        return try await database.write { connection in
            try await Self.requireBusiness(connection, businessId, logger)
            return WidgetSettings(key: try await Self.activeKey(connection, businessId: businessId, creatingAt: timestamp, logger),
                                  allowedOrigins: try await Self.origins(connection, businessId: businessId, logger))
        }
    }

    func setAllowedOrigins(_ origins: [String], businessId: String) async throws -> WidgetSettings {
        let timestamp = now()
        let json = try WidgetOriginsJSON.encode(origins)
        let logger = database.logger
        return try await database.write { connection in
            try await Self.requireBusiness(connection, businessId, logger)
            try await connection.query("""
                INSERT INTO widget_settings (business_id, allowed_origins, updated_at) VALUES (\(businessId), \(json), \(timestamp))
                ON CONFLICT (business_id) DO UPDATE SET allowed_origins = excluded.allowed_origins, updated_at = excluded.updated_at
                """, logger: logger)
            return WidgetSettings(key: try await Self.activeKey(connection, businessId: businessId, creatingAt: timestamp, logger),
                                  allowedOrigins: origins)
        }
    }

    func rotateKey(businessId: String) async throws -> WidgetSettings {
        let timestamp = now()
        let logger = database.logger
        return try await database.write { connection in
            try await Self.requireBusiness(connection, businessId, logger)
            try await connection.query("""
                UPDATE widget_keys SET revoked_at = \(timestamp) WHERE business_id = \(businessId) AND revoked_at IS NULL
                """, logger: logger)
            return WidgetSettings(key: try await Self.activeKey(connection, businessId: businessId, creatingAt: timestamp, logger),
                                  allowedOrigins: try await Self.origins(connection, businessId: businessId, logger))
        }
    }

    func access(publishableKey: String) async throws -> WidgetSettings? {
        let logger = database.logger
        return try await database.read { connection in
            guard let key = try await Self.keys(connection.query("""
                SELECT \(unescaped: Self.keyColumns) FROM widget_keys WHERE key = \(publishableKey) AND revoked_at IS NULL
                """, logger: logger)).first else { return nil }
            return WidgetSettings(key: key, allowedOrigins: try await Self.origins(connection, businessId: key.businessId, logger))
        }
    }

    // MARK: Conversations

    func start(_ start: WidgetStart) async throws -> WidgetWriteResult {
        let conversation = start.conversation
        let timestamp = conversation.createdAt
        let machine = try WidgetMachineJSON.encode(conversation.machine)
        let logger = database.logger
        do {
            return try await database.write { connection -> WidgetWriteResult in
                let lock = conversation.businessId + ":" + conversation.clientHash
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.startLockClass), hashtext(\(lock)))", logger: logger)
                let since = timestamp.addingTimeInterval(-start.limit.window)
                let recent = try await connection.query("""
                    SELECT created_at FROM widget_conversations
                    WHERE business_id = \(conversation.businessId) AND client_hash = \(conversation.clientHash) AND created_at > \(since)
                    """, logger: logger).all(Date.self)
                if let retryAfter = start.limit.retryAfter(recent: recent, now: timestamp) { throw Limited(retryAfter: retryAfter) }
                try await connection.query("""
                    INSERT INTO conversations (id, business_id, customer_id, channel, call_sid, created_at, updated_at)
                    VALUES (\(conversation.conversationId), \(conversation.businessId), NULL, 'web', NULL, \(timestamp), \(timestamp))
                    """, logger: logger)
                try await connection.query("""
                    INSERT INTO widget_conversations (conversation_id, business_id, key_id, visitor_id, origin, client_hash,
                        state, machine, version, created_at)
                    VALUES (\(conversation.conversationId), \(conversation.businessId), \(conversation.keyId),
                        \(conversation.visitorId), \(conversation.origin), \(conversation.clientHash),
                        \(conversation.machine.state.rawValue), \(machine), 0, \(timestamp))
                    """, logger: logger)
                let thread = Conversation(id: conversation.conversationId, businessId: conversation.businessId, customerId: nil,
                                          channel: .web, callSid: nil, createdAt: timestamp, updatedAt: timestamp)
                var messages: [ConversationMessage] = []
                if !start.greeting.isEmpty, let greeting = try await PostgresCustomerDirectory.append(
                    connection, to: thread, direction: .outbound, body: start.greeting, at: timestamp, logger: logger) {
                    messages.append(greeting)
                }
                try await PostgresEventAppender.append(connection, start.events, at: timestamp, logger: logger)
                return .stored(messages)
            }
        } catch let limited as Limited {
            return .limited(retryAfter: limited.retryAfter)
        }
    }

    func conversation(id: String, businessId: String) async throws -> (WidgetConversation, [ConversationMessage])? {
        let logger = database.logger
        return try await database.read { connection in
            let rows = try await connection.query("""
                SELECT w.conversation_id, w.business_id, w.key_id, w.visitor_id, w.origin, w.client_hash, w.machine,
                       w.version, w.created_at, c.customer_id
                FROM widget_conversations w
                JOIN conversations c ON c.id = w.conversation_id AND c.business_id = w.business_id
                WHERE w.conversation_id = \(id.lowercased()) AND w.business_id = \(businessId)
                """, logger: logger).all((String, String, String, String, String, String, String, Int64, Date, String?).self)
            guard let row = rows.first else { return nil }
            let conversation = WidgetConversation(
                conversationId: row.0, businessId: row.1, keyId: row.2, visitorId: row.3, origin: row.4, clientHash: row.5,
                machine: try WidgetMachineJSON.decode(row.6), version: row.7, createdAt: row.8, customerId: row.9)
            let messages = try await PostgresCustomerRepository.decodeMessages(connection.query("""
                SELECT \(unescaped: PostgresCustomerRepository.messageColumns) FROM messages
                WHERE conversation_id = \(conversation.conversationId) ORDER BY created_at, id
                """, logger: logger))
            return (conversation, messages)
        }
    }

    func visitorMessageTimes(conversationId: String, businessId: String, since: Date) async throws -> [Date] {
        let logger = database.logger
        return try await database.read { connection in
            try await Self.visitorMessageTimes(connection, conversationId: conversationId, businessId: businessId,
                                               since: since, logger)
        }
    }

    func write(_ turn: WidgetTurnWrite) async throws -> WidgetWriteResult {
        let conversation = turn.conversation
        let timestamp = now()
        let machine = try WidgetMachineJSON.encode(conversation.machine)
        let logger = database.logger
        do {
            return try await database.write { connection -> WidgetWriteResult in
                // Conditional on the version the reply was computed from; locks the row until commit.
                let updated = try await connection.query("""
                    UPDATE widget_conversations SET machine = \(machine), state = \(conversation.machine.state.rawValue),
                        version = version + 1
                    WHERE conversation_id = \(conversation.conversationId) AND business_id = \(conversation.businessId)
                      AND version = \(conversation.version)
                    RETURNING version
                    """, logger: logger).all(Int64.self)
                guard !updated.isEmpty else { throw MovedOn() }
                let recent = try await Self.visitorMessageTimes(
                    connection, conversationId: conversation.conversationId, businessId: conversation.businessId,
                    since: timestamp.addingTimeInterval(-turn.limit.window), logger)
                if let retryAfter = turn.limit.retryAfter(recent: recent, now: timestamp) { throw Limited(retryAfter: retryAfter) }
                let thread = Conversation(id: conversation.conversationId, businessId: conversation.businessId,
                                          customerId: conversation.customerId, channel: .web, callSid: nil,
                                          createdAt: conversation.createdAt, updatedAt: timestamp)
                var messages: [ConversationMessage] = []
                if let message = try await PostgresCustomerDirectory.append(
                    connection, to: thread, direction: .inbound, body: turn.visitorText, at: timestamp, logger: logger) {
                    messages.append(message)
                }
                if !turn.reply.isEmpty, let reply = try await PostgresCustomerDirectory.append(
                    connection, to: thread, direction: .outbound, body: turn.reply, sources: turn.sources, at: timestamp,
                    logger: logger) {
                    messages.append(reply)
                }
                var events = turn.events.filter { $0.type != .webEnded }
                let customer = try await PostgresLeadRecorder.record(
                    connection, businessId: conversation.businessId, stream: .conversation(conversation.conversationId),
                    leads: turn.leads, alerts: turn.alerts, at: timestamp, deferringEventsTo: &events, logger: logger)
                if let customer {
                    // The visitor left a number: the conversation is now this customer's (the first number given wins).
                    try await connection.query("""
                        UPDATE conversations SET customer_id = \(customer.id)
                        WHERE id = \(conversation.conversationId) AND business_id = \(conversation.businessId) AND customer_id IS NULL
                        """, logger: logger)
                }
                events += turn.events.filter { $0.type == .webEnded }
                try await PostgresEventAppender.append(connection, events, at: timestamp, logger: logger)
                return .stored(messages)
            }
        } catch is MovedOn {
            return .conflict
        } catch let limited as Limited {
            return .limited(retryAfter: limited.retryAfter)
        }
    }

    // MARK: Rows

    static let keyColumns = "id, business_id, key, token_secret, created_at, revoked_at"

    static func keys(_ rows: PostgresRowSequence) async throws -> [WidgetKey] {
        try await rows.all((String, String, String, String, Date, Date?).self).map {
            WidgetKey(id: $0.0, businessId: $0.1, key: $0.2, tokenSecret: $0.3, createdAt: $0.4, revokedAt: $0.5)
        }
    }

    static func requireBusiness(_ connection: PostgresConnection, _ businessId: String, _ logger: Logger) async throws {
        let found = try await connection.query("SELECT id FROM businesses WHERE id = \(businessId)", logger: logger).all(String.self)
        guard !found.isEmpty else { throw RepositoryError.notFound }
    }

    /// The business's active key, made (with a fresh secret) when it has none; a key another node made at the same
    /// moment wins and is returned.
    static func activeKey(_ connection: PostgresConnection, businessId: String, creatingAt timestamp: Date,
                          _ logger: Logger) async throws -> WidgetKey {
        let select: PostgresQuery = """
            SELECT \(unescaped: keyColumns) FROM widget_keys WHERE business_id = \(businessId) AND revoked_at IS NULL
            """
        if let existing = try await keys(connection.query(select, logger: logger)).first { return existing }
        let made = WidgetKey.make(businessId: businessId, at: timestamp)
        let inserted = try await connection.query("""
            INSERT INTO widget_keys (id, business_id, key, token_secret, created_at)
            VALUES (\(made.id), \(made.businessId), \(made.key), \(made.tokenSecret), \(made.createdAt))
            ON CONFLICT DO NOTHING RETURNING id
            """, logger: logger).all(String.self)
        if !inserted.isEmpty { return made }
        guard let winner = try await keys(connection.query(select, logger: logger)).first else { throw RepositoryError.notFound }
        return winner
    }

    static func origins(_ connection: PostgresConnection, businessId: String, _ logger: Logger) async throws -> [String] {
        guard let json = try await connection.query("""
            SELECT allowed_origins FROM widget_settings WHERE business_id = \(businessId)
            """, logger: logger).all(String.self).first else { return [] }
        return try WidgetOriginsJSON.decode(json)
    }

    static func visitorMessageTimes(_ connection: PostgresConnection, conversationId: String, businessId: String,
                                    since: Date, _ logger: Logger) async throws -> [Date] {
        try await connection.query("""
            SELECT created_at FROM messages
            WHERE conversation_id = \(conversationId) AND business_id = \(businessId) AND direction = 'inbound'
              AND created_at > \(since)
            """, logger: logger).all(Date.self)
    }
}
