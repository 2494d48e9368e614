import Events
import Foundation
import GRDB
import Receptionist

/// `AppointmentRepository` on the app's SQLite database.
public struct GRDBAppointmentRepository: AppointmentRepository {
    private let database: AppDatabase
    private let now: @Sendable () -> Date

    public init(database: AppDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    public func list(businessId: String, filter: AppointmentFilter, limit: Int, cursor: String?) async throws -> Page<Appointment> {
        let limit = try PageCursor.validatedLimit(limit)
        let after = try cursor.map(PageCursor.init(decoding:))
        let rows = try await database.dbPool.read { db in
            var request = Appointment.filter(Column("business_id") == businessId)
            if let from = filter.from { request = request.filter(Column("start_at") >= from) }
            if let to = filter.to { request = request.filter(Column("start_at") < to) }
            if let status = filter.status { request = request.filter(Column("status") == status.rawValue) }
            if let customerId = filter.customerId { request = request.filter(Column("customer_id") == customerId.lowercased()) }
            if let after {
                request = request.filter(sql: "(start_at > ? OR (start_at = ? AND id > ?))",
                                         arguments: [after.createdAt, after.createdAt, after.id])
            }
            return try request.order(Column("start_at"), Column("id")).limit(limit + 1).fetchAll(db)
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { PageCursor(after: $0.startAt, id: $0.id).encoded } : nil
        return Page(items: items, nextCursor: next)
    }

    public func get(id: String, businessId: String) async throws -> Appointment? {
        try await database.dbPool.read { db in try Self.fetch(db, id: id, businessId: businessId) }
    }

    public func create(_ appointment: Appointment, rules: BookingRules, now instant: Date) async throws -> Appointment {
        try appointment.validate()
        let timestamp = now()
        var appointment = appointment
        appointment.createdAt = timestamp
        appointment.updatedAt = timestamp
        let stored = appointment
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard try Customer.filter(Column("id") == stored.customerId && Column("business_id") == stored.businessId)
                    .fetchCount(db) > 0
                else { throw RepositoryError.invalid("customerId does not name a customer of this business") }
                if stored.status.holdsTime {
                    try Self.check(db, stored, rules: rules, now: instant)
                }
                try stored.insert(db)
                try Self.recorded(db, stored, type: .appointmentBooked, at: timestamp)
                return try Appointment.fetchOne(db, key: stored.id)!
            }
        }
    }

