import Foundation

/// An appointment's reminder timer going off (the work queue's `reminder.send` job, set by ``ReminderConsumer``):
/// re-reads the appointment and queues its reminder text exactly as ``ReminderService`` does — the same text and
/// outbox key `reminder:<appointment id>`, never to a customer who opted out. Does nothing when the appointment was
/// cancelled, moved off the timer's start, has started, or was reminded already (by the sweep or another timer),
/// or when the business is suspended or has turned reminders off.
struct ReminderSendJob: JobHandler {
    static let kind = "reminder.send"
    var kind: String { Self.kind }

    /// The statuses that get a reminder.
    static let remindable: Set<AppointmentStatus> = [.booked, .confirmed]

    struct Payload: Codable, Sendable {
        var appointmentId: String
        /// The start the timer was set for.
        var startAt: Date
    }

    let businesses: any BusinessRepository
    let reminders: any ReminderRepository
    let now: @Sendable () -> Date

    /// The timer for an appointment starting at `startAt`, due at `runAt`; keyed by both, so it is set once per start.
    static func job(appointmentId: String, businessId: String, startAt: Date, runAt: Date) throws -> NewJob {
        try NewJob(kind: kind, businessId: businessId, payload: Payload(appointmentId: appointmentId, startAt: startAt),
                   dedupeKey: "reminder-timer:\(appointmentId):\(Int64(startAt.timeIntervalSince1970.rounded(.down)))",
                   runAt: runAt)
    }

    func run(_ job: Job) async throws {
        let payload: Payload
        do { payload = try job.decode(Payload.self) } catch { throw PermanentJobError("bad payload: \(error)") }
        guard let businessId = job.businessId else { throw PermanentJobError("a reminder timer without a business") }
        guard let business = try await businesses.get(id: businessId), business.status == .active,
              business.settings.defaultReminderHours > 0
        else { return }
        _ = try await reminders.queueReminders(
            businessId: business.id, .appointment(id: payload.appointmentId, startAt: payload.startAt), now: now(),
            text: ReminderService.text(business: business))
    }
}
