import Foundation
import GRDB

/// `BusinessRepository` on the app's SQLite database.
public struct GRDBBusinessRepository: BusinessRepository {
    private let database: AppDatabase
    private let now: @Sendable () -> Date

    /// - Parameter now: the clock for `createdAt` / `updatedAt` (tests inject a fixed one).
    public init(database: AppDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    public func create(_ new: NewBusiness) async throws -> Business {
        let numbers = try Business.validatedNumbers(new.numbers)
        let timestamp = now()
        let business = Business(
            id: UUID().uuidString.lowercased(), slug: new.slug, name: new.name, timeZone: new.timeZone,
            status: .active, settings: new.settings, createdAt: timestamp, updatedAt: timestamp)
        try business.validate()

        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                if try Business.filter(Column("slug") == business.slug).fetchCount(db) > 0 {
                    throw RepositoryError.conflict("slug \"\(business.slug)\" is already taken")
                }
                try Self.checkNumbersAvailable(db, numbers, for: business.id)
                try business.insert(db)
                for number in numbers {
                    try BusinessNumber(number: number, businessId: business.id).insert(db)
                }
                // Return what was stored (dates at the precision SQLite keeps).
                return try Business.fetchOne(db, key: business.id)!
            }
        }
    }

    public func get(id: String) async throws -> Business? {
        try await database.dbPool.read { db in try Business.fetchOne(db, key: id.lowercased()) }
    }

    public func get(slug: String) async throws -> Business? {
        try await database.dbPool.read { db in
            try Business.filter(Column("slug") == slug).fetchOne(db)
        }
    }

    public func find(byNumber number: String) async throws -> Business? {
        try await database.dbPool.read { db in
            try Business.fetchOne(db, sql: """
                SELECT businesses.* FROM businesses
                JOIN business_numbers ON business_numbers.business_id = businesses.id
                WHERE business_numbers.number = ?
                """, arguments: [number])
        }
    }

    public func numbers(ofBusiness businessId: String) async throws -> [String] {
        try await database.dbPool.read { db in
            try String.fetchAll(db, sql: """
                SELECT number FROM business_numbers WHERE business_id = ? ORDER BY number
                """, arguments: [businessId.lowercased()])
        }
    }

    public func list(limit: Int, cursor: String?) async throws -> Page<Business> {
        let limit = try PageCursor.validatedLimit(limit)
        let after = try cursor.map(PageCursor.init(decoding:))
        let rows = try await database.dbPool.read { db in
            if let after {
                return try Business.fetchAll(db, sql: """
                    SELECT * FROM businesses
                    WHERE created_at > ? OR (created_at = ? AND id > ?)
                    ORDER BY created_at, id LIMIT ?
                    """, arguments: [after.createdAt, after.createdAt, after.id, limit + 1])
            }
            return try Business.fetchAll(db, sql: """
                SELECT * FROM businesses ORDER BY created_at, id LIMIT ?
                """, arguments: [limit + 1])
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { PageCursor(after: $0.createdAt, id: $0.id).encoded } : nil
        return Page(items: items, nextCursor: next)
    }

    public func update(id: String, _ patch: BusinessPatch) async throws -> Business {
        let numbers = try patch.numbers.map(Business.validatedNumbers)
        if let settings = patch.settings { try settings.validate() }
        let timestamp = now()
        let id = id.lowercased()

        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard var business = try Business.fetchOne(db, key: id) else { throw RepositoryError.notFound }
                if let name = patch.name { business.name = name }
                if let timeZone = patch.timeZone { business.timeZone = timeZone }
                if let status = patch.status { business.status = status }
                if let settings = patch.settings { business.settings = settings }
                business.updatedAt = timestamp
                try business.validate()
                try business.update(db)

                if let numbers {
                    try Self.checkNumbersAvailable(db, numbers, for: id)
                    try BusinessNumber.filter(Column("business_id") == id).deleteAll(db)
                    for number in numbers {
                        try BusinessNumber(number: number, businessId: id).insert(db)
                    }
                }
                return try Business.fetchOne(db, key: id)!
            }
        }
    }

    public func delete(id: String) async throws {
        let deleted = try await database.dbPool.write { db in
            try Business.deleteOne(db, key: id.lowercased())
        }
        guard deleted else { throw RepositoryError.notFound }
    }

    public func knowledgeVersions(ids: [String]?) async throws -> [String: Int64] {
        try await database.dbPool.read { db in
            let rows: [Row]
            if let ids {
                guard !ids.isEmpty else { return [:] }
                rows = try Row.fetchAll(db, sql: """
                    SELECT id, kb_version FROM businesses WHERE id IN (\(databaseQuestionMarks(count: ids.count)))
                    """, arguments: StatementArguments(ids.map { $0.lowercased() }))
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT id, kb_version FROM businesses")
            }
            return Dictionary(rows.map { ($0["id"], $0["kb_version"]) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// Throws `.conflict` if any of `numbers` belongs to a business other than `businessId`.
    private static func checkNumbersAvailable(_ db: Database, _ numbers: [String], for businessId: String) throws {
        for number in numbers {
            if let owner = try BusinessNumber.fetchOne(db, key: number), owner.businessId != businessId {
                throw RepositoryError.conflict("number \(number) is already assigned to another business")
            }
        }
    }
}
