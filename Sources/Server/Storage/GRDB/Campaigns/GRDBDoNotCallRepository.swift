import Campaigns
import Events
import Foundation
import GRDB

/// `DoNotCallRepository` on the app's SQLite database.
public struct GRDBDoNotCallRepository: DoNotCallRepository {
    let database: AppDatabase
    let now: @Sendable () -> Date

    public init(database: AppDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    public func add(businessId: String, phone: String, reason: String?, actor: CampaignActor) async throws
        -> (entry: DoNotCallEntry, added: Bool) {
        let timestamp = now()
        let (phone, reason) = try DoNotCallInput.validated(phone: phone, reason: reason)
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard try Int.fetchOne(db, sql: "SELECT count(*) FROM businesses WHERE id = ?", arguments: [businessId])! > 0
                else { throw RepositoryError.notFound }
                return try Self.insert(db, businessId: businessId, phone: phone, reason: reason, actor: actor, at: timestamp)
            }
        }
    }

    public func remove(businessId: String, phone: String, actor: CampaignActor) async throws -> Bool {
        let timestamp = now()
        return try await database.dbPool.write { db in
            try db.execute(sql: "DELETE FROM do_not_call WHERE business_id = ? AND phone = ?", arguments: [businessId, phone])
            guard db.changesCount == 1 else { return false }
            try EventAppender.append(db, EventDraft(businessId: businessId, stream: .doNotCall(businessId: businessId),
                                                    type: .doNotCallRemoved, DoNotCallChanged(phone: phone, reason: nil, actor: actor)),
                                     at: timestamp)
            return true
        }
    }

    public func list(businessId: String, limit: Int, cursor: String?) async throws -> Page<DoNotCallEntry> {
        let limit = try PageCursor.validatedLimit(limit)
        let after = try cursor.map(PageCursor.init(decoding:))
        let rows = try await database.dbPool.read { db in
            var sql = "SELECT * FROM do_not_call WHERE business_id = ?"
            var arguments: StatementArguments = [businessId]
            if let after {
                sql += " AND (created_at > ? OR (created_at = ? AND phone > ?))"
                arguments += [after.createdAt, after.createdAt, after.id]
            }
            sql += " ORDER BY created_at, phone LIMIT ?"
            arguments += [limit + 1]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(CampaignRows.doNotCall)
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { PageCursor(after: $0.createdAt, id: $0.phone).encoded } : nil
        return Page(items: items, nextCursor: next)
    }

    public func entry(businessId: String, phone: String) async throws -> DoNotCallEntry? {
        try await database.dbPool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM do_not_call WHERE business_id = ? AND phone = ?",
                             arguments: [businessId, phone]).map(CampaignRows.doNotCall)
        }
    }

    /// Lists `phone` unless it is already listed, appending `do_not_call.added` when it was not: inside the caller's
    /// transaction (an opt-out on a call lists the number with the attempt's end).
    static func insert(_ db: Database, businessId: String, phone: String, reason: String?, actor: CampaignActor,
                       at timestamp: Date) throws -> (entry: DoNotCallEntry, added: Bool) {
        if let existing = try Row.fetchOne(db, sql: "SELECT * FROM do_not_call WHERE business_id = ? AND phone = ?",
                                           arguments: [businessId, phone]).map(CampaignRows.doNotCall) {
            return (existing, false)
        }
        try db.execute(sql: "INSERT INTO do_not_call (business_id, phone, reason, created_at) VALUES (?, ?, ?, ?)",
                       arguments: [businessId, phone, reason, timestamp])
        try EventAppender.append(db, EventDraft(businessId: businessId, stream: .doNotCall(businessId: businessId),
                                                type: .doNotCallAdded, DoNotCallChanged(phone: phone, reason: reason, actor: actor)),
                                 at: timestamp)
        let stored = try Row.fetchOne(db, sql: "SELECT * FROM do_not_call WHERE business_id = ? AND phone = ?",
                                      arguments: [businessId, phone]).map(CampaignRows.doNotCall)!
        return (stored, true)
    }
}
