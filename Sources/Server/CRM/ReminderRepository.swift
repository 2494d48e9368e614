import Foundation

/// Which appointments a reminder pass looks at. Either way only appointments that are booked or confirmed and
/// start after the pass's `now` get a reminder.
public enum ReminderSelection: Sendable, Equatable {
    /// Every appointment of the business starting after `after`, up to and including `through` (the sweep:
    /// `POST /v1/reminders/send-upcoming` and the hourly task).
    case startingBetween(after: Date, through: Date)
    /// One appointment, only while it still starts at `startAt` (to the second): a reminder timer set for that
    /// start does nothing for an appointment that moved since.
    case appointment(id: String, startAt: Date)
}

/// What a reminder pass did for one appointment.
public struct ReminderOutcome: Sendable, Equatable {
    public var appointment: Appointment
    /// Nil when its text was queued now; otherwise why not: `opted_out`, `already_sent`, `no_business_number`.
    public var skipped: String?

    public init(appointment: Appointment, skipped: String?) {
        self.appointment = appointment
        self.skipped = skipped
    }
}

/// Storage of appointment reminders: finds the appointments due a reminder and queues their texts in the outbox,
/// in one transaction.
public protocol ReminderRepository: Sendable {
    /// Queues the reminder text of each selected appointment of the business (by start time, then id): once per
    /// appointment ever (the outbox key `reminder:<appointment id>`), never to a customer who opted out, and only
    /// when the business has a number to text from.
    /// - Parameters:
    ///   - now: appointments starting at or before it get nothing; the texts' queue time.
    ///   - text: the reminder's body for an appointment.
    /// - Returns: one outcome per selected appointment; empty when none qualifies (a timer's appointment that was
    ///   cancelled, moved, deleted or has started).
    func queueReminders(businessId: String, _ selection: ReminderSelection, now: Date,
                        text: @escaping @Sendable (Appointment) -> String) async throws -> [ReminderOutcome]
}
