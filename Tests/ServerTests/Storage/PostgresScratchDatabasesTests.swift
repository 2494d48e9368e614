import Foundation
import Logging
import PostgresNIO
import Testing
@testable import Server

/// `frontdesk bench calls --database-url` checks that the database it is given is empty and makes and drops a
/// database per configuration with `PostgresScratchDatabases`; these run on the test run's PostgreSQL server.
@Suite struct PostgresScratchDatabasesTests {
    let logger = Logger(label: "test")

    private static func url(_ server: String, database: String) throws -> String {
        var components = try #require(URLComponents(string: server))
        components.path = "/" + database
        return try #require(components.string)
    }

    @Test func createsADatabaseCountsItsTablesAndDropsItWhileASessionIsOpen() async throws {
        let server = try TestPostgres.serverURL()
        let name = "frontdesk_bench_t" + String(format: "%08x", UInt32.random(in: .min ... .max))
        let url = try Self.url(server, database: name)
        let exists = "SELECT count(*) FROM pg_database WHERE datname = '\(name)'"

        try await PostgresScratchDatabases.create(name, url: server, logger: logger)
        #expect(try TestPostgres.psql(exists, url: server) == "1")
        #expect(try await PostgresScratchDatabases.userTableCount(url: url, logger: logger) == 0)
        try TestPostgres.psql("CREATE TABLE calls (id int); CREATE SCHEMA other; CREATE TABLE other.turns (id int)", url: url)
        #expect(try await PostgresScratchDatabases.userTableCount(url: url, logger: logger) == 2)

        // A node's pool keeps an idle session on the database: the drop ends it rather than failing.
        let pool = try PGDatabase(url: try PostgresURL(url), maximumConnections: 1, logger: logger)
        await pool.waitUntilRunning()
        let one = try await pool.read { connection in try await connection.query("SELECT 1", logger: logger).all(Int32.self) }
        #expect(one == [1])
        #expect(try TestPostgres.psql("SELECT count(*) FROM pg_stat_activity WHERE datname = '\(name)'", url: server) != "0")
        try await PostgresScratchDatabases.drop(name, url: server, logger: logger)
        await pool.close()
        #expect(try TestPostgres.psql(exists, url: server) == "0")
        // Dropping again is not an error (a failed run's clean-up may repeat it).
        try await PostgresScratchDatabases.drop(name, url: server, logger: logger)
    }

    @Test func countsTablesOfTheDatabaseTheURLNames() async throws {
        let url = try TestPostgres.freshDatabase(prefix: "scratch")
        defer { TestPostgres.dropDatabase(url: url) }
        #expect(try await PostgresScratchDatabases.userTableCount(url: url, logger: logger) == 0)
        let migrated = try await PGDatabase.open(url: try PostgresURL(url), maximumConnections: 2, logger: logger)
        await migrated.close()
        let tables = try await PostgresScratchDatabases.userTableCount(url: url, logger: logger)
        #expect(tables > 10)
        #expect(String(tables) == (try TestPostgres.psql(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", url: url)))
    }

    @Test func countsTheDatabasesTransactions() async throws {
        let url = try TestPostgres.freshDatabase(prefix: "scratch")
        defer { TestPostgres.dropDatabase(url: url) }
        let before = try await PostgresScratchDatabases.transactionCount(url: url, logger: logger)
        // Each psql session runs its statement in a transaction and reports its statistics when it exits.
        for _ in 0..<3 { try TestPostgres.psql("SELECT 1", url: url) }
        let after = try await PostgresScratchDatabases.transactionCount(url: url, logger: logger)
        #expect(after >= before + 3)
        #expect(after < before + 20)
    }

    @Test(arguments: ["", "Bench", "bench; drop database postgres", "1bench", "bench-1", String(repeating: "a", count: 64)])
    func refusesANameThatWouldNeedQuoting(_ name: String) async throws {
        let server = try TestPostgres.serverURL()
        await #expect(throws: PostgresURLError.self) { try await PostgresScratchDatabases.create(name, url: server, logger: logger) }
        await #expect(throws: PostgresURLError.self) { try await PostgresScratchDatabases.drop(name, url: server, logger: logger) }
    }

    @Test func reportsTheServersVersionAndCommitSettings() async throws {
        let server = try TestPostgres.serverURL()
        let facts = try await PostgresScratchDatabases.serverFacts(url: server, logger: logger)
        #expect(facts.version == (try TestPostgres.psql("SHOW server_version", url: server)))
        #expect(facts.fsync == (try TestPostgres.psql("SHOW fsync", url: server)))
        #expect(facts.synchronousCommit == (try TestPostgres.psql("SHOW synchronous_commit", url: server)))
        #expect(facts.maxConnections == (try TestPostgres.psql("SHOW max_connections", url: server)))
    }
}
