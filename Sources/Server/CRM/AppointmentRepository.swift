import Foundation
import Receptionist

/// Which appointments a listing returns.
public struct AppointmentFilter: Sendable, Equatable {
    /// Starting at or after this instant.
    public var from: Date?
    /// Starting before this instant.
    public var to: Date?
    public var status: AppointmentStatus?
    public var customerId: String?

    public init(from: Date? = nil, to: Date? = nil, status: AppointmentStatus? = nil, customerId: String? = nil) {
        self.from = from
        self.to = to
        self.status = status
        self.customerId = customerId
    }
}

/// An appointment with the customer details a day's schedule reads out.
public struct ScheduledAppointment: Sendable, Equatable {
    public var appointment: Appointment
    public var customerName: String?
    public var customerAddress: String?

    public init(appointment: Appointment, customerName: String?, customerAddress: String?) {
        self.appointment = appointment
        self.customerName = customerName
        self.customerAddress = customerAddress
    }
}

/// A slot a caller confirmed on the phone, to book for them (`AppointmentRepository.book(_:rules:now:)`).
public struct CallerBooking: Sendable, Equatable {
    public var businessId: String
    /// The call it is booked on: booking the same start again on this call is not a second booking.
    public var callSid: String
    /// The caller's number (E.164): their customer is found by it, or made.
    public var phone: String
    /// Fill the customer's name and address when they have none (they never overwrite what the business has).
    public var name: String?
    public var address: String?
    public var slot: BookingInterval
    public var service: String?
    public var notes: String?

    public init(businessId: String, callSid: String, phone: String, name: String? = nil, address: String? = nil,
                slot: BookingInterval, service: String? = nil, notes: String? = nil) {
        self.businessId = businessId
        self.callSid = callSid
        self.phone = phone
        self.name = name
        self.address = address
        self.slot = slot
        self.service = service
        self.notes = notes
    }
}

/// Storage of appointments. A booking is checked against the business's rules and its other appointments in the
/// same write transaction that stores it, so two concurrent bookings can never both take one slot.
///
/// Errors: `BookingConflict` when a rule is broken, `RepositoryError.notFound` for an unknown (or another
/// business's) appointment or customer, `.invalid` for bad fields.
public protocol AppointmentRepository: Sendable {
    /// Appointments by start time (then id), paginated.
    func list(businessId: String, filter: AppointmentFilter, limit: Int, cursor: String?) async throws -> Page<Appointment>
    func get(id: String, businessId: String) async throws -> Appointment?
    /// Books `appointment` (its `businessId` scopes the check) when `rules` allow it at `now`.
    func create(_ appointment: Appointment, rules: BookingRules, now: Date) async throws -> Appointment
    /// Applies `patch`; a new time, or a cancelled appointment made active again, is checked against `rules`.
    func update(id: String, businessId: String, _ patch: AppointmentPatch, rules: BookingRules, now: Date) async throws -> Appointment
    /// The appointments that hold time (not cancelled) and start in `from..<to`.
    func heldIntervals(businessId: String, from: Date, to: Date) async throws -> [BookingInterval]
    /// The appointments that hold time and start in `from..<to`, by start time (then id), with their customers'
    /// name and address: the owner's schedule.
    func schedule(businessId: String, from: Date, to: Date) async throws -> [ScheduledAppointment]
    /// Books a caller's slot in one transaction: their customer is found or made by phone (name and address fill
    /// empty fields), and the slot is checked against `rules` and the business's other appointments at `now`.
    /// Nothing is written when the rules refuse. When this call already booked an appointment at that start, that
    /// appointment is returned and nothing changes.
    /// - Throws: `BookingConflict` when a rule is broken; `RepositoryError.invalid` for a phone that is not E.164 or
    ///   a call that is not the business's.
    func book(_ booking: CallerBooking, rules: BookingRules, now: Date) async throws -> Appointment
}
