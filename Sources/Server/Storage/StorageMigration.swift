import Foundation

/// Copies a whole FrontDesk database from SQLite into an empty PostgreSQL database and verifies the copy
/// (`frontdesk migrate`): every tenant, their knowledge, calls, customers, events, queued work, each row with its id.
///
/// 1. The SQLite side is read from one snapshot (a single read transaction), so a server still writing to the file
///    does not change what is copied.
/// 2. The two schemas are compared table by table and column by column (`plan`): a table or column that only one
///    side has stops the migration before anything is written, so a future migration can never be silently dropped.
/// 3. Everything is written in ONE PostgreSQL transaction: every FrontDesk table is locked and must be empty; the
///    tables are copied in foreign-key order (COPY, streamed in batches, ids kept, values converted by the target
///    column's type); every identity sequence is moved past the highest id ever used; the row counts of both sides
///    are compared. Any failure, or any count that differs, rolls it all back.
/// 4. The committed tables are counted again for the report.
///
/// Reads the SQLite side through `AppDatabase.ExportSnapshot` and writes through `PostgresImport`; this type knows
/// neither database's API.
public struct StorageMigration: Sendable {
    /// A table's row count on both sides.
    public struct TableCount: Sendable, Equatable {
        public let table: String
        public let source: Int
        public let target: Int
    }

    /// What a migration copied.
    public struct Report: Sendable {
        /// Every copied table, in copy (foreign-key) order, counted on both sides after the commit.
        public let counts: [TableCount]
        /// The id the next insert into each table with an identity column will get.
        public let nextIds: [String: Int64]
        public let duration: Duration

        /// Every table has the same number of rows on both sides.
        public var isVerified: Bool { counts.allSatisfy { $0.source == $0.target } }
        /// Rows copied, all tables together.
        public var rows: Int { counts.reduce(0) { $0 + $1.target } }
    }

    /// Copies `source` into `target` (see the type's description) and returns the verified counts.
    /// - Parameters:
    ///   - source: the SQLite database (`AppDatabase.openExisting(path:)`).
    ///   - target: the PostgreSQL database, opened (and so migrated) with `PGDatabase.open`; its FrontDesk tables
    ///     must be empty.
    ///   - batchRows: rows read from SQLite and sent to PostgreSQL at a time.
    ///   - progress: called after each table is copied, with its row count.
    /// - Throws: `StorageMigration.Failure`; nothing is written to the target when it throws.
    public static func run(from source: AppDatabase, to target: PGDatabase, batchRows: Int = 2_000,
                           progress: @Sendable (TableRows) -> Void = { _ in }) async throws -> Report {
        precondition(batchRows > 0)
        let clock = ContinuousClock()
        let started = clock.now
        let snapshot = try source.exportSnapshot()
        let importer = PostgresImport(database: target)
        let tables = try plan(source: try await snapshot.tables(), target: try await importer.tables())
        var sourceCounts: [String: Int] = [:]
        for table in tables {
            sourceCounts[table.name] = try await snapshot.rowCount(table.name)
        }
        let highestIds = try await snapshot.highestIds()

        let nextIds = try await importer.importing { session in
            for table in tables {
                var afterRowID = Int64.min
                let copied = try await session.copy(table: table.name, columns: table.columns) {
                    let batch = try await snapshot.rows(of: table.name, columns: table.columns,
                                                        afterRowID: afterRowID, limit: batchRows)
                    guard let last = batch.lastRowID else { return nil }
                    afterRowID = last
                    return batch.rows
                }
                progress(TableRows(table: table.name, rows: copied))
            }
            let nextIds = try await session.advanceSequences(pastHighestIds: highestIds)
            let copied = try await session.rowCounts(tables.map(\.name))
            let counts = tables.map {
                TableCount(table: $0.name, source: sourceCounts[$0.name] ?? 0, target: copied[$0.name] ?? 0)
            }
            if counts.contains(where: { $0.source != $0.target }) { throw Failure.countMismatch(counts) }
            return nextIds
        }

        let committed = try await importer.rowCounts(tables.map(\.name))
        return Report(
            counts: tables.map {
                TableCount(table: $0.name, source: sourceCounts[$0.name] ?? 0, target: committed[$0.name] ?? 0)
            },
            nextIds: nextIds, duration: clock.now - started)
    }
}
