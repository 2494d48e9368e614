import Foundation
import PostgresNIO

/// `BusinessRepository` on PostgreSQL.
struct PostgresBusinessRepository: BusinessRepository {
    let database: PGDatabase
    let now: @Sendable () -> Date

    /// The columns `decode(_:)` reads, in order.
    static let columns = "id, slug, name, time_zone, status, settings, created_at, updated_at"

    func create(_ new: NewBusiness) async throws -> Business {
        let numbers = try Business.validatedNumbers(new.numbers)
        let timestamp = now()
        let business = Business(
            id: UUID().uuidString.lowercased(), slug: new.slug, name: new.name, timeZone: new.timeZone,
            status: .active, settings: new.settings, createdAt: timestamp, updatedAt: timestamp)
        try business.validate()
        let settings = try Self.encode(business.settings)
        let logger = database.logger
        return try await database.write { connection in
            let taken = try await connection.query(
                "SELECT count(*) FROM businesses WHERE slug = \(business.slug)", logger: logger).all(Int64.self)
            if taken.first ?? 0 > 0 { throw RepositoryError.conflict("slug \"\(business.slug)\" is already taken") }
            try await Self.checkNumbersAvailable(connection, numbers, for: business.id, logger: logger)
            try await connection.query("""
                INSERT INTO businesses (id, slug, name, time_zone, status, settings, created_at, updated_at)
                VALUES (\(business.id), \(business.slug), \(business.name), \(business.timeZone),
                        \(business.status.rawValue), \(settings), \(timestamp), \(timestamp))
                """, logger: logger)
            for number in numbers {
                try await connection.query(
                    "INSERT INTO business_numbers (number, business_id) VALUES (\(number), \(business.id))", logger: logger)
            }
            return try await Self.fetch(connection, id: business.id, logger: logger)!
        }
    }

    func get(id: String) async throws -> Business? {
        let logger = database.logger
        return try await database.read { try await Self.fetch($0, id: id.lowercased(), logger: logger) }
    }

    func get(slug: String) async throws -> Business? {
        let logger = database.logger
        return try await database.read { connection in
            try await Self.decodeAll(connection.query(
                "SELECT \(unescaped: Self.columns) FROM businesses WHERE slug = \(slug)", logger: logger)).first
        }
    }

    func find(byNumber number: String) async throws -> Business? {
        let logger = database.logger
        return try await database.read { connection in
            try await Self.decodeAll(connection.query("""
                SELECT \(unescaped: Self.columns) FROM businesses
                WHERE id = (SELECT business_id FROM business_numbers WHERE number = \(number))
                """, logger: logger)).first
        }
    }

    func numbers(ofBusiness businessId: String) async throws -> [String] {
        let logger = database.logger
        return try await database.read { connection in
            try await connection.query("""
                SELECT number FROM business_numbers WHERE business_id = \(businessId.lowercased()) ORDER BY number
                """, logger: logger).all(String.self)
        }
    }

