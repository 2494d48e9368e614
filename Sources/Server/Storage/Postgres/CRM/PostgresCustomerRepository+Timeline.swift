import Events
import Foundation
import PostgresNIO
import Receptionist

extension PostgresCustomerRepository {
    func timeline(customerId: String, businessId: String, limit: Int) async throws -> [TimelineItem] {
        let logger = database.logger
        return try await database.read { connection in
            guard let customer = try await Self.fetch(connection, id: customerId.lowercased(), businessId: businessId,
                                                      logger: logger)
            else { throw RepositoryError.notFound }
            let calls = try await PostgresCallRepository.decodeCalls(connection.query("""
                SELECT \(unescaped: PostgresCallRepository.callColumns) FROM calls
                WHERE business_id = \(businessId)
                  AND ((direction = 'inbound' AND caller = \(customer.phone)) OR (direction = 'outbound' AND called = \(customer.phone)))
                ORDER BY started_at DESC, sid DESC LIMIT \(limit)
                """, logger: logger))
            let messageRows = try await connection.query("""
                SELECT m.id, m.conversation_id, m.business_id, m.direction, m.body, m.twilio_sid, m.created_at, c.channel,
                       m.sources
                FROM messages m JOIN conversations c ON c.id = m.conversation_id
                WHERE c.customer_id = \(customer.id) AND c.business_id = \(businessId)
                  AND c.channel <> 'voice' -- a call is one timeline item; its lines are in the call
                ORDER BY m.created_at DESC, m.id DESC LIMIT \(limit)
                """, logger: logger).all((Int64, String, String, String, String, String?, Date, String, String?).self)
            let appointments = try await PostgresAppointmentRepository.decodeAll(connection.query("""
                SELECT \(unescaped: PostgresAppointmentRepository.columns) FROM appointments
                WHERE customer_id = \(customer.id) AND business_id = \(businessId) ORDER BY start_at DESC, id DESC LIMIT \(limit)
                """, logger: logger))
            var items: [TimelineItem] = calls.map { .call($0) } + appointments.map { .appointment($0) }
            for row in messageRows {
                guard let direction = MessageDirection(rawValue: row.3) else {
                    throw RepositoryError.invalid("stored message \(row.0) has unknown direction \(row.3)")
                }
                let message = ConversationMessage(id: row.0, conversationId: row.1, businessId: row.2, direction: direction,
                                                  body: row.4, twilioSid: row.5, createdAt: row.6,
                                                  sources: try row.8.map { try PostgresRecordJSON.value([MessageSource].self, from: $0) })
                items.append(.message(message, channel: ConversationChannel(rawValue: row.7) ?? .sms))
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
}
