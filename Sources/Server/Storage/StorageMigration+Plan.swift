import Foundation

extension StorageMigration {
    /// Why a migration stopped. In every case nothing was written to the target (it is one transaction).
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The two schemas differ (a table or column one side has and the other lacks, a column type the copy does
        /// not know): every difference, one per line. Copying would drop data or fail half-way, so nothing is copied.
        case schemaMismatch([String])
        /// The target already holds FrontDesk rows: (table, rows) of each such table.
        case targetNotEmpty([TableRows])
        /// A source value that the target's column cannot hold, e.g. a date column holding text that is no date.
        case unconvertible(table: String, column: String, row: String, problem: String)
        /// PostgreSQL refused something; its message (never a row's values).
        case rejected(table: String?, message: String)
        /// After the copy a table's row count differs between the two sides.
        case countMismatch([TableCount])

        public var description: String {
            switch self {
            case .schemaMismatch(let problems):
                return "the SQLite and PostgreSQL schemas differ, nothing was copied (is this frontdesk build older "
                    + "than the database?):\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
            case .targetNotEmpty(let tables):
                let named = tables.prefix(4).map { "\($0.table): \($0.rows) row\($0.rows == 1 ? "" : "s")" }
                let more = tables.count > 4 ? ", and \(tables.count - 4) more tables" : ""
                return "the PostgreSQL database is not empty (" + named.joined(separator: ", ") + more
                    + "); migrate only copies into an empty database, nothing was written"
            case let .unconvertible(table, column, row, problem):
                return "cannot copy \(table).\(column) of the row \(row): \(problem); nothing was written"
            case let .rejected(table, message):
                return "PostgreSQL refused " + (table.map { "the rows of \($0)" } ?? "the copy")
                    + ": \(message); nothing was written"
            case .countMismatch(let counts):
                return "row counts differ after the copy, nothing was written: " + counts
                    .filter { $0.source != $0.target }
                    .map { "\($0.table) sqlite \($0.source) postgresql \($0.target)" }.joined(separator: ", ")
            }
        }
    }

    /// A table's row count on one side.
    public struct TableRows: Sendable, Equatable {
        public let table: String
        public let rows: Int
    }

    /// Checks that the two schemas have the same tables with the same columns and returns the tables to copy, each
    /// after every table it references (so foreign keys hold row by row), ties in name order, with the target's
    /// column order. Each side has already left out its own bookkeeping tables.
    /// - Throws: `Failure.schemaMismatch` listing every difference.
    static func plan(source: [StoredTableSchema], target: [StoredTableSchema]) throws -> [StoredTableSchema] {
        let sourceTables = Dictionary(source.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let targetTables = Dictionary(target.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var problems: [String] = []
        for table in source.sorted(by: { $0.name < $1.name }) {
            guard let other = targetTables[table.name] else {
                problems.append("table \(table.name) is in the SQLite database but not in the PostgreSQL schema")
                continue
            }
            for column in table.columns where !other.columns.contains(column) {
                problems.append("column \(table.name).\(column) is in the SQLite database but not in the PostgreSQL schema")
            }
            for column in other.columns where !table.columns.contains(column) {
                problems.append("column \(table.name).\(column) is in the PostgreSQL schema but not in the SQLite database")
            }
        }
        for table in target.sorted(by: { $0.name < $1.name }) where sourceTables[table.name] == nil {
            problems.append("table \(table.name) is in the PostgreSQL schema but not in the SQLite database")
        }
        guard problems.isEmpty else { throw Failure.schemaMismatch(problems) }

        // Kahn's algorithm: repeatedly take the first (by name) table whose referenced tables are all placed.
        var remaining = target.sorted { $0.name < $1.name }
        var placed: Set<String> = []
        var order: [StoredTableSchema] = []
        while !remaining.isEmpty {
            guard let next = remaining.firstIndex(where: { table in
                table.references.allSatisfy { $0 == table.name || placed.contains($0) || targetTables[$0] == nil }
            }) else {
                throw Failure.schemaMismatch(["the foreign keys of "
                    + remaining.map(\.name).joined(separator: ", ") + " form a cycle; no copy order satisfies them"])
            }
            let table = remaining.remove(at: next)
            placed.insert(table.name)
            order.append(table)
        }
        return order
    }
}
