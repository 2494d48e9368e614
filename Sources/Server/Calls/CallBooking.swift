import Foundation
import GRDB
import Receptionist

/// Booking on the phone: the free slots the receptionist may offer, and booking the one the caller confirmed,
/// with the same rules as `POST /v1/appointments` (checked again when booking, inside one transaction).
struct CallBooking: Sendable {
    let database: AppDatabase
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
        let existing = try await database.dbPool.read { db in
            try Appointment.filter(Column("source_call_sid") == call.sid && Column("start_at") == slot.start
                                   && Column("status") != AppointmentStatus.cancelled.rawValue).fetchOne(db)
        }
        if existing != nil { return true }
        let customer = try await database.dbPool.write { db in
            let customer = try CustomerDirectory.upsert(db, businessId: business.id, phone: phone, name: lead.name, source: "booking", at: now)
            if let address = lead.address {
                try db.execute(sql: "UPDATE customers SET address = ? WHERE id = ? AND address IS NULL", arguments: [address, customer.id])
            }
            return customer
        }
        let appointment = Appointment(
            businessId: business.id, customerId: customer.id, startAt: slot.start, endAt: slot.end,
            service: lead.category.map { $0.capitalized }, isEmergency: lead.isEmergency, notes: lead.notes,
            sourceCallSid: call.sid, createdAt: now, updatedAt: now)
        do {
            _ = try await appointments.create(appointment, rules: business.bookingRules, now: now)
            return true
        } catch is BookingConflict {
            return false
        }
    }
}
