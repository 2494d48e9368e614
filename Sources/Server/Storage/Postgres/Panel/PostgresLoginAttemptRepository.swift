import Foundation
import Logging
import PostgresNIO

/// `LoginAttemptRepository` on PostgreSQL: every node counts the same failures.
struct PostgresLoginAttemptRepository: LoginAttemptRepository {
    let database: PGDatabase

    func recordFailure(address: String, account: String, at date: Date) async throws -> Int64 {
        let logger = database.logger
        let ids = try await database.read { connection in
            try await connection.query("""
                INSERT INTO login_attempts (address, account, attempted_at) VALUES (\(address), \(account), \(date))
                RETURNING id
                """, logger: logger).all(Int64.self)
        }
        guard let id = ids.first else { throw RepositoryError.invalid("the attempt was not recorded") }
        return id
    }

    func forget(id: Int64) async throws {
        let logger = database.logger
        try await database.read { connection in
            _ = try await connection.query("DELETE FROM login_attempts WHERE id = \(id)", logger: logger)
        }
    }

    func recentFailures(address: String, account: String, since: Date, limit: Int) async throws
        -> (byAddress: [Date], byAccount: [Date]) {
        let logger = database.logger
        return try await database.read { connection in
            let byAddress = try await connection.query("""
                SELECT attempted_at FROM login_attempts WHERE address = \(address) AND attempted_at > \(since)
                ORDER BY attempted_at DESC LIMIT \(limit)
                """, logger: logger).all(Date.self)
            let byAccount = try await connection.query("""
                SELECT attempted_at FROM login_attempts WHERE account = \(account) AND attempted_at > \(since)
                ORDER BY attempted_at DESC LIMIT \(limit)
                """, logger: logger).all(Date.self)
            return (byAddress, byAccount)
        }
    }

    func prune(before date: Date) async throws -> Int {
        let logger = database.logger
        return try await database.read { connection in
            try await connection.query("DELETE FROM login_attempts WHERE attempted_at < \(date) RETURNING id",
                                       logger: logger).all(Int64.self).count
        }
    }
}
