import Events
import Foundation
import Maintenance
import PostgresNIO

/// `TicketRepository` on PostgreSQL.
///
/// Several nodes: opening a ticket takes the business's ticket lock (a transaction-scoped advisory lock), so two
/// nodes never pick the same free job code or both open a ticket for one redelivered call or text; the partial
/// unique indexes are the backstop. Every change is an `UPDATE … WHERE state = … AND version = …` of the row as it
/// was read: under READ COMMITTED a concurrent change that committed first makes it update nothing (it re-checks
/// the row once the first transaction's lock is released), and it throws `TicketConflict` — two concurrent moves
/// never both win.
struct PostgresTicketRepository: TicketRepository {
    let database: PGDatabase
    let now: @Sendable () -> Date

    /// The columns `decode(_:)` reads.
    static let columns = """
        id, business_id, code, state, trade, priority, problem, property_address, unit, postcode, access_window,
        tenant_name, tenant_phone, source, source_ref, vendor_id, appointment_id, created_at, updated_at, closed_at, version
        """

    /// The first key of the ticket locks ("FDtk"); the second is a hash of the business id.
    static let ticketLockKey: Int32 = 0x4644_746B

    func create(_ new: NewTicket) async throws -> Ticket {
        let timestamp = now()
        _ = try new.ticket(code: "AAAA", at: timestamp)  // validate before the transaction
        let logger = database.logger
        return try await database.write { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.ticketLockKey), hashtext(\(new.businessId)))",
                                       logger: logger)
            if let sourceRef = new.sourceRef, let existing = try await Self.decodeAll(connection.query("""
                SELECT \(unescaped: Self.columns) FROM tickets
                WHERE business_id = \(new.businessId) AND source = \(new.source.rawValue) AND source_ref = \(sourceRef)
                """, logger: logger)).first {
                return existing
            }
            let open = try await connection.query("""
                SELECT code FROM tickets WHERE business_id = \(new.businessId) AND state NOT IN ('closed', 'cancelled')
                """, logger: logger).all(String.self)
            guard let code = TicketCode.make(avoiding: Set(open)) else {
                throw RepositoryError.conflict("no free job code: close or cancel old tickets")
            }
            let ticket = try new.ticket(code: code, at: timestamp)
            try await connection.query("""
                INSERT INTO tickets (id, business_id, code, state, trade, priority, problem, property_address, unit, postcode,
                                     access_window, tenant_name, tenant_phone, source, source_ref, vendor_id, appointment_id,
                                     created_at, updated_at, closed_at, version)
                VALUES (\(ticket.id), \(ticket.businessId), \(ticket.code), \(ticket.state.rawValue), \(ticket.trade.rawValue),
                        \(ticket.priority.rawValue), \(ticket.problem), \(ticket.propertyAddress), \(ticket.unit),
                        \(ticket.postcode), \(ticket.accessWindow), \(ticket.tenantName), \(ticket.tenantPhone),
                        \(ticket.source.rawValue), \(ticket.sourceRef), \(ticket.vendorId), \(ticket.appointmentId),
                        \(ticket.createdAt), \(ticket.updatedAt), \(ticket.closedAt), \(ticket.version))
                """, logger: logger)
            try await PostgresEventAppender.append(connection, EventDraft(
                businessId: ticket.businessId, stream: .ticket(ticket.id), TicketOpened(ticket, actor: new.actor)),
                at: timestamp, logger: logger)
            return try await Self.fetch(connection, id: ticket.id, businessId: ticket.businessId, logger: logger)!
        }
    }

    func get(id: String, businessId: String) async throws -> Ticket? {
        let logger = database.logger
        return try await database.read { connection in
            try await Self.fetch(connection, id: id.lowercased(), businessId: businessId, logger: logger)
        }
    }

    func openTicket(code: String, businessId: String) async throws -> Ticket? {
        let logger = database.logger
        return try await database.read { connection in
            try await Self.decodeAll(connection.query("""
                SELECT \(unescaped: Self.columns) FROM tickets
                WHERE business_id = \(businessId) AND code = \(code.uppercased()) AND state NOT IN ('closed', 'cancelled')
                """, logger: logger)).first
        }
    }

    func list(businessId: String, filter: TicketFilter, limit: Int, cursor: String?) async throws -> Page<Ticket> {
        let limit = try PageCursor.validatedLimit(limit)
        let after = try cursor.map(PageCursor.init(decoding:))
        let key = try after?.postgresMicroseconds()
        // As SQLite's LIKE: the text literally, ASCII letters in either case (`ILIKE` under the "C" collation).
        let pattern = filter.propertyPattern
        let logger = database.logger
        // One statement for every filter: a condition whose value is NULL is folded away when it is planned.
        let rows = try await database.read { connection in
            try await Self.decodeAll(connection.query("""
                SELECT \(unescaped: Self.columns) FROM tickets
                WHERE business_id = \(businessId)
                  AND (\(filter.state?.rawValue)::text IS NULL OR state = \(filter.state?.rawValue))
                  AND (\(filter.trade?.rawValue)::text IS NULL OR trade = \(filter.trade?.rawValue))
                  AND (\(filter.priority?.rawValue)::text IS NULL OR priority = \(filter.priority?.rawValue))
                  AND (\(filter.createdFrom)::timestamptz IS NULL OR created_at >= \(filter.createdFrom))
                  AND (\(filter.createdTo)::timestamptz IS NULL OR created_at < \(filter.createdTo))
                  AND (\(pattern)::text IS NULL OR (property_address COLLATE "C") ILIKE \(pattern) ESCAPE '\\')
                  AND (\(key)::bigint IS NULL
                       OR (\(unescaped: PGDatabase.microsecondsSQL("created_at")), id) > (\(key), \(after?.id)::text))
                ORDER BY created_at, id LIMIT \(limit + 1)
                """, logger: logger))
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { PageCursor(postgresAfter: $0.createdAt, id: $0.id).encoded } : nil
        return Page(items: items, nextCursor: next)
    }

    func update(id: String, businessId: String, _ patch: TicketPatch, actor: TicketActor) async throws -> Ticket {
        let timestamp = now()
        let logger = database.logger
        return try await database.write { connection in
            guard let existing = try await Self.fetch(connection, id: id.lowercased(), businessId: businessId, logger: logger)
            else { throw RepositoryError.notFound }
            let (updated, event) = try patch.applied(to: existing, actor: actor, at: timestamp)
            guard let event else { return existing }
            try await Self.store(connection, updated, replacing: existing, logger: logger)
            try await PostgresEventAppender.append(connection, EventDraft(
                businessId: businessId, stream: .ticket(existing.id), event), at: timestamp, logger: logger)
            return try await Self.fetch(connection, id: existing.id, businessId: businessId, logger: logger)!
        }
    }

    func transition(id: String, businessId: String, _ change: TicketStateChange) async throws -> Ticket {
        let timestamp = now()
        let logger = database.logger
        return try await database.write { connection in
            guard let existing = try await Self.fetch(connection, id: id.lowercased(), businessId: businessId, logger: logger)
            else { throw RepositoryError.notFound }
            let (moved, event) = try change.applied(to: existing, at: timestamp)
            let (vendorId, appointmentId) = change.assigned
            if let vendorId, try await Self.count(connection, """
                SELECT count(*) FROM vendors WHERE id = \(vendorId) AND business_id = \(businessId)
                """, logger: logger) == 0 {
                throw RepositoryError.invalid("vendorId does not name a vendor of this business")
            }
            if let appointmentId, try await Self.count(connection, """
                SELECT count(*) FROM appointments WHERE id = \(appointmentId) AND business_id = \(businessId)
                """, logger: logger) == 0 {
                throw RepositoryError.invalid("appointmentId does not name an appointment of this business")
            }
            try await Self.store(connection, moved, replacing: existing, logger: logger)
            try await PostgresEventAppender.append(connection, EventDraft(
                businessId: businessId, stream: .ticket(existing.id), event), at: timestamp, logger: logger)
            return try await Self.fetch(connection, id: existing.id, businessId: businessId, logger: logger)!
        }
    }

    // MARK: - Details

    private static func count(_ connection: PostgresConnection, _ query: PostgresQuery, logger: Logger) async throws -> Int64 {
        try await connection.query(query, logger: logger).all(Int64.self).first ?? 0
    }

    /// Writes `ticket` over `existing` only while the row is still at `existing`'s state and version; otherwise (a
    /// concurrent change committed first) throws `TicketConflict` with the row as it is now.
    static func store(_ connection: PostgresConnection, _ ticket: Ticket, replacing existing: Ticket,
                              logger: Logger) async throws {
        let updated = try await connection.query("""
            UPDATE tickets SET state = \(ticket.state.rawValue), trade = \(ticket.trade.rawValue),
                priority = \(ticket.priority.rawValue), problem = \(ticket.problem),
                property_address = \(ticket.propertyAddress), unit = \(ticket.unit), postcode = \(ticket.postcode),
                access_window = \(ticket.accessWindow), tenant_name = \(ticket.tenantName), tenant_phone = \(ticket.tenantPhone),
                vendor_id = \(ticket.vendorId), appointment_id = \(ticket.appointmentId), updated_at = \(ticket.updatedAt),
                closed_at = \(ticket.closedAt), version = \(ticket.version)
            WHERE id = \(existing.id) AND business_id = \(existing.businessId) AND state = \(existing.state.rawValue)
              AND version = \(existing.version)
            RETURNING id
            """, logger: logger).all(String.self)
        guard updated.count == 1 else {
            let current = try await fetch(connection, id: existing.id, businessId: existing.businessId, logger: logger)
            throw TicketConflict(ticketId: existing.id, state: current?.state ?? existing.state,
                                 version: current?.version ?? existing.version)
        }
    }

    /// The business's ticket with `id` (already lower-cased).
    static func fetch(_ connection: PostgresConnection, id: String, businessId: String,
                              logger: Logger) async throws -> Ticket? {
        try await decodeAll(connection.query("""
            SELECT \(unescaped: columns) FROM tickets WHERE id = \(id) AND business_id = \(businessId)
            """, logger: logger)).first
    }

    /// Decodes rows selected with ``columns``.
    static func decodeAll(_ rows: PostgresRowSequence) async throws -> [Ticket] {
        try await rows.rows().map { try decode($0) }
    }

    static func decode(_ row: PostgresRow) throws -> Ticket {
        let cells = row.makeRandomAccess()
        let id = try cells["id"].decode(String.self)
        func raw<T: RawRepresentable>(_ type: T.Type, _ column: String) throws -> T where T.RawValue == String {
            let value = try cells[column].decode(String.self)
            guard let decoded = T(rawValue: value) else {
                throw RepositoryError.invalid("stored ticket \(id) has an unknown \(column): \(value)")
            }
            return decoded
        }
        return Ticket(
            id: id, businessId: try cells["business_id"].decode(String.self), code: try cells["code"].decode(String.self),
            state: try raw(TicketState.self, "state"), trade: try raw(Trade.self, "trade"),
            priority: try raw(TicketPriority.self, "priority"), problem: try cells["problem"].decode(String.self),
            propertyAddress: try cells["property_address"].decode(String.self), unit: try cells["unit"].decode(String?.self),
            postcode: try cells["postcode"].decode(String?.self), accessWindow: try cells["access_window"].decode(String?.self),
            tenantName: try cells["tenant_name"].decode(String?.self), tenantPhone: try cells["tenant_phone"].decode(String?.self),
            source: try raw(TicketSource.self, "source"), sourceRef: try cells["source_ref"].decode(String?.self),
            vendorId: try cells["vendor_id"].decode(String?.self), appointmentId: try cells["appointment_id"].decode(String?.self),
            createdAt: try cells["created_at"].decode(Date.self), updatedAt: try cells["updated_at"].decode(Date.self),
            closedAt: try cells["closed_at"].decode(Date?.self), version: try cells["version"].decode(Int.self))
    }
}
