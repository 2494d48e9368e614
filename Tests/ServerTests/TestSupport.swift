import Foundation
import GRDB
@testable import Server

/// A directory under the system temp dir, removed on deinit; for tests that close and reopen a database file.
final class TemporaryDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("frontdesk-tests-\(UUID().uuidString.lowercased())", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A clock tests move by hand: `createdAt` ties and ordering become deterministic.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date = Date(timeIntervalSince1970: 1_750_000_000)) { current = start }

    var now: @Sendable () -> Date { { self.read() } }

    func read() -> Date { lock.withLock { current } }

    func advance(by seconds: TimeInterval) { lock.withLock { current += seconds } }
}

/// Repositories over one temporary database.
struct TestRepositories {
    let database: AppDatabase
    let businesses: GRDBBusinessRepository
    let apiKeys: GRDBAPIKeyRepository
    let adminKeys: GRDBAdminKeyStore
    let knowledge: GRDBKnowledgeRepository

    init(database: AppDatabase? = nil, clock: TestClock = TestClock()) throws {
        let database = try database ?? AppDatabase.temporary()
        self.database = database
        businesses = GRDBBusinessRepository(database: database, now: clock.now)
        apiKeys = GRDBAPIKeyRepository(database: database, now: clock.now)
        adminKeys = GRDBAdminKeyStore(database: database, now: clock.now)
        knowledge = GRDBKnowledgeRepository(database: database, now: clock.now)
    }

    func makeBusiness(_ slug: String, numbers: [String] = []) async throws -> Business {
        try await businesses.create(NewBusiness(
            slug: slug, name: "Business \(slug)", timeZone: "America/Chicago", numbers: numbers))
    }

    /// Rows of `table` (a fixed name from the test, not input).
    func count(_ table: String, where condition: String = "1", _ arguments: [String] = []) async throws -> Int {
        try await database.dbPool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE \(condition)",
                             arguments: StatementArguments(arguments))!
        }
    }
}

