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
            let calls = try await Self.decodeCalls(connection.query("""
                SELECT \(unescaped: Self.callColumns) FROM calls
                WHERE business_id = \(businessId)
                  AND ((direction = 'inbound' AND caller = \(customer.phone)) OR (direction = 'outbound' AND called = \(customer.phone)))
                ORDER BY started_at DESC, sid DESC LIMIT \(limit)
                """, logger: logger))
            let messageRows = try await connection.query("""
                SELECT m.id, m.conversation_id, m.business_id, m.direction, m.body, m.twilio_sid, m.created_at, c.channel
                FROM messages m JOIN conversations c ON c.id = m.conversation_id
                WHERE c.customer_id = \(customer.id) AND c.business_id = \(businessId)
                  AND c.channel <> 'voice' -- a call is one timeline item; its lines are in the call
                ORDER BY m.created_at DESC, m.id DESC LIMIT \(limit)
                """, logger: logger).all((Int64, String, String, String, String, String?, Date, String).self)
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
                                                  body: row.4, twilioSid: row.5, createdAt: row.6)
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

    // MARK: - Call rows

    /// The columns `decodeCalls(_:)` reads, in order.
    static let callColumns = """
        sid, business_id, caller, called, status, state, machine, version, outcome, is_emergency, emergency_category,
        started_at, ended_at, duration_seconds, questions_answered, questions_declined, caller_turns, transfer_status,
        cited_entries, direction, status_sequence, context
        """

    /// Decodes rows selected with ``callColumns``. The machine is JSON as SQLite's rows hold it (GRDB's encoding:
    /// dates as milliseconds since 1970), so a database copied from SQLite reads the same.
    static func decodeCalls(_ rows: PostgresRowSequence) async throws -> [CallRecord] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        decoder.dataDecodingStrategy = .base64
        var calls: [CallRecord] = []
        for try await row in rows {
            let (sid, businessId, caller, called, status, state, machine, version, outcome, isEmergency, emergencyCategory,
                 startedAt, endedAt, durationSeconds, questionsAnswered, questionsDeclined, callerTurns, transferStatus,
                 citedEntries, direction, statusSequence, context) = try row.decode(
                    (String, String, String?, String, String, String, String, Int, String?, Bool, String?,
                     Date, Date?, Int?, Int, Int, Int, String?, String?, String, Int?, String?).self)
            guard let state = CallState(rawValue: state), let direction = CallDirection(rawValue: direction) else {
                throw RepositoryError.invalid("stored call \(sid) has an unknown state or direction")
            }
            let knownOutcome = try outcome.map { outcome in
                guard let known = CallOutcome(rawValue: outcome) else {
                    throw RepositoryError.invalid("stored call \(sid) has unknown outcome \(outcome)")
                }
                return known
            }
            let call = CallRecord(
                sid: sid, businessId: businessId, caller: caller, called: called, status: status, state: state,
                machine: try decoder.decode(CallMachine.self, from: Data(machine.utf8)), version: version,
                outcome: knownOutcome, isEmergency: isEmergency, emergencyCategory: emergencyCategory,
                startedAt: startedAt, endedAt: endedAt, durationSeconds: durationSeconds,
                questionsAnswered: questionsAnswered, questionsDeclined: questionsDeclined, callerTurns: callerTurns,
                transferStatus: transferStatus, citedEntries: citedEntries, direction: direction,
                statusSequence: statusSequence, context: context)
            calls.append(call)
        }
        return calls
    }
}
