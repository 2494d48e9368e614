import Foundation
import Logging
import PostgresNIO

/// Throwaway databases on a PostgreSQL server, for `frontdesk bench calls --database-url`: it checks that the
/// database it was given is empty, makes a fresh `frontdesk_bench_<random>` database for each configuration it
/// measures, and drops them afterwards. Needs a role that may `CREATE DATABASE`.
public enum PostgresScratchDatabases {
    /// What the bench prints about the server it measures.
    public struct ServerFacts: Sendable, CustomStringConvertible {
        public var version: String
        public var fsync: String
        public var synchronousCommit: String
        public var maxConnections: String

        public var description: String {
            "PostgreSQL \(version) (fsync \(fsync), synchronous_commit \(synchronousCommit), max_connections \(maxConnections))"
        }
    }

    /// The server's version and the settings that change what a commit costs.
    public static func serverFacts(url: String, logger: Logger) async throws -> ServerFacts {
        try await withConnection(url: url, logger: logger) { connection, logger in
            let rows = try await connection.query("""
                SELECT current_setting('server_version'), current_setting('fsync'),
                       current_setting('synchronous_commit'), current_setting('max_connections')
                """, logger: logger).all((String, String, String, String).self)
            guard let row = rows.first else { throw PostgresURLError("the server returned no settings") }
            return ServerFacts(version: row.0, fsync: row.1, synchronousCommit: row.2, maxConnections: row.3)
        }
    }

    /// Tables in the database `url` names, outside the system schemas (0: empty).
    public static func userTableCount(url: String, logger: Logger) async throws -> Int {
        try await withConnection(url: url, logger: logger) { connection, logger in
            let counts = try await connection.query("""
                SELECT count(*) FROM information_schema.tables
                WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
                """, logger: logger).all(Int64.self)
            return Int(counts.first ?? 0)
        }
    }

    /// Transactions committed and rolled back in the database `url` names so far (`pg_stat_database`; other
    /// sessions report theirs within about a second, idle ones within ten, so take it over long intervals).
    public static func transactionCount(url: String, logger: Logger) async throws -> Int {
        try await withConnection(url: url, logger: logger) { connection, logger in
            let counts = try await connection.query("""
                SELECT (xact_commit + xact_rollback)::bigint FROM pg_stat_database WHERE datname = current_database()
                """, logger: logger).all(Int64.self)
            return Int(counts.first ?? 0)
        }
    }

    /// Creates database `name` (lower-case letters, digits, `_`) on `url`'s server, connecting as `url` does.
    public static func create(_ name: String, url: String, logger: Logger) async throws {
        try check(name)
        try await withConnection(url: url, logger: logger) { connection, logger in
            try await connection.query("CREATE DATABASE \(unescaped: name)", logger: logger)
        }
    }

    /// Drops database `name` on `url`'s server if it exists, ending its sessions first (PostgreSQL 13+).
    public static func drop(_ name: String, url: String, logger: Logger) async throws {
        try check(name)
        try await withConnection(url: url, logger: logger) { connection, logger in
            try await connection.query("DROP DATABASE IF EXISTS \(unescaped: name) WITH (FORCE)", logger: logger)
        }
    }

    /// The name goes into SQL unquoted: only what needs no quoting passes.
    private static func check(_ name: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_")
        guard (1...63).contains(name.count), name.allSatisfy(allowed.contains), !name.first!.isNumber else {
            throw PostgresURLError("\"\(name)\" is not a plain database name (a–z, 0–9, _; at most 63)")
        }
    }

    private static func withConnection<T: Sendable>(
        url: String, logger: Logger, _ body: (PostgresConnection, Logger) async throws -> T
    ) async throws -> T {
        let database = try PGDatabase(url: try PostgresURL(url), maximumConnections: 1, logger: logger)
        await database.waitUntilRunning()
        do {
            let value = try await database.read { connection in try await body(connection, database.logger) }
            await database.close()
            return value
        } catch {
            await database.close()
            throw error
        }
    }
}
