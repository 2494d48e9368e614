import Foundation

extension AppointmentPatch {
    /// `existing` with this patch applied at `timestamp`, validated, and whether the booking rules must check it
    /// (it holds time and it moved, came back from cancelled, or stopped being an emergency, which may have let it
    /// use a reserved slot). Every storage backend's `update` applies patches through here.
    func applied(to existing: Appointment, at timestamp: Date) throws -> (updated: Appointment, needsBookingCheck: Bool) {
        var updated = existing
        if let startAt {
            // Moving the start keeps the length unless a new end is given too.
            updated.endAt = startAt.addingTimeInterval(existing.endAt.timeIntervalSince(existing.startAt))
            updated.startAt = startAt
        }
        if let endAt { updated.endAt = endAt }
        if let service { updated.service = service }
        if let status { updated.status = status }
        if let isEmergency { updated.isEmergency = isEmergency }
        if let notes { updated.notes = notes }
        updated.updatedAt = timestamp
        try updated.validate()
        let moved = updated.startAt != existing.startAt || updated.endAt != existing.endAt
        let reactivated = !existing.status.holdsTime && updated.status.holdsTime
        let lostEmergency = existing.isEmergency && !updated.isEmergency
        return (updated, updated.status.holdsTime && (moved || reactivated || lostEmergency))
    }
}
