import Foundation
import GRDB

/// `LoginAttemptRepository` on the app's SQLite database.
public struct GRDBLoginAttemptRepository: LoginAttemptRepository {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    public func recordFailure(address: String, account: String, at date: Date) async throws -> Int64 {
        try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                try db.execute(sql: "INSERT INTO login_attempts (address, account, attempted_at) VALUES (?, ?, ?)",
                               arguments: [address, account, date])
                return db.lastInsertedRowID
            }
        }
    }

    public func forget(id: Int64) async throws {
        try await database.dbPool.write { db in
            try db.execute(sql: "DELETE FROM login_attempts WHERE id = ?", arguments: [id])
        }
    }

    public func recentFailures(address: String, account: String, since: Date, limit: Int) async throws
        -> (byAddress: [Date], byAccount: [Date]) {
        try await database.dbPool.read { db in
            let byAddress = try Date.fetchAll(db, sql: """
                SELECT attempted_at FROM login_attempts WHERE address = ? AND attempted_at > ?
                ORDER BY attempted_at DESC LIMIT ?
                """, arguments: [address, since, limit])
            let byAccount = try Date.fetchAll(db, sql: """
                SELECT attempted_at FROM login_attempts WHERE account = ? AND attempted_at > ?
                ORDER BY attempted_at DESC LIMIT ?
                """, arguments: [account, since, limit])
            return (byAddress, byAccount)
        }
    }

    public func prune(before date: Date) async throws -> Int {
        try await database.dbPool.write { db in
            try db.execute(sql: "DELETE FROM login_attempts WHERE attempted_at < ?", arguments: [date])
            return db.changesCount
        }
    }
}
