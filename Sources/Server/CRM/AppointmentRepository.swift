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
}