    public func update(id: String, businessId: String, _ patch: AppointmentPatch, rules: BookingRules, now instant: Date) async throws -> Appointment {
        let timestamp = now()
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard let existing = try Self.fetch(db, id: id, businessId: businessId) else { throw RepositoryError.notFound }
                let (updated, needsBookingCheck) = try patch.applied(to: existing, at: timestamp)
                if needsBookingCheck {
                    try Self.check(db, updated, rules: rules, now: instant)
                }
                try updated.update(db)
                if updated != existing { try Self.recorded(db, updated, type: .appointmentChanged, at: timestamp) }
                return try Appointment.fetchOne(db, key: updated.id)!
            }
        }
    }

    public func heldIntervals(businessId: String, from: Date, to: Date) async throws -> [BookingInterval] {
        try await database.dbPool.read { db in
            try Self.held(db, businessId: businessId, from: from, to: to, excluding: nil).map(\.interval)
        }
    }

    public func schedule(businessId: String, from: Date, to: Date) async throws -> [ScheduledAppointment] {
        try await database.dbPool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT a.*, c.name AS customer_name, c.address AS customer_address
                FROM appointments a JOIN customers c ON c.id = a.customer_id AND c.business_id = a.business_id
                WHERE a.business_id = ? AND a.status != 'cancelled' AND a.start_at >= ? AND a.start_at < ?
                ORDER BY a.start_at, a.id
                """, arguments: [businessId, from, to])
                .map { row in
                    ScheduledAppointment(appointment: try Appointment(row: row), customerName: row["customer_name"],
                                         customerAddress: row["customer_address"])
                }
        }
    }

    public func book(_ booking: CallerBooking, rules: BookingRules, now instant: Date) async throws -> Appointment {
        let timestamp = now()
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                if let existing = try Appointment.filter(
                    Column("business_id") == booking.businessId && Column("source_call_sid") == booking.callSid
                        && Column("start_at") == booking.slot.start
                        && Column("status") != AppointmentStatus.cancelled.rawValue).fetchOne(db) {
                    return existing
                }
                guard try CallRecord.filter(Column("sid") == booking.callSid && Column("business_id") == booking.businessId)
                    .fetchCount(db) > 0
                else { throw RepositoryError.invalid("callSid does not name a call of this business") }
                let customer = try CustomerDirectory.upsert(db, businessId: booking.businessId, phone: booking.phone,
                                                            name: booking.name, source: "booking", at: timestamp)
                if let address = booking.address {
                    try db.execute(sql: "UPDATE customers SET address = ?, updated_at = ? WHERE id = ? AND address IS NULL",
                                   arguments: [address, timestamp, customer.id])
                }
                let appointment = Appointment(
                    businessId: booking.businessId, customerId: customer.id, startAt: booking.slot.start,
                    endAt: booking.slot.end, service: booking.service, isEmergency: booking.slot.isEmergency,
                    notes: booking.notes, sourceCallSid: booking.callSid, createdAt: timestamp, updatedAt: timestamp)
                try appointment.validate()
                // A refusal throws, rolling back the customer made above too.
                try Self.check(db, appointment, rules: rules, now: instant)
                try appointment.insert(db)
                try Self.recorded(db, appointment, type: .appointmentBooked, at: timestamp)
                return try Appointment.fetchOne(db, key: appointment.id)!
            }
        }
    }

    // MARK: - Details

    /// `appointment.booked` / `appointment.changed` on the customer's stream, in the write's transaction.
    private static func recorded(_ db: Database, _ appointment: Appointment, type: EventType, at timestamp: Date) throws {
        try EventAppender.append(db, EventDraft(
            businessId: appointment.businessId, stream: .customer(appointment.customerId), type: type,
            AppointmentRecorded(appointmentId: appointment.id, customerId: appointment.customerId,
                                startAt: appointment.startAt, endAt: appointment.endAt, status: appointment.status.rawValue,
                                service: appointment.service, isEmergency: appointment.isEmergency,
                                callSid: appointment.sourceCallSid)), at: timestamp)
    }

    private static func fetch(_ db: Database, id: String, businessId: String) throws -> Appointment? {
        try Appointment.filter(Column("id") == id.lowercased() && Column("business_id") == businessId).fetchOne(db)
    }

    /// Throws `BookingConflict` when `appointment` breaks a rule next to the business's other appointments.
    private static func check(_ db: Database, _ appointment: Appointment, rules: BookingRules, now: Date) throws {
        // Everything that could clash or share the local day: two days either side covers any time zone, slot
        // length and buffer the settings allow.
        let margin: TimeInterval = 2 * 86_400
        let others = try held(db, businessId: appointment.businessId, from: appointment.startAt - margin,
                              to: appointment.endAt + margin, excluding: appointment.id)
        if let rejection = rules.check(appointment.interval, existing: others.map(\.interval), now: now) {
            throw BookingConflict(rejection: rejection)
        }
    }

    private static func held(_ db: Database, businessId: String, from: Date, to: Date, excluding id: String?) throws -> [Appointment] {
        var request = Appointment.filter(Column("business_id") == businessId
                                         && Column("status") != AppointmentStatus.cancelled.rawValue
                                         && Column("start_at") < to && Column("end_at") > from)
        if let id { request = request.filter(Column("id") != id) }
        return try request.order(Column("start_at")).fetchAll(db)
    }
}
