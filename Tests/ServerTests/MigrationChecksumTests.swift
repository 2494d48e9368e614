import Crypto
import Foundation
import GRDB
import Testing
@testable import Server

/// Migrations are append-only: once released, a migration never changes. v1–v3 are Swift closures in the file as it
/// landed, so each is fingerprinted by what it does to the schema (the `sqlite_master` rows it adds or changes, applied
/// one migration at a time); later migrations are SQL values and are fingerprinted by their text as well. A change
/// to a released migration fails here; a new migration is added to the table when it lands, and is then as frozen.
@Suite struct MigrationChecksumTests {
    static let released: [(name: String, schema: String, sql: String?)] = [
        ("v1-businesses", "29abd17098359cac84c5b6d6259edb49f3b04fc4e0bceb2072f77a594853b8ea", nil),
        ("v1-api-keys", "5c139dbd439ba42237347f89ee7c0ae0643f091893d7ae0c54508dad0957636d", nil),
        ("v1-admin-credentials", "f0e3902256da14afbbc4b09776751ad1592051c41f2abddd139db17f5572fc0a", nil),
        ("v1-knowledge", "2cfd4019958f6c4772c25d6af32b6a0078102223bdd62bd2f580994714918632", nil),
        ("v2-calls", "d8011f43cfc9660a79ea2f7af645518d024bad0ddbf017b23e5af3429fb310db", nil),
        ("v3-jobs", "1cd6c3077afacb6b538f5adbd4dc1a74f69290af8069a84ca86a0c3e40be8c5a", nil),
        ("v3-call-summaries", "24b81b25a3f1118286e415dcde3522645003fd21af5d09ec880438d8166d3f4c", nil),
        ("v3-crm", "32a2280f2973cc0406d549fe0f33cf77273fcb70ec63f2cb88dcf5a78c7af3f3", nil),
        ("v4-repair-in-place-edits", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "df009431e11e2ae4e86dd59d304a88bde803b82cd08dc3e3bc4dbce48fe464dd"),
        ("v4-events", "00c4cf836abf0234439788ad1cad231fa9aebcc1bf4900fe3513a463214b0b7d", "d789be26dbf0f9a17c5d2ba4ad19c2da4fad29a98210a80aac63a824cd3c1d29"),
        ("v4-call-direction", "b4f3562486b9eb956b0f15e8f28cd755cdadd5355e78c9e14bc9f4faa60ddce2", "8b28e26667a8f7b65ec2b3ca439bdc66bfc5b332661c6107315de3acc60e2ae9"),
        ("v4-sms-through-jobs", "4272b8302d173597d3de1a1396ee0b1bbe2c9d714940d48ac04803d990b8beed", "48e61573fb55366d106746d09ea0ae2b36854a3f7d21e29ac23bcf53d820bf7f"),
        ("v4-drop-keyword-fts", "ef7a6a37cc69052fe490c9a1cd26940b18d9f69798b55b271a7b5f02de8b5f4b", "0b0ea4a0c7562408d10614a0d37ffde58d2a8b6d208ca28f462c066d04d3ed61"),
        ("v5-leases", "57109517300f5747b4093f1096d0ed8abbf6ec91d024056c74c4d387ef88fa70", "d31882d09a5322f0237a6de59a428cdb7e21afff21cd066cabacb4044f1992a6"),
        ("v6-dispatch", "c3100abf091d2d1f3ad76dd7650472411bb515b916be8dd06280197039ff7e72", "612817bc7891f52f0a39f7c60ccdb86c7858b29f7f0be58f6e3e6d2a2135ac54"),
        ("v7-outbound-pacing", "f0f6479cd0adad0b3c568766c3fe630db307813392add1c757b40eebfb20fb46", "04dba8753d5194b5e6a2438b624d3284f83b046ff50e7ca22e1d77af4b6d4fcb"),
        ("v8-dispatch-offers", "dd0a1ea827a066aacea4ac5c11c485a8b9f476baa9c7597de217624acf0c9bb4", "373d57ab0655028182823f8620eeb41e0bfe39b51f64dad632fa86e103ed3a27"),
        ("v9-campaigns", "af30809308bdfa4e015d8dece15d747ba3340133bc1cdd2af33226303358a32e", "706ac8aaa3a93f462f8eb5d71a5dd0cf7aa115d55cf849f64c45697607a26b27"),
        ("v10-campaign-attempt-times", "8382ad812adf0dd32f0069a38aa26f711248e0614d2b0c62d52d8f3fd70349f1", "f20cc969d5bd8475edb5d09ec66c1fdeb7c70e694102fad666dc124fbce40266"),
        ("v11-campaign-appointments", "8bb562faa24d4166f20b72ac7009c63247d288d02c29faad46a86e4f966f7880", "0a8cfdca5d9a175ca43ea17c6b94675b907f8f16f3881173b828a0e40b7bfad2"),
        ("v12-panel-accounts", "fa07295b252c5d7a0b497ea0a598373b27a3e685410cd696050858cfde19ce6b", "7f07c9f2a64d45843356f1da6ec6c42c8472423e1dedd193126a7e32f6a5def4"),
        ("v13-widget", "429748feb74f5bc2599e8d993827c1ea32771ca909526782cb30548d675dcd4d", "e1b21d5af4d61c1e9ff0617ca6736c5b495395ec8fc1fa640e87a788edf83600"),
    ]

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Each migration's effect on the schema: the `sqlite_master` rows (type, name, table, SQL) it adds, changes or
    /// removes, hashed, in migration order.
    static func schemaFingerprints() throws -> [String] {
        let queue = try DatabaseQueue()
        let migrator = AppDatabase.migrator
        var before: Set<String> = []
        var fingerprints: [String] = []
        for name in migrator.migrations {
            try migrator.migrate(queue, upTo: name)
            let after = Set(try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
                    .map { "\($0["type"] as String)|\($0["name"] as String)|\($0["tbl_name"] as String)|\(($0["sql"] as String?) ?? "")" }
            })
            let delta = after.subtracting(before).sorted().map { "+" + $0 } + before.subtracting(after).sorted().map { "-" + $0 }
            fingerprints.append(sha256(delta.joined(separator: "\n")))
            before = after
        }
        return fingerprints
    }

    @Test func releasedMigrationsAreUnchanged() throws {
        let names = AppDatabase.migrator.migrations
        let fingerprints = try Self.schemaFingerprints()
        for (index, expected) in Self.released.enumerated() {
            guard index < names.count else {
                Issue.record("released migration \(expected.name) is missing: migrations are never removed")
                continue
            }
            #expect(names[index] == expected.name, "migration \(index) was renamed or reordered")
            #expect(fingerprints[index] == expected.schema,
                    "released migration \(expected.name) now makes a different schema (fingerprint \(fingerprints[index])); add a new migration instead")
            if let sql = expected.sql {
                let current = AppDatabase.v4Migrations.first { $0.name == expected.name }?.sql ?? ""
                #expect(Self.sha256(current) == sql,
                        "released migration \(expected.name) was edited in place (sha256 now \(Self.sha256(current))); add a new migration instead")
            }
        }
    }

    @Test func everyMigrationIsInTheTable() {
        let names = AppDatabase.migrator.migrations
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
            try AppDatabase.migrator.migrate(queue, upTo: "v3-crm")
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
