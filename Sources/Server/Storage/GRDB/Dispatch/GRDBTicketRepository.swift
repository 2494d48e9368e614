import Events
import Foundation
import GRDB
import Maintenance

/// `TicketRepository` on the app's SQLite database. One writer: a transaction reads the ticket and changes it with
/// nothing in between, and the conditional update on (state, version) is the same rule the PostgreSQL backend needs.
public struct GRDBTicketRepository: TicketRepository {
    private let database: AppDatabase
    private let now: @Sendable () -> Date

    public init(database: AppDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    enum Columns {
        static let id = Column("id")
        static let businessId = Column("business_id")
        static let code = Column("code")
        static let state = Column("state")
        static let trade = Column("trade")
        static let priority = Column("priority")
        static let source = Column("source")
        static let sourceRef = Column("source_ref")
        static let createdAt = Column("created_at")
    }

    /// The SQL of "the ticket is open".
    static let openCondition = "state NOT IN ('closed', 'cancelled')"

    public func create(_ new: NewTicket) async throws -> Ticket {
        let timestamp = now()
        _ = try new.ticket(code: "AAAA", at: timestamp)  // validate before taking the write lock
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                if let sourceRef = new.sourceRef,
                   let existing = try Ticket.filter(Columns.businessId == new.businessId && Columns.source == new.source.rawValue
                                                    && Columns.sourceRef == sourceRef).fetchOne(db) {
                    return existing
                }
                let open = try String.fetchSet(db, sql: "SELECT code FROM tickets WHERE business_id = ? AND \(Self.openCondition)",
                                               arguments: [new.businessId])
                guard let code = TicketCode.make(avoiding: open) else {
                    throw RepositoryError.conflict("no free job code: close or cancel old tickets")
                }
                let ticket = try new.ticket(code: code, at: timestamp)
                try ticket.insert(db)
                try EventAppender.append(db, EventDraft(businessId: ticket.businessId, stream: .ticket(ticket.id),
                                                        TicketOpened(ticket, actor: new.actor)), at: timestamp)
                return try Ticket.fetchOne(db, key: ticket.id)!
            }
        }
    }

    public func get(id: String, businessId: String) async throws -> Ticket? {
        try await database.dbPool.read { db in try Self.fetch(db, id: id, businessId: businessId) }
    }

    public func openTicket(code: String, businessId: String) async throws -> Ticket? {
        try await database.dbPool.read { db in
            try Ticket.filter(Columns.businessId == businessId && Columns.code == code.uppercased())
                .filter(sql: Self.openCondition).fetchOne(db)
        }
    }

    public func list(businessId: String, filter: TicketFilter, limit: Int, cursor: String?) async throws -> Page<Ticket> {
        let limit = try PageCursor.validatedLimit(limit)
        let after = try cursor.map(PageCursor.init(decoding:))
        let rows = try await database.dbPool.read { db in
            var request = Ticket.filter(Columns.businessId == businessId)
            if let state = filter.state { request = request.filter(Columns.state == state.rawValue) }
            if let trade = filter.trade { request = request.filter(Columns.trade == trade.rawValue) }
            if let priority = filter.priority { request = request.filter(Columns.priority == priority.rawValue) }
            if let from = filter.createdFrom { request = request.filter(Columns.createdAt >= from) }
            if let to = filter.createdTo { request = request.filter(Columns.createdAt < to) }
            if let pattern = filter.propertyPattern {
                request = request.filter(sql: "property_address LIKE ? ESCAPE '\\'", arguments: [pattern])
            }
            if let after {
                request = request.filter(sql: "(created_at > ? OR (created_at = ? AND id > ?))",
                                         arguments: [after.createdAt, after.createdAt, after.id])
            }
            return try request.order(Columns.createdAt, Columns.id).limit(limit + 1).fetchAll(db)
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { PageCursor(after: $0.createdAt, id: $0.id).encoded } : nil
        return Page(items: items, nextCursor: next)
    }

    public func update(id: String, businessId: String, _ patch: TicketPatch, actor: TicketActor) async throws -> Ticket {
        let timestamp = now()
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard let existing = try Self.fetch(db, id: id, businessId: businessId) else { throw RepositoryError.notFound }
                let (updated, event) = try patch.applied(to: existing, actor: actor, at: timestamp)
                guard let event else { return existing }
                try Self.store(db, updated, replacing: existing)
                try EventAppender.append(db, EventDraft(businessId: businessId, stream: .ticket(existing.id), event), at: timestamp)
                return try Ticket.fetchOne(db, key: existing.id)!
            }
        }
    }

    public func transition(id: String, businessId: String, _ change: TicketStateChange) async throws -> Ticket {
        let timestamp = now()
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard let existing = try Self.fetch(db, id: id, businessId: businessId) else { throw RepositoryError.notFound }
                let (moved, event) = try change.applied(to: existing, at: timestamp)
                let (vendorId, appointmentId) = change.assigned
                if let vendorId,
                   try Vendor.filter(Column("id") == vendorId && Column("business_id") == businessId).fetchCount(db) == 0 {
                    throw RepositoryError.invalid("vendorId does not name a vendor of this business")
                }
                if let appointmentId,
                   try Appointment.filter(Column("id") == appointmentId && Column("business_id") == businessId).fetchCount(db) == 0 {
                    throw RepositoryError.invalid("appointmentId does not name an appointment of this business")
                }
                try Self.store(db, moved, replacing: existing)
                try EventAppender.append(db, EventDraft(businessId: businessId, stream: .ticket(existing.id), event), at: timestamp)
                return try Ticket.fetchOne(db, key: existing.id)!
            }
        }
    }

    // MARK: - Details

    static func fetch(_ db: Database, id: String, businessId: String) throws -> Ticket? {
        try Ticket.filter(Columns.id == id.lowercased() && Columns.businessId == businessId).fetchOne(db)
    }

    /// Writes `ticket` over `existing` only while the row is still at `existing`'s state and version; otherwise
    /// throws `TicketConflict` (on SQLite's one writer this cannot happen inside one transaction; the rule is the
    /// storage contract both backends keep).
    static func store(_ db: Database, _ ticket: Ticket, replacing existing: Ticket) throws {
        try db.execute(sql: """
            UPDATE tickets SET state = ?, trade = ?, priority = ?, problem = ?, property_address = ?, unit = ?, postcode = ?,
                access_window = ?, tenant_name = ?, tenant_phone = ?, vendor_id = ?, appointment_id = ?, updated_at = ?,
                closed_at = ?, version = ?
            WHERE id = ? AND business_id = ? AND state = ? AND version = ?
            """, arguments: [
                ticket.state.rawValue, ticket.trade.rawValue, ticket.priority.rawValue, ticket.problem, ticket.propertyAddress,
                ticket.unit, ticket.postcode, ticket.accessWindow, ticket.tenantName, ticket.tenantPhone, ticket.vendorId,
                ticket.appointmentId, ticket.updatedAt, ticket.closedAt, ticket.version,
                existing.id, existing.businessId, existing.state.rawValue, existing.version,
            ])
        guard db.changesCount == 1 else {
            let current = try fetch(db, id: existing.id, businessId: existing.businessId)
            throw TicketConflict(ticketId: existing.id, state: current?.state ?? existing.state,
                                 version: current?.version ?? existing.version)
        }
    }
}
