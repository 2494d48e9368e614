import Foundation

/// Texts customers whose appointment starts within the business's `default_reminder_hours`: once per appointment
/// (the outbox's dedupe key `reminder:<appointment id>`), never to a customer who opted out.
/// `POST /v1/reminders/send-upcoming` and, hourly, the job runner; the `reminders` event consumer sets a timer per
/// appointment that queues the same text (``ReminderSendJob``).
struct ReminderService: Sendable {
    let reminders: any ReminderRepository

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
        let until = now.addingTimeInterval(Double(business.settings.defaultReminderHours) * 3600)
        let outcomes = try await reminders.queueReminders(
            businessId: business.id, .startingBetween(after: now, through: until), now: now,
            text: Self.text(business: business))
        var sent: [Item] = [], skipped: [Item] = []
        for outcome in outcomes {
            let appointment = outcome.appointment
            let item = Item(appointmentId: appointment.id, customerId: appointment.customerId, startAt: appointment.startAt,
                            reason: outcome.skipped)
            if outcome.skipped == nil { sent.append(item) } else { skipped.append(item) }
        }
        return Result(sent: sent, skipped: skipped)
    }

    /// The reminder text of the business's appointments.
    static func text(business: Business) -> @Sendable (Appointment) -> String {
        { appointment in
            text(business: business, service: appointment.service, start: appointment.startAt, timeZone: business.zone)
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
