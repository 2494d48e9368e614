import Foundation
import GRDB
import Testing
@testable import Server

/// `AppDatabase.backup`: a consistent, verified copy of a database that is being written, never a partial file,
/// never an overwrite.
@Suite struct AppDatabaseBackupTests {
    /// The ids whose upsert returned (was acknowledged), in order; written by the writer task, read by the test.
    final class Ledger: @unchecked Sendable {
        private let lock = NSLock()
        private var ids: [String] = []
        private var stopped = false

        func acknowledge(_ id: String) { lock.withLock { ids.append(id) } }
        var acknowledged: [String] { lock.withLock { ids } }
        var count: Int { lock.withLock { ids.count } }
        func stop() { lock.withLock { stopped = true } }
        var isStopped: Bool { lock.withLock { stopped } }
    }

    static func entry(_ businessId: String, _ title: String, _ content: String, seed: Int) -> KnowledgeImportItem {
        KnowledgeImportItem(
            entry: KnowledgeEntry(businessId: businessId, title: title, content: content),
            chunks: [KnowledgeChunkInput(ordinal: 0, text: "\(title)\n\(content)", body: content,
                                         embedding: (0..<384).map { Float(($0 * 7 + seed) % 101) / 101 })])
    }

    /// Files in `directory` left by a backup under a temporary name.
    static func leftovers(_ directory: TemporaryDirectory) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.url.path).filter { $0.contains(".partial") }
    }

    @Test func copyOfADatabaseBeingWrittenHoldsEveryRowAcknowledgedBeforeItBegan() async throws {
        let directory = try TemporaryDirectory()
        let database = try AppDatabase(path: directory.path("live.sqlite"))
        let repositories = try TestRepositories(database: database)
        let business = try await repositories.makeBusiness("backup-live")
        // ~4,000 entries with 384-d vectors (~10 MB), so that copying takes long enough for writes to land meanwhile.
        let filler = (0..<4000).map {
            Self.entry(business.id, "Filler \($0)", String(repeating: "Pipes, valves and boilers. ", count: 20), seed: $0)
        }
        _ = try await repositories.knowledge.importAll(businessId: business.id, filler)

        let ledger = Ledger()
        let writer = Task {
            var i = 0
            while !ledger.isStopped {
                let item = Self.entry(business.id, "Live \(i)", "Written while the backup runs.", seed: i)
                let stored = try await repositories.knowledge.upsert(item.entry, chunks: item.chunks)
                ledger.acknowledge(stored.id)
                i += 1
            }
        }
        while ledger.count < 20 { try await Task.sleep(for: .milliseconds(2)) }

        let acknowledgedBefore = ledger.acknowledged
        let destination = directory.path("backup.sqlite")
        let summary = try await Task.detached { try database.backup(to: destination) }.value
        let acknowledgedByTheEnd = ledger.count
        ledger.stop()
        try await writer.value

        // The server was not blocked: writes were acknowledged while the copy was being made.
        #expect(acknowledgedByTheEnd > acknowledgedBefore.count, "no write was acknowledged during the backup")

        let copy = try AppDatabase(path: destination)
        defer { try? copy.close() }
        #expect(try copy.appliedMigrations() == database.appliedMigrations())
        let integrity = try await copy.dbPool.write { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        #expect(integrity == ["ok"])
        let (found, entries, withoutChunks) = try await copy.dbPool.read { db in
            let ids = String(decoding: try JSONEncoder().encode(acknowledgedBefore), as: UTF8.self)
            return (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM knowledge_entries WHERE id IN (SELECT value FROM json_each(?))",
                                 arguments: [ids])!,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM knowledge_entries")!,
                try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM knowledge_entries e
                    WHERE NOT EXISTS (SELECT 1 FROM knowledge_chunks c WHERE c.entry_id = e.id)
                    """)!)
        }
        #expect(found == acknowledgedBefore.count, "acknowledged entries missing from the backup")
        // A snapshot, not a torn read: every entry has its chunk, and nothing written after the backup is in it.
        #expect(withoutChunks == 0)
        #expect(entries >= filler.count + acknowledgedBefore.count)
        #expect(entries <= filler.count + acknowledgedByTheEnd + 1)

        #expect(summary.path == destination)
        #expect(summary.bytes == (try FileManager.default.attributesOfItem(atPath: destination)[.size] as? NSNumber)?.int64Value)
        #expect(summary.migrations == (try database.appliedMigrations()))
        #expect(summary.tables.first { $0.table == "knowledge_entries" }?.rows == entries)
        #expect(summary.tables.first { $0.table == "businesses" }?.rows == 1)
        #expect(try Self.leftovers(directory).isEmpty)
    }

    @Test func neverOverwritesAnExistingFile() async throws {
        let directory = try TemporaryDirectory()
        let repositories = try TestRepositories(database: AppDatabase(path: directory.path("live.sqlite")))
        _ = try await repositories.makeBusiness("keep")
        let destination = directory.path("backup.sqlite")
        try Data("an older backup".utf8).write(to: URL(fileURLWithPath: destination))

        #expect(throws: AppDatabase.BackupError.destinationExists(path: destination)) {
            try repositories.database.backup(to: destination)
        }
        #expect(try String(contentsOfFile: destination, encoding: .utf8) == "an older backup")
        #expect(try Self.leftovers(directory).isEmpty)
        #expect("\(AppDatabase.BackupError.destinationExists(path: destination))".contains("already exists"))
    }

    @Test func aClosedDatabaseIsCopiedWithoutBeingChanged() async throws {
        let directory = try TemporaryDirectory()
        let source = directory.path("live.sqlite")
        let database = try AppDatabase(path: source)
        let repositories = try TestRepositories(database: database)
        for slug in ["one", "two", "three"] { _ = try await repositories.makeBusiness(slug) }
        try database.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: source))

        let summary = try AppDatabase.backup(databaseAt: source, to: directory.path("copy.sqlite"))
        #expect(summary.tables.first { $0.table == "businesses" }?.rows == 3)
        #expect(try Data(contentsOf: URL(fileURLWithPath: source)) == before)
        // Nothing left beside the stopped server's file either.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path).sorted() == ["copy.sqlite", "live.sqlite"])

        let copy = try TestRepositories(database: AppDatabase(path: summary.path))
        #expect(try await copy.businesses.get(slug: "two")?.name == "Business two")
    }

    @Test func refusesWhatIsNotAFrontDeskDatabaseAndWritesNothing() throws {
        let directory = try TemporaryDirectory()
        let destination = directory.path("copy.sqlite")
        #expect(throws: AppDatabase.BackupError.sourceMissing(path: directory.path("missing.sqlite"))) {
            try AppDatabase.backup(databaseAt: directory.path("missing.sqlite"), to: destination)
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path("missing.sqlite")))

        let text = directory.path("notes.txt")
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: text))
        let other = directory.path("other.sqlite")
        try DatabaseQueue(path: other).write { try $0.execute(sql: "CREATE TABLE t(x)") }
        for source in [text, other] {
            do {
                _ = try AppDatabase.backup(databaseAt: source, to: destination)
                Issue.record("\(source) was backed up")
            } catch let error as AppDatabase.BackupError {
                guard case .notAFrontDeskDatabase = error else { Issue.record("\(error)"); continue }
            }
        }
        #expect(!FileManager.default.fileExists(atPath: destination))
        #expect(try Self.leftovers(directory).isEmpty)
    }
}
