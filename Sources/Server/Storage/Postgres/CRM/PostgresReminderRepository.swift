import Foundation
import PostgresNIO

/// `ReminderRepository` on PostgreSQL: appointments joined with their customers, texts queued through
/// ``PostgresOutboxRepository`` in the same transaction.
///
/// Several nodes: each reminder's outbox key (`reminder:<appointment id>`) is unique, so two passes over one
/// appointment at once (a sweep on one node, its timer on another) queue one text; the other reports
/// `already_sent`.
struct PostgresReminderRepository: ReminderRepository {
    let database: PGDatabase

    func queueReminders(businessId: String, _ selection: ReminderSelection, now: Date,
                        text: @escaping @Sendable (Appointment) -> String) async throws -> [ReminderOutcome] {
        let (after, through, id): (Date?, Date?, String?) = switch selection {
        case .startingBetween(let after, let through): (after, through, nil)
        case .appointment(let id, _): (nil, nil, id.lowercased())
        }
        let logger = database.logger
        return try await database.write { connection in
            var rows: [(Appointment, phone: String, optedOut: Bool)] = []
            for try await row in try await connection.query("""
                SELECT \(unescaped: Self.appointmentColumns), c.phone, c.sms_opt_out
                FROM appointments a JOIN customers c ON c.id = a.customer_id AND c.business_id = a.business_id
                WHERE a.business_id = \(businessId) AND a.status IN ('booked', 'confirmed') AND a.start_at > \(now)
                  AND (\(after)::timestamptz IS NULL OR (a.start_at > \(after) AND a.start_at <= \(through)))
                  AND (\(id)::text IS NULL OR a.id = \(id))
                ORDER BY a.start_at, a.id
                """, logger: logger) {
                let columns = try row.decode((String, String, String, Date, Date, String?, String, Bool, String?, String?,
                                              Date, Date, String, Bool).self)
                let appointment = try PostgresAppointmentRepository.appointment(
                    columns.0, columns.1, columns.2, columns.3, columns.4, columns.5, columns.6, columns.7, columns.8,
                    columns.9, columns.10, columns.11)
                rows.append((appointment, columns.12, columns.13))
            }
            let from = try await PostgresOutboxRepository.senderNumber(connection, businessId: businessId, logger: logger)
            var outcomes: [ReminderOutcome] = []
            for (appointment, phone, optedOut) in rows {
                if case .appointment(_, let startAt) = selection,
                   Self.wholeSeconds(appointment.startAt) != Self.wholeSeconds(startAt) {
                    continue
                }
                func outcome(_ skipped: String?) { outcomes.append(ReminderOutcome(appointment: appointment, skipped: skipped)) }
                if optedOut { outcome("opted_out"); continue }
                if from == nil { outcome("no_business_number"); continue }
                let queued = try await PostgresOutboxRepository.enqueue(connection, OutgoingText(
                    businessId: businessId, to: phone, body: text(appointment), kind: .customer,
                    dedupeKey: "reminder:\(appointment.id)"), at: now, logger: logger)
                outcome(queued == nil ? "already_sent" : nil)
            }
            return outcomes
        }
    }

    /// The appointment columns, as `a.…`, in ``PostgresAppointmentRepository/columns``' order.
    private static let appointmentColumns = PostgresAppointmentRepository.columns
        .split(separator: ",").map { "a." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")

    /// Seconds since 1970, rounded down: the precision a timer's start is compared at (its key carries it too).
    static func wholeSeconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }
}
