import Foundation
import Receptionist

/// Where an appointment is in its life.
public enum AppointmentStatus: String, Codable, Sendable, CaseIterable {
    case booked, confirmed, cancelled, completed
    case noShow = "no_show"

    /// Whether the appointment holds its time (everything but a cancellation).
    public var holdsTime: Bool { self != .cancelled }
}

/// A booked job. Row of `appointments`. Times are instants; the API shows them in the business's time zone.
public struct Appointment: Codable, Sendable, Equatable, Identifiable {
    public var id: String
    public var businessId: String
    public var customerId: String
    public var startAt: Date
    public var endAt: Date
    public var service: String?
    public var status: AppointmentStatus
    public var isEmergency: Bool
    public var notes: String?
    /// The call the appointment was booked on, if any.
    public var sourceCallSid: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String = UUID().uuidString.lowercased(), businessId: String, customerId: String, startAt: Date, endAt: Date,
        service: String? = nil, status: AppointmentStatus = .booked, isEmergency: Bool = false, notes: String? = nil,
        sourceCallSid: String? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.businessId = businessId
        self.customerId = customerId
        self.startAt = startAt
        self.endAt = endAt
        self.service = service
        self.status = status
        self.isEmergency = isEmergency
        self.notes = notes
        self.sourceCallSid = sourceCallSid
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    var interval: BookingInterval { BookingInterval(start: startAt, end: endAt, isEmergency: isEmergency) }

    func validate() throws {
        if let service, service.count > Customer.maxFieldLength {
            throw RepositoryError.invalid("service must be at most \(Customer.maxFieldLength) characters")
        }
        if let notes, notes.count > Customer.maxNotesLength {
            throw RepositoryError.invalid("notes must be at most \(Customer.maxNotesLength) characters")
        }
    }
}

/// What a client may change on an appointment: nil leaves a field alone, `.some(nil)` clears an optional one.
public struct AppointmentPatch: Sendable, Equatable {
    public var startAt: Date?
    public var endAt: Date?
    public var service: String??
    public var status: AppointmentStatus?
    public var isEmergency: Bool?
    public var notes: String??

    public init(startAt: Date? = nil, endAt: Date? = nil, service: String?? = nil, status: AppointmentStatus? = nil,
                isEmergency: Bool? = nil, notes: String?? = nil) {
        self.startAt = startAt
        self.endAt = endAt
        self.service = service
        self.status = status
        self.isEmergency = isEmergency
        self.notes = notes
    }
}

/// A refused booking: the rule it breaks, for a 409.
public struct BookingConflict: Error, Sendable, Equatable {
    public let rejection: BookingRejection
}

extension ReceptionistSettings {
    /// The booking rules of these settings in `timeZone`.
    public func bookingPolicy(timeZone: TimeZone) -> BookingPolicy {
        // Calendar weekdays: 1 = Sunday … 7 = Saturday.
        let numbers: [Weekday: Int] = [.sunday: 1, .monday: 2, .tuesday: 3, .wednesday: 4, .thursday: 5, .friday: 6, .saturday: 7]
        var hours: [Int: OpeningHours] = [:]
        for (day, dayHours) in businessHours {
            guard let open = DayHours.minutes(dayHours.open), let close = DayHours.minutes(dayHours.close) else { continue }
            hours[numbers[day]!] = OpeningHours(open: open, close: close)
        }
        return BookingPolicy(hours: hours, slotMinutes: slotMinutes, maxJobsPerDay: maxJobsPerDay,
                             travelBufferMinutes: travelBufferMinutes,
                             reserveMorningsForEmergencies: reserveMorningsForEmergencies, timeZone: timeZone)
    }
}

extension Business {
    var bookingRules: BookingRules { BookingRules(policy: settings.bookingPolicy(timeZone: zone)) }
}
