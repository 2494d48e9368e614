import Foundation
import GRDB

/// Texts customers whose appointment starts within the business's `default_reminder_hours`: once per appointment
/// (the outbox's dedupe key), never to a customer who opted out. `POST /v1/reminders/send-upcoming` and, hourly,
/// the job runner.
struct ReminderService: Sendable {
    let database: AppDatabase

    struct Item: Encodable, Sendable {
        let appointmentId: String
        let customerId: String
        let startAt: Date
        /// Why it was skipped: `opted_out`, `already_sent`, `no_business_number`.
        let reason: String?
    }

    struct Result: Encodable, Sendable {
        /// Queued now (the outbox sends them).
        let sent: [Item]
        let skipped: [Item]
    }

    func sendUpcoming(business: Business, now: Date) async throws -> Result {
        let hours = business.settings.defaultReminderHours
        let until = now.addingTimeInterval(Double(hours) * 3600)
        let timeZone = business.zone
        return try await database.dbPool.write { db in
            let from = try String.fetchOne(db, sql: "SELECT number FROM business_numbers WHERE business_id = ? ORDER BY number LIMIT 1",
                                           arguments: [business.id])
            let rows = try Row.fetchAll(db, sql: """
                SELECT a.id, a.customer_id, a.start_at, a.service, c.phone, c.name, c.sms_opt_out
                FROM appointments a JOIN customers c ON c.id = a.customer_id AND c.business_id = a.business_id
                WHERE a.business_id = ? AND a.status IN ('booked', 'confirmed') AND a.start_at > ? AND a.start_at <= ?
                ORDER BY a.start_at, a.id
                """, arguments: [business.id, now, until])
            var sent: [Item] = [], skipped: [Item] = []
            for row in rows {
                let id: String = row["id"], customerId: String = row["customer_id"], start: Date = row["start_at"]
                func skip(_ reason: String) { skipped.append(Item(appointmentId: id, customerId: customerId, startAt: start, reason: reason)) }
                if row["sms_opt_out"] as Bool { skip("opted_out"); continue }
                if from == nil { skip("no_business_number"); continue }
                let body = Self.text(business: business, service: row["service"], start: start, timeZone: timeZone)
                let queued = try SMSOutbox.enqueue(db, businessId: business.id, to: row["phone"], body: body, kind: .customer,
                                                   dedupeKey: "reminder:\(id)", at: now)
                if queued == nil { skip("already_sent") } else {
                    sent.append(Item(appointmentId: id, customerId: customerId, startAt: start, reason: nil))
                }
            }
            return Result(sent: sent, skipped: skipped)
        }
    }

    /// "Reminder from Rapid Rooter: your boiler service is on Tue 25 Nov at 2:00 PM. Reply STOP to opt out."
    static func text(business: Business, service: String?, start: Date, timeZone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "EEE d MMM 'at' h:mm a"
        let what = service.map { "your \($0) appointment" } ?? "your appointment"
        return "Reminder from \(business.name): \(what) is on \(formatter.string(from: start)). Reply STOP to opt out."
    }
}
