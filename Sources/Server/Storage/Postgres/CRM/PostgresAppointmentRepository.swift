import Events
import Foundation
import PostgresNIO
import Receptionist

/// `AppointmentRepository` on PostgreSQL.
///
/// Several nodes: a booking reads the business's other appointments, checks the rules, then inserts — under READ
/// COMMITTED two nodes could both read a free slot and both take it. So every write that checks the rules first
/// takes the business's booking lock (a transaction-scoped advisory lock keyed by the business): bookings of one
/// business are checked and stored one after the other on every node, each seeing the ones committed before it.
/// Bookings of different businesses never wait for each other (a hash collision only makes two wait).
struct PostgresAppointmentRepository: AppointmentRepository {
    let database: PGDatabase
    let now: @Sendable () -> Date

    /// The columns `decodeAll(_:)` reads, in order.
    static let columns = """
        id, business_id, customer_id, start_at, end_at, service, status, is_emergency, notes, source_call_sid,
        created_at, updated_at
        """

    /// The first key of the booking locks ("FDap"); the second is a hash of the business id. Two-key advisory locks
    /// never collide with the one-key locks of the event log and the migrations.
    static let bookingLockKey: Int32 = 0x4644_6170

    func list(businessId: String, filter: AppointmentFilter, limit: Int, cursor: String?) async throws -> Page<Appointment> {
        let limit = try PageCursor.validatedLimit(limit)
        let after = try cursor.map(PageCursor.init(decoding:))
        let key = try after?.postgresMicroseconds()
        let logger = database.logger
        // One statement for every filter: a condition whose value is NULL is folded away when it is planned.
        let rows = try await database.read { connection in
            try await Self.decodeAll(connection.query("""
                SELECT \(unescaped: Self.columns) FROM appointments
                WHERE business_id = \(businessId)
                  AND (\(filter.from)::timestamptz IS NULL OR start_at >= \(filter.from))
                  AND (\(filter.to)::timestamptz IS NULL OR start_at < \(filter.to))
                  AND (\(filter.status?.rawValue)::text IS NULL OR status = \(filter.status?.rawValue))
                  AND (\(filter.customerId?.lowercased())::text IS NULL OR customer_id = \(filter.customerId?.lowercased()))
                  AND (\(key)::bigint IS NULL
                       OR (\(unescaped: PGDatabase.microsecondsSQL("start_at")), id) > (\(key), \(after?.id)::text))
                ORDER BY start_at, id LIMIT \(limit + 1)
                """, logger: logger))
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { PageCursor(postgresAfter: $0.startAt, id: $0.id).encoded } : nil
        return Page(items: items, nextCursor: next)
    }

    func get(id: String, businessId: String) async throws -> Appointment? {
        let logger = database.logger
        return try await database.read { connection in
            try await Self.fetch(connection, id: id.lowercased(), businessId: businessId, logger: logger)
        }
    }

    func create(_ appointment: Appointment, rules: BookingRules, now instant: Date) async throws -> Appointment {
        try appointment.validate()
        let timestamp = now()
        var appointment = appointment
        appointment.createdAt = timestamp
        appointment.updatedAt = timestamp
        let stored = appointment
        let logger = database.logger
        return try await database.write { connection in
            let found = try await connection.query("""
                SELECT count(*) FROM customers WHERE id = \(stored.customerId) AND business_id = \(stored.businessId)
                """, logger: logger).all(Int64.self)
            guard found.first ?? 0 > 0 else {
                throw RepositoryError.invalid("customerId does not name a customer of this business")
            }
            if stored.status.holdsTime {
                try await Self.lockBookings(connection, businessId: stored.businessId, logger: logger)
                try await Self.check(connection, stored, rules: rules, now: instant, logger: logger)
            }
            try await Self.insert(connection, stored, logger: logger)
            try await Self.recorded(connection, stored, type: .appointmentBooked, at: timestamp, logger: logger)
            return try await Self.fetch(connection, id: stored.id, businessId: stored.businessId, logger: logger)!
        }
    }

    func update(id: String, businessId: String, _ patch: AppointmentPatch, rules: BookingRules,
                now instant: Date) async throws -> Appointment {
        let timestamp = now()
        let logger = database.logger
        return try await database.write { connection in
            // The row lock: two patches of one appointment apply one after the other.
            guard let existing = try await Self.fetch(connection, id: id.lowercased(), businessId: businessId,
                                                      forUpdate: true, logger: logger)
            else { throw RepositoryError.notFound }
            let (updated, needsBookingCheck) = try patch.applied(to: existing, at: timestamp)
            if needsBookingCheck {
                try await Self.lockBookings(connection, businessId: businessId, logger: logger)
                try await Self.check(connection, updated, rules: rules, now: instant, logger: logger)
            }
            try await connection.query("""
                UPDATE appointments SET start_at = \(updated.startAt), end_at = \(updated.endAt), service = \(updated.service),
                    status = \(updated.status.rawValue), is_emergency = \(updated.isEmergency), notes = \(updated.notes),
                    updated_at = \(updated.updatedAt)
                WHERE id = \(existing.id) AND business_id = \(businessId)
                """, logger: logger)
            if updated != existing {
                try await Self.recorded(connection, updated, type: .appointmentChanged, at: timestamp, logger: logger)
            }
            return try await Self.fetch(connection, id: updated.id, businessId: businessId, logger: logger)!
        }
    }

    func heldIntervals(businessId: String, from: Date, to: Date) async throws -> [BookingInterval] {
        let logger = database.logger
        return try await database.read { connection in
            try await Self.held(connection, businessId: businessId, from: from, to: to, excluding: nil, logger: logger)
                .map(\.interval)
        }
    }

    func schedule(businessId: String, from: Date, to: Date) async throws -> [ScheduledAppointment] {
        let logger = database.logger
        return try await database.read { connection in
            var scheduled: [ScheduledAppointment] = []
            let rows = try await connection.query("""
                SELECT a.id, a.business_id, a.customer_id, a.start_at, a.end_at, a.service, a.status, a.is_emergency,
                       a.notes, a.source_call_sid, a.created_at, a.updated_at, c.name, c.address
                FROM appointments a JOIN customers c ON c.id = a.customer_id AND c.business_id = a.business_id
                WHERE a.business_id = \(businessId) AND a.status <> 'cancelled' AND a.start_at >= \(from) AND a.start_at < \(to)
                ORDER BY a.start_at, a.id
                """, logger: logger)
            for try await row in rows {
                let columns = try row.decode((String, String, String, Date, Date, String?, String, Bool, String?, String?,
                                              Date, Date, String?, String?).self)
                scheduled.append(ScheduledAppointment(
                    appointment: try Self.appointment(columns.0, columns.1, columns.2, columns.3, columns.4, columns.5,
                                                      columns.6, columns.7, columns.8, columns.9, columns.10, columns.11),
                    customerName: columns.12, customerAddress: columns.13))
            }
            return scheduled
        }
    }

    func book(_ booking: CallerBooking, rules: BookingRules, now instant: Date) async throws -> Appointment {
        let timestamp = now()
        let logger = database.logger
        return try await database.write { connection in
            // First the lock: the same webhook redelivered to another node waits here, then finds this booking.
            try await Self.lockBookings(connection, businessId: booking.businessId, logger: logger)
            if let existing = try await Self.decodeAll(connection.query("""
                SELECT \(unescaped: Self.columns) FROM appointments
                WHERE business_id = \(booking.businessId) AND source_call_sid = \(booking.callSid)
                  AND start_at = \(booking.slot.start) AND status <> 'cancelled'
                LIMIT 1
                """, logger: logger)).first {
                return existing
            }
            let calls = try await connection.query("""
                SELECT count(*) FROM calls WHERE sid = \(booking.callSid) AND business_id = \(booking.businessId)
                """, logger: logger).all(Int64.self)
            guard calls.first ?? 0 > 0 else { throw RepositoryError.invalid("callSid does not name a call of this business") }
            let customer = try await PostgresCustomerDirectory.upsert(
                connection, businessId: booking.businessId, phone: booking.phone, name: booking.name, source: "booking",
                at: timestamp, logger: logger)
            if let address = booking.address {
                try await connection.query("""
                    UPDATE customers SET address = \(address), updated_at = \(timestamp)
                    WHERE id = \(customer.id) AND address IS NULL
                    """, logger: logger)
            }
            let appointment = Appointment(
                businessId: booking.businessId, customerId: customer.id, startAt: booking.slot.start,
                endAt: booking.slot.end, service: booking.service, isEmergency: booking.slot.isEmergency,
                notes: booking.notes, sourceCallSid: booking.callSid, createdAt: timestamp, updatedAt: timestamp)
            try appointment.validate()
            // A refusal throws, rolling back the customer made above too.
            try await Self.check(connection, appointment, rules: rules, now: instant, logger: logger)
            try await Self.insert(connection, appointment, logger: logger)
            try await Self.recorded(connection, appointment, type: .appointmentBooked, at: timestamp, logger: logger)
            return try await Self.fetch(connection, id: appointment.id, businessId: appointment.businessId, logger: logger)!
        }
    }

    // MARK: - Details

    /// Waits for, then holds until the transaction ends, the business's booking lock.
    static func lockBookings(_ connection: PostgresConnection, businessId: String, logger: Logger) async throws {
        try await connection.query(
            "SELECT pg_advisory_xact_lock(\(bookingLockKey), hashtext(\(businessId)))", logger: logger)
    }

    /// `appointment.booked` / `appointment.changed` on the customer's stream, in the write's transaction.
    private static func recorded(_ connection: PostgresConnection, _ appointment: Appointment, type: EventType,
                                 at timestamp: Date, logger: Logger) async throws {
        try await PostgresEventAppender.append(connection, EventDraft(
            businessId: appointment.businessId, stream: .customer(appointment.customerId), type: type,
            AppointmentRecorded(appointmentId: appointment.id, customerId: appointment.customerId,
                                startAt: appointment.startAt, endAt: appointment.endAt, status: appointment.status.rawValue,
                                service: appointment.service, isEmergency: appointment.isEmergency,
                                callSid: appointment.sourceCallSid)), at: timestamp, logger: logger)
    }

    private static func insert(_ connection: PostgresConnection, _ appointment: Appointment, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO appointments (id, business_id, customer_id, start_at, end_at, service, status, is_emergency, notes,
                                      source_call_sid, created_at, updated_at)
            VALUES (\(appointment.id), \(appointment.businessId), \(appointment.customerId), \(appointment.startAt),
                    \(appointment.endAt), \(appointment.service), \(appointment.status.rawValue), \(appointment.isEmergency),
                    \(appointment.notes), \(appointment.sourceCallSid), \(appointment.createdAt), \(appointment.updatedAt))
            """, logger: logger)
    }

    /// The business's appointment with `id` (already lower-cased); `forUpdate` locks its row.
    private static func fetch(_ connection: PostgresConnection, id: String, businessId: String, forUpdate: Bool = false,
                              logger: Logger) async throws -> Appointment? {
        try await decodeAll(connection.query("""
            SELECT \(unescaped: columns) FROM appointments WHERE id = \(id) AND business_id = \(businessId)
            \(unescaped: forUpdate ? "FOR UPDATE" : "")
            """, logger: logger)).first
    }

    /// Throws `BookingConflict` when `appointment` breaks a rule next to the business's other appointments. Run it
    /// holding the business's booking lock.
    private static func check(_ connection: PostgresConnection, _ appointment: Appointment, rules: BookingRules, now: Date,
                              logger: Logger) async throws {
        // Everything that could clash or share the local day: two days either side covers any time zone, slot
        // length and buffer the settings allow.
        let margin: TimeInterval = 2 * 86_400
        let others = try await held(connection, businessId: appointment.businessId, from: appointment.startAt - margin,
                                    to: appointment.endAt + margin, excluding: appointment.id, logger: logger)
        if let rejection = rules.check(appointment.interval, existing: others.map(\.interval), now: now) {
            throw BookingConflict(rejection: rejection)
        }
    }

    /// The business's appointments that hold time and overlap `from..<to`, by start.
    private static func held(_ connection: PostgresConnection, businessId: String, from: Date, to: Date, excluding id: String?,
                             logger: Logger) async throws -> [Appointment] {
        try await decodeAll(connection.query("""
            SELECT \(unescaped: columns) FROM appointments
            WHERE business_id = \(businessId) AND status <> 'cancelled' AND start_at < \(to) AND end_at > \(from)
              AND (\(id)::text IS NULL OR id <> \(id))
            ORDER BY start_at, id
            """, logger: logger))
    }

    /// Decodes rows selected with ``columns``.
    static func decodeAll(_ rows: PostgresRowSequence) async throws -> [Appointment] {
        try await rows.all((String, String, String, Date, Date, String?, String, Bool, String?, String?, Date, Date).self)
            .map { try appointment($0.0, $0.1, $0.2, $0.3, $0.4, $0.5, $0.6, $0.7, $0.8, $0.9, $0.10, $0.11) }
    }

    /// An appointment from its columns, in ``columns``' order.
    static func appointment(_ id: String, _ businessId: String, _ customerId: String, _ startAt: Date, _ endAt: Date,
                            _ service: String?, _ status: String, _ isEmergency: Bool, _ notes: String?,
                            _ sourceCallSid: String?, _ createdAt: Date, _ updatedAt: Date) throws -> Appointment {
        guard let status = AppointmentStatus(rawValue: status) else {
            throw RepositoryError.invalid("stored appointment \(id) has unknown status \(status)")
        }
        return Appointment(id: id, businessId: businessId, customerId: customerId, startAt: startAt, endAt: endAt,
                           service: service, status: status, isEmergency: isEmergency, notes: notes,
                           sourceCallSid: sourceCallSid, createdAt: createdAt, updatedAt: updatedAt)
    }
}
