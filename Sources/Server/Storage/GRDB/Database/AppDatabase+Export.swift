import Foundation
import GRDB

extension AppDatabase {
    /// Why a database cannot be exported.
    public enum ExportError: Error, Equatable, CustomStringConvertible {
        case sourceMissing(path: String)
        case notAFrontDeskDatabase(path: String, reason: String)

        public var description: String {
            switch self {
            case let .sourceMissing(path): "no SQLite database at \(path)"
            case let .notAFrontDeskDatabase(path, reason): "\(path) is not a FrontDesk database: \(reason)"
            }
        }
    }

    /// Opens an existing FrontDesk database to copy it elsewhere (`frontdesk migrate`). Unlike `init(path:)` it
    /// refuses a missing file (which opening would create, empty) and an SQLite file that is not FrontDesk's (which
    /// migrating would add tables to); a FrontDesk database is then opened as usual, which migrates it to this
    /// build's schema, so what is exported always has the schema this build knows.
    public static func openExisting(path: String) throws -> AppDatabase {
        guard FileManager.default.fileExists(atPath: path) else { throw ExportError.sourceMissing(path: path) }
        do {
            // Not read-only: a read-only connection to a WAL database leaves its -wal and -shm files behind.
            let queue = try DatabaseQueue(path: path)
            defer { try? queue.close() }
            let hasMigrations = try queue.read { try $0.tableExists("grdb_migrations") }
            guard hasMigrations else {
                throw ExportError.notAFrontDeskDatabase(path: path, reason: "it has no migrations table")
            }
        } catch let error as ExportError {
            throw error
        } catch {
            throw ExportError.notAFrontDeskDatabase(path: path, reason: "\(error)")
        }
        return try AppDatabase(path: path)
    }

    /// A view of the whole database as it is now, unchanged by later writes (one read transaction held open until
    /// the snapshot is released), to read every table from.
    func exportSnapshot() throws -> ExportSnapshot {
        ExportSnapshot(snapshot: try dbPool.makeSnapshot())
    }

    /// Every table of one moment of the database, as neutral values (`StoredValue`), for `StorageMigration`.
    struct ExportSnapshot: Sendable {
        let snapshot: DatabaseSnapshot

        /// Tables that are SQLite's or GRDB's own bookkeeping, not FrontDesk data: never copied. (`sqlite_sequence`'s
        /// figures are read by `highestIds()`.)
        static func isInternal(_ table: String) -> Bool {
            table == "grdb_migrations" || table.hasPrefix("sqlite_")
        }

        /// Every FrontDesk table, its columns in order and the tables its foreign keys reference.
        func tables() async throws -> [StoredTableSchema] {
            try await snapshot.read { db in
                let names = try String.fetchAll(db, sql: """
                    SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name
                    """)
                return try names.filter { !Self.isInternal($0) }.map { name in
                    StoredTableSchema(
                        name: name,
                        columns: try db.columns(in: name).map(\.name),
                        references: Set(try db.foreignKeys(on: name).map(\.destinationTable)))
                }
            }
        }

        /// The number of rows of `table`.
        func rowCount(_ table: String) async throws -> Int {
            try await snapshot.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM \(Self.quoted(table))") ?? 0
            }
        }

        /// The highest id each AUTOINCREMENT table has ever handed out (`sqlite_sequence`), which may exceed the
        /// largest id left in it (rows deleted since, events pruned): ids are never reused, and a copy must not
        /// reuse them either.
        func highestIds() async throws -> [String: Int64] {
            try await snapshot.read { db in
                guard try db.tableExists("sqlite_sequence") else { return [:] }
                let rows = try Row.fetchAll(db, sql: "SELECT name, seq FROM sqlite_sequence")
                var highest: [String: Int64] = [:]
                for row in rows {
                    let name: String = row["name"]
                    highest[name] = max(highest[name] ?? 0, row["seq"] as Int64? ?? 0)
                }
                return highest
            }
        }

        /// Up to `limit` rows of `table` after the row whose rowid is `afterRowID`, in rowid order, each row the
        /// values of `columns` in that order; and the last row's rowid, to pass as `afterRowID` for the next batch
        /// (nil when there were no more rows).
        func rows(of table: String, columns: [String], afterRowID: Int64, limit: Int) async throws
            -> (rows: [[StoredValue]], lastRowID: Int64?) {
            let sql = "SELECT rowid, " + columns.map(Self.quoted).joined(separator: ", ")
                + " FROM \(Self.quoted(table)) WHERE rowid > ? ORDER BY rowid LIMIT ?"
            return try await snapshot.read { db in
                var rows: [[StoredValue]] = []
                rows.reserveCapacity(limit)
                var last: Int64?
                let cursor = try Row.fetchCursor(db, sql: sql, arguments: [afterRowID, limit])
                while let row = try cursor.next() {
                    last = row[0]
                    rows.append((1...columns.count).map { Self.value(row[$0] as DatabaseValue) })
                }
                return (rows, last)
            }
        }

        private static func value(_ value: DatabaseValue) -> StoredValue {
            switch value.storage {
            case .null: .null
            case .int64(let integer): .integer(integer)
            case .double(let real): .real(real)
            case .string(let text): .text(text)
            case .blob(let data): .blob(data)
            }
        }

        /// `name` as an SQL identifier (table and column names come from the schema, never from input).
        private static func quoted(_ name: String) -> String {
            "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }
}
