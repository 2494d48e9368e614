import Events
import Foundation
import GRDB
import Maintenance

/// `VendorRepository` on the app's SQLite database.
public struct GRDBVendorRepository: VendorRepository {
    private let database: AppDatabase
    private let now: @Sendable () -> Date

    public init(database: AppDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    enum Columns {
        static let id = Column("id")
        static let businessId = Column("business_id")
        static let phone = Column("phone")
        static let active = Column("active")
        static let createdAt = Column("created_at")
    }

    public func create(businessId: String, _ profile: VendorProfile) async throws -> Vendor {
        let profile = try validatingTicket { try profile.validated() }
        let timestamp = now()
        var vendor = Vendor(businessId: businessId, name: profile.name, phone: profile.phone, trades: profile.trades,
                            serviceAreas: profile.serviceAreas, createdAt: timestamp, updatedAt: timestamp)
        vendor.profile = profile
        let stored = vendor
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                try Self.checkPhoneFree(db, stored)
                try stored.insert(db)
                try Self.recorded(db, stored, .vendorAdded, at: timestamp)
                return try Vendor.fetchOne(db, key: stored.id)!
            }
        }
    }

    public func get(id: String, businessId: String) async throws -> Vendor? {
        try await database.dbPool.read { db in try Self.fetch(db, id: id, businessId: businessId) }
    }

    public func vendor(phone: String, businessId: String) async throws -> Vendor? {
        try await database.dbPool.read { db in
            try Vendor.filter(Columns.businessId == businessId && Columns.phone == phone).fetchOne(db)
        }
    }

    public func list(businessId: String, filter: VendorFilter, limit: Int, cursor: String?) async throws -> Page<Vendor> {
        let limit = try PageCursor.validatedLimit(limit)
        let after = try cursor.map(PageCursor.init(decoding:))
        let rows = try await database.dbPool.read { db in
            var request = Vendor.filter(Columns.businessId == businessId)
            if let trade = filter.trade {
                request = request.filter(sql: "EXISTS (SELECT 1 FROM json_each(vendors.trades) WHERE json_each.value = ?)",
                                         arguments: [trade.rawValue])
            }
            if let active = filter.active { request = request.filter(Columns.active == active) }
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

    public func update(id: String, businessId: String, _ patch: VendorPatch) async throws -> Vendor {
        let timestamp = now()
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard let existing = try Self.fetch(db, id: id, businessId: businessId) else { throw RepositoryError.notFound }
                guard let updated = try patch.applied(to: existing, at: timestamp) else { return existing }
                if updated.phone != existing.phone { try Self.checkPhoneFree(db, updated) }
                try updated.update(db)
                try Self.recorded(db, updated, .vendorChanged, at: timestamp)
                return try Vendor.fetchOne(db, key: existing.id)!
            }
        }
    }

    public func remove(id: String, businessId: String) async throws -> VendorRemoval {
        let timestamp = now()
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard var vendor = try Self.fetch(db, id: id, businessId: businessId) else { throw RepositoryError.notFound }
                // Tickets and offers refer to the vendor: the history of who was asked and who did which job stays whole.
                let referenced = try Int.fetchOne(db, sql: """
                    SELECT (SELECT count(*) FROM tickets WHERE vendor_id = ? AND business_id = ?)
                         + (SELECT count(*) FROM dispatch_offers WHERE vendor_id = ? AND business_id = ?)
                    """, arguments: [vendor.id, businessId, vendor.id, businessId]) ?? 0
                guard referenced > 0 else {
                    try vendor.delete(db)
                    try Self.recorded(db, vendor, .vendorRemoved, at: timestamp)
                    return .deleted
                }
                if vendor.active {
                    vendor.active = false
                    vendor.updatedAt = timestamp
                    try vendor.update(db)
                    try Self.recorded(db, vendor, .vendorChanged, at: timestamp)
                }
                return .deactivated(try Vendor.fetchOne(db, key: vendor.id)!)
            }
        }
    }

    // MARK: - Details

    private static func fetch(_ db: Database, id: String, businessId: String) throws -> Vendor? {
        try Vendor.filter(Columns.id == id.lowercased() && Columns.businessId == businessId).fetchOne(db)
    }

    private static func checkPhoneFree(_ db: Database, _ vendor: Vendor) throws {
        if try Vendor.filter(Columns.businessId == vendor.businessId && Columns.phone == vendor.phone && Columns.id != vendor.id)
            .fetchCount(db) > 0 {
            throw RepositoryError.conflict("a vendor with phone \(vendor.phone) already exists")
        }
    }

    private static func recorded(_ db: Database, _ vendor: Vendor, _ type: EventType, at timestamp: Date) throws {
        try EventAppender.append(db, EventDraft(businessId: vendor.businessId, stream: .vendor(vendor.id), type: type,
                                                VendorRecorded(vendor)), at: timestamp)
    }
}