    func list(limit: Int, cursor: String?) async throws -> Page<Business> {
        let limit = try PageCursor.validatedLimit(limit)
        let after = try cursor.map(PageCursor.init(decoding:))
        let key = try after?.postgresMicroseconds()
        let logger = database.logger
        let rows = try await database.read { connection in
            if let after, let key {
                return try await Self.decodeAll(connection.query("""
                    SELECT \(unescaped: Self.columns) FROM businesses
                    WHERE (\(unescaped: PGDatabase.microsecondsSQL("created_at")), id) > (\(key), \(after.id))
                    ORDER BY created_at, id LIMIT \(limit + 1)
                    """, logger: logger))
            }
            return try await Self.decodeAll(connection.query("""
                SELECT \(unescaped: Self.columns) FROM businesses ORDER BY created_at, id LIMIT \(limit + 1)
                """, logger: logger))
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { PageCursor(postgresAfter: $0.createdAt, id: $0.id).encoded } : nil
        return Page(items: items, nextCursor: next)
    }

    func update(id: String, _ patch: BusinessPatch) async throws -> Business {
        let numbers = try patch.numbers.map(Business.validatedNumbers)
        if let settings = patch.settings { try settings.validate() }
        let timestamp = now()
        let id = id.lowercased()
        let logger = database.logger
        return try await database.write { connection in
            // FOR UPDATE: two nodes patching the same business apply one after the other.
            guard var business = try await Self.decodeAll(connection.query(
                "SELECT \(unescaped: Self.columns) FROM businesses WHERE id = \(id) FOR UPDATE", logger: logger)).first
            else { throw RepositoryError.notFound }
            if let name = patch.name { business.name = name }
            if let timeZone = patch.timeZone { business.timeZone = timeZone }
            if let status = patch.status { business.status = status }
            if let settings = patch.settings { business.settings = settings }
            business.updatedAt = timestamp
            try business.validate()
            let settings = try Self.encode(business.settings)
            try await connection.query("""
                UPDATE businesses SET name = \(business.name), time_zone = \(business.timeZone),
                    status = \(business.status.rawValue), settings = \(settings), updated_at = \(timestamp)
                WHERE id = \(id)
                """, logger: logger)
            if let numbers {
                try await Self.checkNumbersAvailable(connection, numbers, for: id, logger: logger)
                try await connection.query("DELETE FROM business_numbers WHERE business_id = \(id)", logger: logger)
                for number in numbers {
                    try await connection.query(
                        "INSERT INTO business_numbers (number, business_id) VALUES (\(number), \(id))", logger: logger)
                }
            }
            return try await Self.fetch(connection, id: id, logger: logger)!
        }
    }

    func delete(id: String) async throws {
        let logger = database.logger
        let deleted = try await database.write { connection in
            try await connection.query(
                "DELETE FROM businesses WHERE id = \(id.lowercased()) RETURNING id", logger: logger).all(String.self)
        }
        guard !deleted.isEmpty else { throw RepositoryError.notFound }
    }

    func knowledgeVersions(ids: [String]?) async throws -> [String: Int64] {
        let logger = database.logger
        let rows = try await database.read { connection in
            if let ids {
                return try await connection.query("""
                    SELECT id, kb_version FROM businesses WHERE id = ANY(\(ids.map { $0.lowercased() }))
                    """, logger: logger).all((String, Int64).self)
            }
            return try await connection.query("SELECT id, kb_version FROM businesses", logger: logger).all((String, Int64).self)
        }
        return Dictionary(rows.map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first })
    }

    // MARK: - Rows

    static func fetch(_ connection: PostgresConnection, id: String, logger: Logger) async throws -> Business? {
        try await decodeAll(connection.query(
            "SELECT \(unescaped: columns) FROM businesses WHERE id = \(id)", logger: logger)).first
    }

    /// Decodes rows selected with ``columns``.
    static func decodeAll(_ rows: PostgresRowSequence) async throws -> [Business] {
        var businesses: [Business] = []
        for try await (id, slug, name, timeZone, status, settings, createdAt, updatedAt)
            in rows.decode((String, String, String, String, String, String, Date, Date).self) {
            guard let status = BusinessStatus(rawValue: status) else {
                throw RepositoryError.invalid("stored business \(id) has unknown status \(status)")
            }
            businesses.append(Business(
                id: id, slug: slug, name: name, timeZone: timeZone, status: status,
                settings: try JSONDecoder().decode(ReceptionistSettings.self, from: Data(settings.utf8)),
                createdAt: createdAt, updatedAt: updatedAt))
        }
        return businesses
    }

    static func encode(_ settings: ReceptionistSettings) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(settings), as: UTF8.self)
    }

    /// Throws `.conflict` if any of `numbers` belongs to a business other than `businessId`.
    private static func checkNumbersAvailable(_ connection: PostgresConnection, _ numbers: [String],
                                              for businessId: String, logger: Logger) async throws {
        for number in numbers {
            let owners = try await connection.query(
                "SELECT business_id FROM business_numbers WHERE number = \(number)", logger: logger).all(String.self)
            if let owner = owners.first, owner != businessId {
                throw RepositoryError.conflict("number \(number) is already assigned to another business")
            }
        }
    }
}
