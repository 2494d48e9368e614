import Foundation
import GRDB
import Logging
import PostgresNIO
import Receptionist
import Synchronization
import Testing
@testable import Server

/// `frontdesk migrate`: a SQLite database filled through its repositories is copied into a fresh PostgreSQL
/// database, every table counted and every value compared; refusals leave the target untouched.
@Suite(.timeLimit(.minutes(5)))  // a hang guard, not a timing assertion
struct StorageMigrationTests {
    @Test func everyTableIsCopiedWithEveryValueAndIdAndTheSequencesContinue() async throws {
        let source = try await Self.makeSource()
        let target = try await Self.freshTarget()

        let copied = Mutex<[String]>([])
        let report = try await StorageMigration.run(from: source.database, to: target, batchRows: 2) { table in
            copied.withLock { $0.append(table.table) }
        }
        await target.close()
        let reopened = try await PGDatabase.open(url: target.url, maximumConnections: 2, logger: target.logger)

        // Every FrontDesk table of the SQLite schema was copied, and every one had rows to copy.
        let sqliteTables = try await source.database.dbPool.read { db in
            try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table'
                AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations' ORDER BY name
                """)
        }
        #expect(report.counts.map(\.table).sorted() == sqliteTables)
        #expect(copied.withLock { $0 } == report.counts.map(\.table))
        #expect(report.isVerified)
        for count in report.counts {
            #expect(count.source > 0, "\(count.table) was not seeded")
            #expect(count.source == count.target, "\(count.table)")
        }
        // Parents come before children (foreign keys hold row by row).
        let order = report.counts.map(\.table)
        #expect(order.firstIndex(of: "businesses")! < order.firstIndex(of: "calls")!)
        #expect(order.firstIndex(of: "calls")! < order.firstIndex(of: "call_turns")!)
        #expect(order.firstIndex(of: "customers")! < order.firstIndex(of: "appointments")!)
        #expect(order.firstIndex(of: "conversations")! < order.firstIndex(of: "messages")!)

        // Every value of every row, compared column by column.
        for table in sqliteTables {
            let sqlite = try await Self.sqliteContents(source.database, table: table)
            let postgres = try await Self.postgresContents(reopened, table: table)
            #expect(sqlite.count == postgres.count, "\(table)")
            for (key, row) in sqlite {
                #expect(postgres[key] == row, "\(table) row \(key)")
            }
        }

        // A few values read back with SQL, against what was written.
        let chunk = try await reopened.read { connection in
            try await connection.query("""
                SELECT embedding, body FROM knowledge_chunks WHERE business_id = \(source.a.id) AND ordinal = 0
                """, logger: reopened.logger).all((ByteBuffer, String).self)
        }
        let (bytes, body) = try #require(chunk.first)
        #expect(KnowledgeChunk.decodeEmbedding(Data(buffer: bytes)) == source.embedding)
        #expect(body == Self.awkwardText)
        let call = try await reopened.read { connection in
            try await connection.query("""
                SELECT is_emergency, (EXTRACT(EPOCH FROM started_at) * 1000)::bigint, machine,
                       to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')
                FROM calls WHERE sid = 'CAmigrate1'
                """, logger: reopened.logger).all((Bool, Int64, String, String).self)
        }
        let (isEmergency, milliseconds, machine, startedAt) = try #require(call.first)
        #expect(isEmergency)
        #expect(milliseconds == 1_790_000_000_123)
        #expect(startedAt == "2026-09-21 14:13:20.123000")
        let sqliteMachine = try await source.database.dbPool.read { db in
            try String.fetchOne(db, sql: "SELECT machine FROM calls WHERE sid = 'CAmigrate1'")
        }
        #expect(machine == sqliteMachine)
        let flags = try await reopened.read { connection in
            try await connection.query("SELECT declined FROM call_turns WHERE call_sid = 'CAmigrate1' ORDER BY seq",
                                       logger: reopened.logger).all(Bool.self)
        }
        #expect(flags == [false, false, true])

        // The PostgreSQL repositories read the copied tenants as SQLite's do.
        let businesses = PostgresBusinessRepository(database: reopened, now: source.clock.now)
        let a = try #require(try await businesses.get(id: source.a.id))
        #expect([a.slug, a.name, a.timeZone] == [source.a.slug, source.a.name, source.a.timeZone])
        #expect(a.settings == source.a.settings)
        #expect(abs(a.createdAt.timeIntervalSince(source.a.createdAt)) < 0.000_5)
        #expect(try await businesses.find(byNumber: "+15550100002")?.id == source.b.id)

        // Identity sequences continue past the highest id SQLite ever used — the deleted entry's chunk included.
        let entryId = try #require(try await source.store.repositories.knowledge
            .list(businessId: source.a.id, category: nil, text: nil, limit: 10, cursor: nil).items.first?.id)
        let newChunk: [Int64] = try await reopened.write { connection in
            try await connection.query("""
                INSERT INTO knowledge_chunks (entry_id, business_id, ordinal, text, body, embedding)
                VALUES (\(entryId), \(source.a.id), 7, 'new', 'new', '\\x00000000'::bytea) RETURNING id
                """, logger: reopened.logger).all(Int64.self)
        }
        #expect(newChunk == [source.deletedChunkId + 1])
        #expect(report.nextIds["knowledge_chunks"] == source.deletedChunkId + 1)
        let lastEvent = try await source.store.repositories.events.lastEventId()
        let newEvent = try await reopened.write { connection in
            try await connection.query("""
                INSERT INTO events (business_id, stream, sequence, type, payload, created_at)
                VALUES (NULL, 'test:after', 1, 'test', '{}', now()) RETURNING id
                """, logger: reopened.logger).all(Int64.self)
        }
        #expect(newEvent == [lastEvent + 1])
        await reopened.close()
    }

    @Test func aTargetWithRowsIsRefusedAndLeftAsItWas() async throws {
        let source = try await Self.makeSource()
        let target = try await Self.freshTarget()
        let existing = try await PostgresBusinessRepository(database: target, now: Date.init)
            .create(NewBusiness(slug: "already-here", name: "Already Here", timeZone: "UTC", numbers: []))
        let existingUpdated = existing.updatedAt

        await #expect(throws: StorageMigration.Failure.targetNotEmpty([.init(table: "businesses", rows: 1)])) {
            try await StorageMigration.run(from: source.database, to: target)
        }
        let counts = try await PostgresImport(database: target).rowCounts(try await Self.postgresTables(target))
        #expect(counts.filter { $0.value > 0 } == ["businesses": 1])
        let kept = try await PostgresBusinessRepository(database: target, now: Date.init).get(id: existing.id)
        #expect(kept?.slug == existing.slug)
        #expect(abs((kept?.updatedAt ?? .distantPast).timeIntervalSince(existingUpdated)) < 0.000_01)

        // Migrating twice into one database is refused the same way.
        let fresh = try await Self.freshTarget()
        _ = try await StorageMigration.run(from: source.database, to: fresh)
        await #expect(throws: StorageMigration.Failure.self) {
            try await StorageMigration.run(from: source.database, to: fresh)
        }
        await target.close()
        await fresh.close()
    }

    @Test func aTableOrColumnOnlyOneSideHasStopsTheCopyBeforeAnythingIsWritten() async throws {
        let source = try await Self.makeSource()
        try await source.database.dbPool.write { db in
            try db.execute(sql: "ALTER TABLE calls ADD COLUMN mood TEXT")
            try db.execute(sql: "CREATE TABLE loyalty_points (id INTEGER PRIMARY KEY, points INTEGER)")
        }
        let target = try await Self.freshTarget()
        _ = try await target.write { connection in
            try await connection.query("ALTER TABLE leads ADD COLUMN score integer", logger: target.logger)
        }

        let error = await #expect(throws: StorageMigration.Failure.self) {
            try await StorageMigration.run(from: source.database, to: target)
        }
        #expect(error == .schemaMismatch([
            "column calls.mood is in the SQLite database but not in the PostgreSQL schema",
            "column leads.score is in the PostgreSQL schema but not in the SQLite database",
            "table loyalty_points is in the SQLite database but not in the PostgreSQL schema",
        ]))
        let counts = try await PostgresImport(database: target).rowCounts(try await Self.postgresTables(target))
        #expect(counts.values.allSatisfy { $0 == 0 }, "\(counts)")
        await target.close()
    }

    @Test func aValueTheTargetCannotHoldRollsBackEveryTableAlreadyCopied() async throws {
        let source = try await Self.makeSource()
        // `events` is copied after `businesses`, `calls`, `customers` and more (foreign-key order, then name order).
        try await source.database.dbPool.write { db in
            try db.execute(sql: "UPDATE events SET created_at = 'yesterday' WHERE id = (SELECT max(id) FROM events)")
        }
        let lastEvent = try await source.store.repositories.events.lastEventId()
        let target = try await Self.freshTarget()

        let error = await #expect(throws: StorageMigration.Failure.self) {
            try await StorageMigration.run(from: source.database, to: target, batchRows: 3)
        }
        #expect(error == .unconvertible(
            table: "events", column: "created_at", row: "id = \(lastEvent)",
            problem: "\"yesterday\" is not a date as FrontDesk stores dates (yyyy-MM-dd HH:mm:ss.SSS)"))
        let counts = try await PostgresImport(database: target).rowCounts(try await Self.postgresTables(target))
        #expect(counts.values.allSatisfy { $0 == 0 }, "\(counts)")
        await target.close()
    }

    @Test func theMigrateCommandCopiesPrintsTheCountsAndNeverThePassword() async throws {
        let source = try await Self.makeSource()
        let url = try TestPostgres.freshDatabase(prefix: "migrate")
        // The test cluster trusts local connections: the password is there only to show it is never printed.
        var components = try #require(URLComponents(string: url))
        components.password = "s3cret-Passw0rd"
        let withPassword = try #require(components.string)

        let run = try Self.frontdesk(["migrate", "--from", "sqlite:" + source.database.path, "--to", withPassword])
        #expect(run.status == 0, "\(run.output)")
        #expect(!run.output.contains("s3cret"), "\(run.output)")
        #expect(run.output.contains("into postgres://postgres:***@"), "\(run.output)")
        // One line per table: name, SQLite's count, PostgreSQL's count, verdict — as SQLite counts them.
        var printed: [String: [String]] = [:]
        for line in run.output.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            if fields.count == 4 { printed[fields[0]] = Array(fields.dropFirst()) }
        }
        let expected = try await source.database.dbPool.read { db in
            try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table'
                AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'
                """).map { ($0, try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)") ?? 0) }
        }
        for (table, rows) in expected {
            #expect(printed[table] == [String(rows), String(rows), "ok"], "\(table): \(run.output)")
        }
        #expect(run.output.contains("verified: \(expected.count) tables"), "\(run.output)")
        #expect(try TestPostgres.psql("SELECT count(*) FROM businesses", url: url) == "2")

        // Again, the URL from the environment: the database is no longer empty, so it is refused and left alone.
        let again = try Self.frontdesk(["migrate", "--from", source.database.path],
                                       environment: ["FRONTDESK_DATABASE_URL": withPassword])
        #expect(again.status == 1, "\(again.output)")
        #expect(again.output.contains("error: the PostgreSQL database is not empty (admin_credentials: 1 row, "),
                "\(again.output)")
        #expect(!again.output.contains("s3cret"), "\(again.output)")
        #expect(try TestPostgres.psql("SELECT count(*) FROM businesses", url: url) == "2")

