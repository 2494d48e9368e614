import Events
import Foundation
import Maintenance
import PostgresNIO

/// `VendorRepository` on PostgreSQL.
///
/// Several nodes: a phone is unique per business (`UNIQUE (business_id, phone)`), so two creates of one phone give
/// one row and one `.conflict`; a change locks its row (`FOR UPDATE`), so two patches of one vendor apply one after
/// the other and each event follows the change that really happened. Trades, service areas and working hours are
/// JSON text written as SQLite's records write it (`PostgresRecordJSON`).
struct PostgresVendorRepository: VendorRepository {
    let database: PGDatabase
    let now: @Sendable () -> Date

    /// The columns `decode(_:)` reads.
    static let columns = """
        id, business_id, name, phone, trades, service_areas, working_hours, active, opted_out, created_at, updated_at
        """

    func create(businessId: String, _ profile: VendorProfile) async throws -> Vendor {
        let profile = try validatingTicket { try profile.validated() }
        let timestamp = now()
        var vendor = Vendor(businessId: businessId, name: profile.name, phone: profile.phone, trades: profile.trades,
                            serviceAreas: profile.serviceAreas, createdAt: timestamp, updatedAt: timestamp)
        vendor.profile = profile
        let stored = vendor
        let trades = try PostgresRecordJSON.string(stored.trades)
        let areas = try PostgresRecordJSON.string(stored.serviceAreas)
        let hours = try stored.workingHours.map { try PostgresRecordJSON.string($0) }
        let logger = database.logger
        return try await database.write { connection in
            // Two nodes adding one phone at once: the second waits for the first's commit, then inserts nothing.
            let inserted = try await connection.query("""
                INSERT INTO vendors (id, business_id, name, phone, trades, service_areas, working_hours, active, opted_out,
                                     created_at, updated_at)
                VALUES (\(stored.id), \(stored.businessId), \(stored.name), \(stored.phone), \(trades), \(areas), \(hours),
                        \(stored.active), \(stored.optedOut), \(stored.createdAt), \(stored.updatedAt))
                ON CONFLICT (business_id, phone) DO NOTHING
                RETURNING id
                """, logger: logger).all(String.self)
            guard !inserted.isEmpty else {
                throw RepositoryError.conflict("a vendor with phone \(stored.phone) already exists")
            }
            try await Self.recorded(connection, stored, .vendorAdded, at: timestamp, logger: logger)
            return try await Self.fetch(connection, id: stored.id, businessId: businessId, logger: logger)!
        }
    }

    func get(id: String, businessId: String) async throws -> Vendor? {
        let logger = database.logger
        return try await database.read { connection in
            try await Self.fetch(connection, id: id.lowercased(), businessId: businessId, logger: logger)
        }
    }

    func vendor(phone: String, businessId: String) async throws -> Vendor? {
        let logger = database.logger
        return try await database.read { connection in
            try await Self.decodeAll(connection.query("""
                SELECT \(unescaped: Self.columns) FROM vendors WHERE business_id = \(businessId) AND phone = \(phone)
                """, logger: logger)).first
        }
    }

