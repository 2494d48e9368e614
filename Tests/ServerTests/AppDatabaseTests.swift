import Foundation
import GRDB
import Testing
@testable import Server

@Suite struct AppDatabaseTests {
    @Test func migrationsRunOnOpen() throws {
        let database = try AppDatabase.temporary()
        #expect(database.migrationsApplied)
        #expect(try database.appliedMigrations() ==
            ["v1-businesses", "v1-api-keys", "v1-admin-credentials", "v1-knowledge", "v2-calls", "v3-jobs", "v3-call-summaries", "v3-crm",
             "v4-repair-in-place-edits", "v4-events", "v4-call-direction", "v4-sms-through-jobs",
             "v4-drop-keyword-fts", "v5-leases", "v6-dispatch", "v7-outbound-pacing", "v8-dispatch-offers", "v9-campaigns",
             "v10-campaign-attempt-times", "v11-campaign-appointments", "v12-panel-accounts",
             "v13-widget"])
    }

    @Test func pragmasAreDurableWALWithForeignKeys() throws {
        let database = try AppDatabase.temporary()
        let (journal, synchronous, foreignKeys) = try database.dbPool.write { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode")!,
             try Int.fetchOne(db, sql: "PRAGMA synchronous")!,
             try Int.fetchOne(db, sql: "PRAGMA foreign_keys")!)
        }
        #expect(journal == "wal")
        #expect(synchronous == 2) // FULL
        #expect(foreignKeys == 1)
        // Readers are configured the same way.
        let readerForeignKeys = try database.dbPool.read { try Int.fetchOne($0, sql: "PRAGMA foreign_keys")! }
        #expect(readerForeignKeys == 1)
    }

    @Test func reopeningIsIdempotentAndKeepsData() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("frontdesk.sqlite")
        let id: String
        do {
            let repositories = try TestRepositories(database: AppDatabase(path: path))
            id = try await repositories.makeBusiness("acme", numbers: ["+15551230001"]).id
        }
        for _ in 0..<2 {
            let database = try AppDatabase(path: path)
            #expect(database.migrationsApplied)
            #expect(try database.appliedMigrations().count == AppDatabase.migrator.migrations.count)
            let business = try await GRDBBusinessRepository(database: database).get(id: id)
            #expect(business?.slug == "acme")
        }
    }

    @Test func temporaryDatabaseFilesAreRemoved() throws {
        var database: AppDatabase? = try AppDatabase.temporary()
        let path = try #require(database?.path)
        #expect(FileManager.default.fileExists(atPath: path))
        database = nil
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func schemaChecksBackUpSwiftValidation() async throws {
        let repositories = try TestRepositories()
        // A writer that bypasses the repository still cannot store a bad slug or number.
        await #expect(throws: DatabaseError.self) {
            try await repositories.database.dbPool.write { db in
                try db.execute(sql: """
                    INSERT INTO businesses (id, slug, name, time_zone, settings, created_at, updated_at)
                    VALUES ('x', 'Bad Slug', 'n', 'UTC', '{}', '', '')
                    """)
            }
        }
        let business = try await repositories.makeBusiness("acme")
        await #expect(throws: DatabaseError.self) {
            try await repositories.database.dbPool.write { db in
                try db.execute(sql: "INSERT INTO business_numbers (number, business_id) VALUES ('+0123456', ?)",
                               arguments: [business.id])
            }
        }
    }
}
