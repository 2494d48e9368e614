import Foundation
import GRDB

/// `ReminderRepository` on the app's SQLite database: appointments joined with their customers, texts queued
/// through ``GRDBOutboxRepository`` in the same transaction.
public struct GRDBReminderRepository: ReminderRepository {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    public func queueReminders(businessId: String, _ selection: ReminderSelection, now: Date,
                               text: @escaping @Sendable (Appointment) -> String) async throws -> [ReminderOutcome] {
        try await database.dbPool.write { db in
            var sql = """
                SELECT a.*, c.phone AS customer_phone, c.sms_opt_out AS customer_opted_out
                FROM appointments a JOIN customers c ON c.id = a.customer_id AND c.business_id = a.business_id
                WHERE a.business_id = ? AND a.status IN ('booked', 'confirmed') AND a.start_at > ?
                """
            var arguments: StatementArguments = [businessId, now]
            switch selection {
            case .startingBetween(let after, let through):
                sql += " AND a.start_at > ? AND a.start_at <= ?"
                arguments += [after, through]
            case .appointment(let id, _):
                sql += " AND a.id = ?"
                arguments += [id.lowercased()]
            }
            let rows = try Row.fetchAll(db, sql: sql + " ORDER BY a.start_at, a.id", arguments: arguments)
            let from = try String.fetchOne(
                db, sql: "SELECT number FROM business_numbers WHERE business_id = ? ORDER BY number LIMIT 1",
                arguments: [businessId])
            var outcomes: [ReminderOutcome] = []
            for row in rows {
                let appointment = try Appointment(row: row)
                if case .appointment(_, let startAt) = selection,
                   Self.wholeSeconds(appointment.startAt) != Self.wholeSeconds(startAt) {
                    continue
                }
                func outcome(_ skipped: String?) { outcomes.append(ReminderOutcome(appointment: appointment, skipped: skipped)) }
                if row["customer_opted_out"] as Bool { outcome("opted_out"); continue }
                if from == nil { outcome("no_business_number"); continue }
                let queued = try GRDBOutboxRepository.enqueue(db, OutgoingText(
                    businessId: businessId, to: row["customer_phone"], body: text(appointment), kind: .customer,
                    dedupeKey: "reminder:\(appointment.id)"), at: now)
                outcome(queued == nil ? "already_sent" : nil)
            }
            return outcomes
        }
    }

    /// Seconds since 1970, rounded down: the precision a timer's start is compared at (its key carries it too).
    static func wholeSeconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }
}