    func list(businessId: String, filter: VendorFilter, limit: Int, cursor: String?) async throws -> Page<Vendor> {
        let limit = try PageCursor.validatedLimit(limit)
        let after = try cursor.map(PageCursor.init(decoding:))
        let key = try after?.postgresMicroseconds()
        let logger = database.logger
        let rows = try await database.read { connection in
            try await Self.decodeAll(connection.query("""
                SELECT \(unescaped: Self.columns) FROM vendors
                WHERE business_id = \(businessId)
                  AND (\(filter.trade?.rawValue)::text IS NULL OR trades::jsonb ? \(filter.trade?.rawValue))
                  AND (\(filter.active)::boolean IS NULL OR active = \(filter.active))
                  AND (\(key)::bigint IS NULL
                       OR (\(unescaped: PGDatabase.microsecondsSQL("created_at")), id) > (\(key), \(after?.id)::text))
                ORDER BY created_at, id LIMIT \(limit + 1)
                """, logger: logger))
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { PageCursor(postgresAfter: $0.createdAt, id: $0.id).encoded } : nil
        return Page(items: items, nextCursor: next)
    }

    func update(id: String, businessId: String, _ patch: VendorPatch) async throws -> Vendor {
        let timestamp = now()
        let logger = database.logger
        return try await database.write { connection in
            guard let existing = try await Self.fetch(connection, id: id.lowercased(), businessId: businessId,
                                                      forUpdate: true, logger: logger)
            else { throw RepositoryError.notFound }
            guard let updated = try patch.applied(to: existing, at: timestamp) else { return existing }
            if updated.phone != existing.phone {
                let taken = try await connection.query("""
                    SELECT count(*) FROM vendors WHERE business_id = \(businessId) AND phone = \(updated.phone) AND id <> \(existing.id)
                    """, logger: logger).all(Int64.self).first ?? 0
                if taken > 0 { throw RepositoryError.conflict("a vendor with phone \(updated.phone) already exists") }
            }
            try await Self.store(connection, updated, logger: logger)
            try await Self.recorded(connection, updated, .vendorChanged, at: timestamp, logger: logger)
            return try await Self.fetch(connection, id: existing.id, businessId: businessId, logger: logger)!
        }
    }

    func remove(id: String, businessId: String) async throws -> VendorRemoval {
        let timestamp = now()
        let logger = database.logger
        return try await database.write { connection in
            guard var vendor = try await Self.fetch(connection, id: id.lowercased(), businessId: businessId,
                                                    forUpdate: true, logger: logger)
            else { throw RepositoryError.notFound }
            // A ticket written concurrently that names this vendor holds a key-share lock on the row, so the delete
            // below waits for it; the foreign key then refuses the delete rather than orphaning the ticket.
            let referenced = try await connection.query("""
                SELECT (SELECT count(*) FROM tickets WHERE vendor_id = \(vendor.id) AND business_id = \(businessId))
                     + (SELECT count(*) FROM dispatch_offers WHERE vendor_id = \(vendor.id) AND business_id = \(businessId))
                """, logger: logger).all(Int64.self).first ?? 0
            guard referenced > 0 else {
                try await connection.query("DELETE FROM vendors WHERE id = \(vendor.id) AND business_id = \(businessId)",
                                           logger: logger)
                try await Self.recorded(connection, vendor, .vendorRemoved, at: timestamp, logger: logger)
                return .deleted
            }
            if vendor.active {
                vendor.active = false
                vendor.updatedAt = timestamp
                try await Self.store(connection, vendor, logger: logger)
                try await Self.recorded(connection, vendor, .vendorChanged, at: timestamp, logger: logger)
            }
            return .deactivated(try await Self.fetch(connection, id: vendor.id, businessId: businessId, logger: logger)!)
        }
    }

    // MARK: - Details

    private static func store(_ connection: PostgresConnection, _ vendor: Vendor, logger: Logger) async throws {
        let trades = try PostgresRecordJSON.string(vendor.trades)
        let areas = try PostgresRecordJSON.string(vendor.serviceAreas)
        let hours = try vendor.workingHours.map { try PostgresRecordJSON.string($0) }
        try await connection.query("""
            UPDATE vendors SET name = \(vendor.name), phone = \(vendor.phone), trades = \(trades), service_areas = \(areas),
                working_hours = \(hours), active = \(vendor.active), opted_out = \(vendor.optedOut),
                updated_at = \(vendor.updatedAt)
            WHERE id = \(vendor.id) AND business_id = \(vendor.businessId)
            """, logger: logger)
    }

    private static func recorded(_ connection: PostgresConnection, _ vendor: Vendor, _ type: EventType, at timestamp: Date,
                                 logger: Logger) async throws {
        try await PostgresEventAppender.append(connection, EventDraft(
            businessId: vendor.businessId, stream: .vendor(vendor.id), type: type, VendorRecorded(vendor)),
            at: timestamp, logger: logger)
    }

    /// The business's vendor with `id` (already lower-cased); `forUpdate` locks its row.
    private static func fetch(_ connection: PostgresConnection, id: String, businessId: String, forUpdate: Bool = false,
                              logger: Logger) async throws -> Vendor? {
        try await decodeAll(connection.query("""
            SELECT \(unescaped: columns) FROM vendors WHERE id = \(id) AND business_id = \(businessId)
            \(unescaped: forUpdate ? "FOR UPDATE" : "")
            """, logger: logger)).first
    }

    static func decodeAll(_ rows: PostgresRowSequence) async throws -> [Vendor] {
        try await rows.rows().map { try decode($0) }
    }

    static func decode(_ row: PostgresRow) throws -> Vendor {
        let cells = row.makeRandomAccess()
        return Vendor(
            id: try cells["id"].decode(String.self), businessId: try cells["business_id"].decode(String.self),
            name: try cells["name"].decode(String.self), phone: try cells["phone"].decode(String.self),
            trades: try PostgresRecordJSON.value([Trade].self, from: cells["trades"].decode(String.self)),
            serviceAreas: try PostgresRecordJSON.value([String].self, from: cells["service_areas"].decode(String.self)),
            workingHours: try cells["working_hours"].decode(String?.self).map { try PostgresRecordJSON.value(VendorHours.self, from: $0) },
            active: try cells["active"].decode(Bool.self), optedOut: try cells["opted_out"].decode(Bool.self),
            createdAt: try cells["created_at"].decode(Date.self), updatedAt: try cells["updated_at"].decode(Date.self))
    }
}
