import Campaigns
import Events
import Foundation
import Logging
import PostgresNIO

/// `DoNotCallRepository` on PostgreSQL. Adding is an `INSERT … ON CONFLICT DO NOTHING`, so two nodes listing the
/// same number at once store it once and only the one that stored it appends `do_not_call.added`.
struct PostgresDoNotCallRepository: DoNotCallRepository {
    let database: PGDatabase
    let now: @Sendable () -> Date

    func add(businessId: String, phone: String, reason: String?, actor: CampaignActor) async throws
        -> (entry: DoNotCallEntry, added: Bool) {
        let timestamp = now()
        let (phone, reason) = try DoNotCallInput.validated(phone: phone, reason: reason)
        let logger = database.logger
        return try await database.write { connection in
            guard try await PostgresCampaignRepository.count(connection, "SELECT count(*) FROM businesses WHERE id = \(businessId)",
                                                             logger) > 0
            else { throw RepositoryError.notFound }
            let added = try await Self.insertIfAbsent(connection, businessId: businessId, phone: phone, reason: reason,
                                                      at: timestamp, logger: logger)
            if added {
                try await PostgresEventAppender.append(connection, EventDraft(
                    businessId: businessId, stream: .doNotCall(businessId: businessId), type: .doNotCallAdded,
                    DoNotCallChanged(phone: phone, reason: reason, actor: actor)), at: timestamp, logger: logger)
            }
            let entry = try await Self.fetch(connection, businessId: businessId, phone: phone, logger: logger)!
            return (entry, added)
        }
    }

    func remove(businessId: String, phone: String, actor: CampaignActor) async throws -> Bool {
        let timestamp = now()
        let logger = database.logger
        return try await database.write { connection in
            let removed = try await connection.query("""
                DELETE FROM do_not_call WHERE business_id = \(businessId) AND phone = \(phone) RETURNING phone
                """, logger: logger).all(String.self)
            guard !removed.isEmpty else { return false }
            try await PostgresEventAppender.append(connection, EventDraft(
                businessId: businessId, stream: .doNotCall(businessId: businessId), type: .doNotCallRemoved,
                DoNotCallChanged(phone: phone, reason: nil, actor: actor)), at: timestamp, logger: logger)
            return true
        }
    }

    func list(businessId: String, limit: Int, cursor: String?) async throws -> Page<DoNotCallEntry> {
        let limit = try PageCursor.validatedLimit(limit)
        let after = try cursor.map(PageCursor.init(decoding:))
        let key = try after?.postgresMicroseconds()
        let logger = database.logger
        let rows = try await database.read { connection in
            try await connection.query("""
                SELECT * FROM do_not_call
                WHERE business_id = \(businessId)
                  AND (\(key)::bigint IS NULL
                       OR (\(unescaped: PGDatabase.microsecondsSQL("created_at")), phone) > (\(key), \(after?.id)::text))
                ORDER BY created_at, phone LIMIT \(limit + 1)
                """, logger: logger).rows().map(PostgresCampaignRows.doNotCall)
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { PageCursor(postgresAfter: $0.createdAt, id: $0.phone).encoded } : nil
        return Page(items: items, nextCursor: next)
    }

    func entry(businessId: String, phone: String) async throws -> DoNotCallEntry? {
        let logger = database.logger
        return try await database.read { connection in
            try await Self.fetch(connection, businessId: businessId, phone: phone, logger: logger)
        }
    }

    static func fetch(_ connection: PostgresConnection, businessId: String, phone: String,
                      logger: Logger) async throws -> DoNotCallEntry? {
        try await connection.query("SELECT * FROM do_not_call WHERE business_id = \(businessId) AND phone = \(phone)",
                                   logger: logger).rows().first.map(PostgresCampaignRows.doNotCall)
    }

    /// Lists `phone` unless it is already listed, inside the caller's transaction; true when it was added (the caller
    /// appends `do_not_call.added`, with its other events, last).
    static func insertIfAbsent(_ connection: PostgresConnection, businessId: String, phone: String, reason: String?,
                               at timestamp: Date, logger: Logger) async throws -> Bool {
        let inserted = try await connection.query("""
            INSERT INTO do_not_call (business_id, phone, reason, created_at) VALUES (\(businessId), \(phone), \(reason), \(timestamp))
            ON CONFLICT (business_id, phone) DO NOTHING RETURNING phone
            """, logger: logger).all(String.self)
        return !inserted.isEmpty
    }
}
