import Foundation
import Receptionist

/// Booking on the phone: the free slots the receptionist may offer, and booking the one the caller confirmed,
/// with the same rules as `POST /v1/appointments` (checked again when booking, inside one transaction).
struct CallBooking: Sendable {
    let appointments: any AppointmentRepository

    /// Days ahead the receptionist looks for free slots, and how many it keeps.
    static let daysAhead = 14
    static let maxSlots = 24

    func openSlots(business: Business, now: Date) async throws -> [BookingInterval] {
        let rules = business.bookingRules
        var day = LocalDate(now, in: business.zone)
        let end = now.addingTimeInterval(Double(Self.daysAhead + 1) * 86_400)
        let held = try await appointments.heldIntervals(businessId: business.id, from: now.addingTimeInterval(-86_400), to: end)
        var slots: [BookingInterval] = []
        for _ in 0..<Self.daysAhead where slots.count < Self.maxSlots {
            slots += rules.availability(on: day, existing: held, now: now)
            day = day.next
        }
        return Array(slots.prefix(Self.maxSlots))
    }

    /// Books `slot` for the caller (a customer made or found by their number); false when the rules refuse it now
    /// (the slot was taken meanwhile). Booking the same slot again on the same call is not a second booking.
    func book(_ slot: BookingInterval, lead: LeadDraft, business: Business, call: CallRecord, now: Date) async throws -> Bool {
        guard let phone = lead.phone ?? call.caller, PhoneNumber.isE164(phone) else { return false }
        let booking = CallerBooking(
            businessId: business.id, callSid: call.sid, phone: phone, name: lead.name, address: lead.address,
            slot: BookingInterval(start: slot.start, end: slot.end, isEmergency: lead.isEmergency),
            service: lead.category.map { $0.capitalized }, notes: lead.notes)
        do {
            _ = try await appointments.book(booking, rules: business.bookingRules, now: now)
            return true
        } catch is BookingConflict {
            return false
        }
    }
}
