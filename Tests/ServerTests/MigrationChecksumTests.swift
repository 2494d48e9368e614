import Crypto
import Foundation
import GRDB
import Testing
@testable import Server

/// Migrations are append-only: once released, a migration's SQL never changes. This keeps a SHA-256 of each one;
/// a change to a released migration fails here. A new migration is added to the table when it lands, and from
/// then on it is as frozen as the others.
@Suite struct MigrationChecksumTests {
    static let released: [(name: String, sha256: String)] = [
        ("v1-businesses", "8d17e92f4e545c4adf88486b69a7e38c9e64b9dbf1741077e8bf187c7e85bd76"),
        ("v1-api-keys", "036d04e409234bf79cf560f0086944f668b705ccae7c78121e25423461b643ec"),
        ("v1-admin-credentials", "914e5165cfb7c0a8d428f1d39a0780876b0002f639290a6da50b8c2e6daffed8"),
        ("v1-knowledge", "4c7389e53eff5e78acf749c53c9b8a643a956c875b5bf5ffedde1c401054b6c4"),
        ("v2-calls", "f57870f41e46cbe8ad5fb101613edcfd801aaa5e68569d6ddc051ed771a496eb"),
        ("v3-jobs", "93f21aa2acaf2ddfbd7bd89d705b18b02cd6f42a43dc9915206996757fdb7d94"),
        ("v3-call-summaries", "f863b8dea8134b4f5e158502b9fabbbad5e0f8817259da61cd55f8f8016385b7"),
        ("v3-crm", "5643891a84fa7e1041ad760e6b2ea2b143e2a584c7c68693e76c6fdcbc9e5736"),
        ("v4-repair-in-place-edits", "df009431e11e2ae4e86dd59d304a88bde803b82cd08dc3e3bc4dbce48fe464dd"),
        ("v4-events", "d789be26dbf0f9a17c5d2ba4ad19c2da4fad29a98210a80aac63a824cd3c1d29"),
        ("v4-call-direction", "8b28e26667a8f7b65ec2b3ca439bdc66bfc5b332661c6107315de3acc60e2ae9"),
        ("v4-sms-through-jobs", "48e61573fb55366d106746d09ea0ae2b36854a3f7d21e29ac23bcf53d820bf7f"),
        ("v4-drop-keyword-fts", "0b0ea4a0c7562408d10614a0d37ffde58d2a8b6d208ca28f462c066d04d3ed61"),
    ]

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    @Test func releasedMigrationsAreUnchanged() {
        let current = AppDatabase.migrations
        for (index, expected) in Self.released.enumerated() {
            guard index < current.count else {
                Issue.record("released migration \(expected.name) is missing: migrations are never removed")
                continue
            }
            #expect(current[index].name == expected.name, "migration \(index) was renamed or reordered")
            #expect(Self.sha256(current[index].sql) == expected.sha256,
                    "released migration \(expected.name) was edited in place (sha256 now \(Self.sha256(current[index].sql))); add a new migration instead")
        }
    }

    @Test func everyMigrationIsInTheTable() {
        let names = AppDatabase.migrations.map(\.name)
        #expect(names == Self.released.map(\.name),
                "a new migration must be added to MigrationChecksumTests.released when it lands")
        #expect(Set(names).count == names.count)
    }

    /// A database made before columns and indexes were edited into the released v3 migrations (simulated by
    /// removing them again) is repaired on open, and its rows survive.
    @Test func repairMigrationCompletesDatabasesCreatedBeforeTheInPlaceEdits() throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("frontdesk-repair-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        do {
            let queue = try DatabaseQueue(path: path)
            var migrator = DatabaseMigrator()
            for migration in AppDatabase.releasedV1toV3 {
                migrator.registerMigration(migration.name) { db in try db.execute(sql: migration.sql) }
            }
            try migrator.migrate(queue)
            try queue.write { db in
                try db.execute(sql: """
                    DROP INDEX leads_by_call;
                    DROP INDEX conversations_by_call;
                    ALTER TABLE calls DROP COLUMN cited_entries;
                    ALTER TABLE calls DROP COLUMN transfer_status;
                    ALTER TABLE call_turns DROP COLUMN sentiment;
                    INSERT INTO businesses (id, slug, name, time_zone, settings, created_at, updated_at)
                    VALUES ('b1', 'old-shop', 'Old Shop', 'UTC', '{}', '2026-01-01', '2026-01-01');
                    """)
            }
            #expect(try queue.read { try $0.columns(in: "calls").map(\.name) }.contains("cited_entries") == false)
        }
        let database = try AppDatabase(path: path)
        try database.dbPool.read { db in
            let calls = try db.columns(in: "calls").map(\.name)
            #expect(calls.contains("cited_entries") && calls.contains("transfer_status") && calls.contains("direction"))
            #expect(try db.columns(in: "call_turns").map(\.name).contains("sentiment"))
            #expect(try db.indexes(on: "leads").map(\.name).contains("leads_by_call"))
            #expect(try db.indexes(on: "conversations").map(\.name).contains("conversations_by_call"))
            #expect(try String.fetchOne(db, sql: "SELECT slug FROM businesses WHERE id = 'b1'") == "old-shop")
        }
        #expect(database.migrationsApplied)
    }
}