        // A SQLite file that does not exist is not created.
        let missing = source.database.path + ".missing"
        let none = try Self.frontdesk(["migrate", "--from", "sqlite:" + missing, "--to", url])
        #expect(none.status == 1)
        #expect(none.output.contains("error: no SQLite database at \(missing)"), "\(none.output)")
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    @Test func tablesAreOrderedParentsFirstAndACycleIsRefused() throws {
        let target = [
            StoredTableSchema(name: "messages", columns: ["id"], references: ["conversations"]),
            StoredTableSchema(name: "conversations", columns: ["id"], references: ["customers", "calls", "conversations"]),
            StoredTableSchema(name: "customers", columns: ["id"], references: ["businesses"]),
            StoredTableSchema(name: "calls", columns: ["sid"], references: ["businesses"]),
            StoredTableSchema(name: "businesses", columns: ["id"]),
        ]
        let source = target.map { StoredTableSchema(name: $0.name, columns: $0.columns) }
        #expect(try StorageMigration.plan(source: source, target: target).map(\.name)
            == ["businesses", "calls", "customers", "conversations", "messages"])

        let cycle = [StoredTableSchema(name: "a", columns: ["id"], references: ["b"]),
                     StoredTableSchema(name: "b", columns: ["id"], references: ["a"])]
        #expect(throws: StorageMigration.Failure.schemaMismatch(["the foreign keys of a, b form a cycle; no copy order satisfies them"])) {
            try StorageMigration.plan(source: cycle, target: cycle)
        }
    }

    @Test func copyTextEscapesAndConvertsEachValueByItsColumnType() throws {
        let encoder = PostgresCopyText(table: "t", columns: [
            ("id", .bigint), ("note", .text), ("flag", .boolean), ("at", .timestamptz), ("bytes", .bytea),
            ("score", .doublePrecision), ("small", .integer),
        ])
        let rows: [[StoredValue]] = [
            [.integer(42), .text("a\tb\\c\nd\re \\N"), .integer(1), .text("2026-09-21 14:13:20.123"),
             .blob(Data([0x00, 0xAB, 0xFF])), .real(0.1), .integer(-7)],
            [.integer(43), .null, .integer(0), .text("2026-09-21T14:13:20Z"), .blob(Data()), .integer(3), .null],
        ]
        #expect(String(buffer: try encoder.encode(rows)) == """
            42\ta\\tb\\\\c\\nd\\re \\\\N\tt\t2026-09-21 14:13:20.123+00\t\\\\x00abff\t0.1\t-7
            43\t\\N\tf\t2026-09-21T14:13:20Z\t\\\\x\t3\t\\N

            """)

        let refusals: [(StoredValue, Int, String)] = [
            (.text("a\u{0}b"), 1, "the text contains a NUL character, which PostgreSQL cannot store"),
            (.integer(2), 2, "SQLite holds the integer 2, which a column of type boolean cannot take"),
            (.text("tomorrow"), 3, "\"tomorrow\" is not a date as FrontDesk stores dates (yyyy-MM-dd HH:mm:ss.SSS)"),
            (.text("00ff"), 4, "SQLite holds text, which a column of type bytea cannot take"),
            (.integer(1 << 40), 6, "SQLite holds the integer 1099511627776, which a column of type integer cannot take"),
        ]
        for (value, column, problem) in refusals {
            var row = rows[0]
            row[column] = value
            #expect(throws: StorageMigration.Failure.unconvertible(
                table: "t", column: encoder.columns[column].name, row: "id = 42", problem: problem)) {
                try encoder.encode([row])
            }
        }
    }

    @Test func onlyDatesAsGRDBStoresThemAreAccepted() {
        #expect(PostgresCopyText.dateZone("2026-09-21 14:13:20.123") == PostgresCopyText.DateZone.none)
        #expect(PostgresCopyText.dateZone("2026-09-21T14:13") == PostgresCopyText.DateZone.none)
        #expect(PostgresCopyText.dateZone("2026-09-21") == .dateOnly)
        #expect(PostgresCopyText.dateZone("2026-09-21 14:13:20Z") == .given)
        #expect(PostgresCopyText.dateZone("2026-09-21 14:13:20.5+05:30") == .given)
        for text in ["now", "epoch", "", "2026-09-21 14", "2026-09-21 14:13:20.", "2026-09-21 14:13:20+5", "21/09/2026"] {
            #expect(PostgresCopyText.dateZone(text) == nil, "\(text)")
        }
    }
}
