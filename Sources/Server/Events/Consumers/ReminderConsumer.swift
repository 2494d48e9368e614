import Events
import Foundation

/// Sets each appointment's reminder timer: on `appointment.booked` / `appointment.changed` it enqueues a
/// `reminder.send` job of the work queue (``ReminderSendJob``) due the business's `default_reminder_hours` before
/// the start — now, if that time has passed and the appointment is still ahead. A timer is a row with `run_at`,
/// so it survives restarts; nothing sleeps in memory.
///
/// Idempotent by the timer's unique key, `reminder-timer:<appointment id>:<start epoch>`: a redelivered event adds
/// nothing, and a moved appointment gets a new timer (the old one finds it moved and does nothing). Appointments
/// that are cancelled, completed or already started, and businesses with reminders off (0 hours), get none.
struct ReminderConsumer: EventConsumer {
    let name = "reminders"
    let types: Set<EventType> = [.appointmentBooked, .appointmentChanged]

    let businesses: any BusinessRepository
    let jobs: any WorkQueue
    let now: @Sendable () -> Date
    /// Called after a timer was added, so the work queue notices a timer that is due at once.
    let queued: @Sendable () -> Void

    func handle(_ event: StoredEvent) async throws {
        guard let businessId = event.businessId else {
            throw UnhandleableEvent("\(event.type.rawValue) \(event.id) belongs to no business")
        }
        let appointment: AppointmentRecorded
        do { appointment = try event.decode(AppointmentRecorded.self) } catch {
            throw UnhandleableEvent("\(event.type.rawValue) \(event.id): \(error)")
        }
        guard let status = AppointmentStatus(rawValue: appointment.status), ReminderSendJob.remindable.contains(status)
        else { return }
        let now = now()
        guard appointment.startAt > now, let business = try await businesses.get(id: businessId) else { return }
        let hours = business.settings.defaultReminderHours
        guard hours > 0 else { return }
        let runAt = max(appointment.startAt.addingTimeInterval(-Double(hours) * 3600), now)
        if try await jobs.enqueue(ReminderSendJob.job(appointmentId: appointment.appointmentId, businessId: businessId,
                                                      startAt: appointment.startAt, runAt: runAt), now: now) {
            queued()
        }
    }
}
