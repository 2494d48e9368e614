import Foundation
import Testing

/// The PostgreSQL test harness itself (`TestPostgres`): a real server answers, and every test's fresh database is
/// its own — what the PostgreSQL backend's contract tests will stand on.
@Suite struct TestPostgresTests {
    @Test func serverAnswersSelectOne() throws {
        let url = try TestPostgres.serverURL()
        #expect(url.hasPrefix("postgres://"))
        #expect(try TestPostgres.psql("SELECT 1", url: url) == "1")
        #expect(try TestPostgres.psql("SELECT 1 + 1; SELECT 'two rows'", url: url) == "2\ntwo rows")
        // One server per process, not one per call.
        #expect(try TestPostgres.serverURL() == url)
    }

    @Test func freshDatabasesAreDistinctAndEmpty() throws {
        let first = try TestPostgres.freshDatabase()
        defer { TestPostgres.dropDatabase(url: first) }
        let second = try TestPostgres.freshDatabase(prefix: "harness")
        defer { TestPostgres.dropDatabase(url: second) }

        #expect(first != second)
        let firstName = try TestPostgres.psql("SELECT current_database()", url: first)
        let secondName = try TestPostgres.psql("SELECT current_database()", url: second)
        #expect(firstName.hasPrefix("t_") && firstName.count == 18)
        #expect(secondName.hasPrefix("harness_"))
        #expect(first.hasSuffix("/" + firstName) && second.hasSuffix("/" + secondName))
        for url in [first, second] {
            #expect(try TestPostgres.psql("""
                SELECT count(*) FROM information_schema.tables
                WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
                """, url: url) == "0")
        }
    }

    @Test func tableInOneDatabaseIsAbsentFromTheOther() throws {
        let first = try TestPostgres.freshDatabase()
        defer { TestPostgres.dropDatabase(url: first) }
        let second = try TestPostgres.freshDatabase()
        defer { TestPostgres.dropDatabase(url: second) }

        try TestPostgres.psql("""
            CREATE TABLE notes (id integer PRIMARY KEY, body text NOT NULL);
            INSERT INTO notes VALUES (1, 'only here');
            """, url: first)
        #expect(try TestPostgres.psql("SELECT body FROM notes", url: first) == "only here")
        #expect(try TestPostgres.psql("SELECT to_regclass('public.notes') IS NULL", url: second) == "t")
        #expect(throws: TestPostgres.Failure.self) { try TestPostgres.psql("SELECT body FROM notes", url: second) }
    }

    @Test func droppedDatabaseIsGone() async throws {
        let url = try TestPostgres.freshDatabase()
        let name = try TestPostgres.psql("SELECT current_database()", url: url)
        let server = try TestPostgres.serverURL()
        let exists = "SELECT count(*) FROM pg_database WHERE datname = '\(name)'"
        #expect(try TestPostgres.psql(exists, url: server) == "1")

        await TestPostgres.dropDatabaseAndWait(url: url)
        #expect(try TestPostgres.psql(exists, url: server) == "0")
        #expect(throws: TestPostgres.Failure.self) { try TestPostgres.psql("SELECT 1", url: url) }
        await TestPostgres.dropDatabaseAndWait(url: url)  // twice is harmless
    }

    /// Parallel tests each make their own database at once: CREATE DATABASE copies template1, and must not trip
    /// over another copy in flight.
    @Test func freshDatabasesCanBeMadeConcurrently() throws {
        let count = 8
        let made = Made()
        DispatchQueue.concurrentPerform(iterations: count) { _ in made.add(Result { try TestPostgres.freshDatabase() }) }
        let urls = try made.all().map { try $0.get() }
        defer { urls.forEach { TestPostgres.dropDatabase(url: $0) } }
        #expect(Set(urls).count == count)
        for url in urls {
            #expect(try TestPostgres.psql("SELECT current_database()", url: url) == url.split(separator: "/").last.map(String.init))
        }
    }

    private final class Made: @unchecked Sendable {
        private let lock = NSLock()
        private var results: [Result<String, any Error>] = []
        func add(_ result: Result<String, any Error>) { lock.withLock { results.append(result) } }
        func all() -> [Result<String, any Error>] { lock.withLock { results } }
    }
}
