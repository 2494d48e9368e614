import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL side of `frontdesk migrate` (`StorageMigration`): the target's schema, and one transaction that
/// locks the FrontDesk tables, checks they are empty, and fills them with `COPY`.
struct PostgresImport: Sendable {
    let database: PGDatabase

    /// Tables only PostgreSQL has (its migrations' record): neither compared with SQLite's nor copied. (`leases` is
    /// on both since SQLite's v5: it is copied like any table; a copied lease simply runs out.)
    static let postgresOnlyTables: Set<String> = ["schema_migrations"]
    /// Not FrontDesk data: filled by `PGDatabase.open` before any migration runs.
    static let bookkeepingTables: Set<String> = ["schema_migrations"]

    /// The column types a copy knows how to fill from SQLite's values (`information_schema.columns.data_type`).
    enum ColumnType: String, Sendable {
        case text
        case boolean
        case timestamptz = "timestamp with time zone"
        case bytea
        case bigint
        case integer
        case doublePrecision = "double precision"
    }

    /// One table of the target schema.
    struct Table: Sendable {
        var name: String
        var columns: [(name: String, type: ColumnType)]
        var references: Set<String>
        /// The column filled by an identity sequence, if any.
        var identity: String?
    }

    /// The target's FrontDesk tables that have an SQLite counterpart: columns in order, referenced tables.
    /// - Throws: `StorageMigration.Failure.schemaMismatch` for a column type the copy cannot fill.
    func tables() async throws -> [StoredTableSchema] {
        try await schema().filter { !Self.postgresOnlyTables.contains($0.name) }.map {
            StoredTableSchema(name: $0.name, columns: $0.columns.map(\.name), references: $0.references)
        }
    }

    /// Every table of the current schema (PostgreSQL-only ones too).
    func schema() async throws -> [Table] {
        let logger = database.logger
        let (columns, keys) = try await Self.translatingErrors(table: nil) {
            try await database.read { connection in
                let columns = try await connection.query("""
                    SELECT c.table_name::text, c.column_name::text, c.data_type::text, c.is_identity::text
                    FROM information_schema.columns c
                    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                    WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
                    ORDER BY c.table_name, c.ordinal_position
                    """, logger: logger).all((String, String, String, String).self)
                let keys = try await connection.query("""
                    SELECT child.relname::text, parent.relname::text
                    FROM pg_constraint k
                    JOIN pg_class child ON child.oid = k.conrelid
                    JOIN pg_class parent ON parent.oid = k.confrelid
                    JOIN pg_namespace n ON n.oid = k.connamespace
                    WHERE k.contype = 'f' AND n.nspname = current_schema()
                    """, logger: logger).all((String, String).self)
                return (columns, keys)
            }
        }
        var tables: [String: Table] = [:]
        var problems: [String] = []
        for (table, column, dataType, isIdentity) in columns {
            guard let type = ColumnType(rawValue: dataType) else {
                if !Self.postgresOnlyTables.contains(table) {
                    problems.append("column \(table).\(column) has the PostgreSQL type \(dataType), which migrate cannot fill")
                }
                continue
            }
            tables[table, default: Table(name: table, columns: [], references: [])].columns.append((column, type))
            if isIdentity == "YES" { tables[table]?.identity = column }
        }
        guard problems.isEmpty else { throw StorageMigration.Failure.schemaMismatch(problems) }
        for (child, parent) in keys { tables[child]?.references.insert(parent) }
        return tables.values.sorted { $0.name < $1.name }
    }

    /// Runs `body` in one transaction on the target, after locking every FrontDesk table against other writers
    /// and checking that all of them are empty; commits when `body` returns, rolls everything back when it throws.
    /// - Throws: `StorageMigration.Failure.targetNotEmpty` (nothing written), or what `body` throws.
    func importing<T: Sendable>(_ body: (Session) async throws -> T) async throws -> T {
        let schema = try await schema()
        let guarded = schema.map(\.name).filter { !Self.bookkeepingTables.contains($0) }
        let logger = database.logger
        return try await Self.translatingErrors(table: nil) {
            try await database.write { connection in
                // A node (or another migrate) holding these tables makes this wait, not hang forever.
                try await connection.query("SET LOCAL lock_timeout = '30s'", logger: logger)
                try await connection.query(PostgresQuery(unsafeSQL: "LOCK TABLE "
                    + guarded.map(Self.quoted).joined(separator: ", ") + " IN EXCLUSIVE MODE"), logger: logger)
                let counts = try await Self.rowCounts(connection, guarded, logger: logger)
                let occupied = guarded.compactMap { table in
                    counts[table].flatMap { $0 > 0 ? StorageMigration.TableRows(table: table, rows: $0) : nil }
                }
                guard occupied.isEmpty else { throw StorageMigration.Failure.targetNotEmpty(occupied) }
                return try await body(Session(
                    connection: connection, logger: logger,
                    tables: Dictionary(schema.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })))
            }
        }
    }

    /// Row counts of `tables`, committed data.
    func rowCounts(_ tables: [String]) async throws -> [String: Int] {
        let logger = database.logger
        return try await Self.translatingErrors(table: nil) {
            try await database.read { try await Self.rowCounts($0, tables, logger: logger) }
        }
    }

    /// The open import transaction.
    struct Session {
        let connection: PostgresConnection
        let logger: Logger
        let tables: [String: Table]

        /// Copies rows into `table` with one `COPY … FROM STDIN`, pulling batches from `nextBatch` until it returns
        /// nil; each row holds the values of `columns` in that order. Returns the number of rows sent.
        func copy(table name: String, columns: [String],
                  nextBatch: () async throws -> [[StoredValue]]?) async throws -> Int {
            guard let table = tables[name] else {
                throw StorageMigration.Failure.schemaMismatch(["table \(name) is not in the PostgreSQL schema"])
            }
            let types = Dictionary(table.columns.map { ($0.name, $0.type) }, uniquingKeysWith: { first, _ in first })
            let encoder = try PostgresCopyText(table: name, columns: columns.map { column in
                guard let type = types[column] else {
                    throw StorageMigration.Failure.schemaMismatch(["column \(name).\(column) is not in the PostgreSQL schema"])
                }
                return (column, type)
            })
            var rows = 0
            try await PostgresImport.translatingErrors(table: name) {
                try await connection.copyFrom(table: name, columns: columns, logger: logger) { writer in
                    while let batch = try await nextBatch() {
                        guard !batch.isEmpty else { continue }
                        try await writer.write(try encoder.encode(batch))
                        rows += batch.count
                    }
                }
            }
            return rows
        }

        /// Moves every identity sequence past the highest id its table holds or ever held (`highestIds`: SQLite's
        /// `sqlite_sequence`, whose AUTOINCREMENT ids are never reused even after deletes), so that new rows never
        /// take a copied id, nor one a deleted or pruned row had (an event consumer's checkpoint may point past
        /// the last event left). Returns the id each such table hands out next.
        func advanceSequences(pastHighestIds highestIds: [String: Int64]) async throws -> [String: Int64] {
            var next: [String: Int64] = [:]
            for table in tables.values.sorted(by: { $0.name < $1.name }) {
                guard let column = table.identity else { continue }
                let highest: Int64 = try await PostgresImport.translatingErrors(table: table.name) {
                    let rows = try await connection.query(PostgresQuery(unsafeSQL:
                        "SELECT coalesce(max(\(PostgresImport.quoted(column))), 0)::bigint FROM \(PostgresImport.quoted(table.name))"),
                        logger: logger).all(Int64.self)
                    let value = max(rows.first ?? 0, highestIds[table.name] ?? 0)
                    guard value > 0 else { return 0 }
                    let sequenceTable = PostgresImport.quoted(table.name)
                    try await connection.query(
                        "SELECT setval(pg_get_serial_sequence(\(sequenceTable), \(column)), \(value), true)",
                        logger: logger)
                    return value
                }
                next[table.name] = highest + 1
            }
            return next
        }

        /// Row counts of `tables` as this transaction sees them.
        func rowCounts(_ tables: [String]) async throws -> [String: Int] {
            try await PostgresImport.translatingErrors(table: nil) {
                try await PostgresImport.rowCounts(connection, tables, logger: logger)
            }
        }
    }

    private static func rowCounts(_ connection: PostgresConnection, _ tables: [String],
                                  logger: Logger) async throws -> [String: Int] {
        guard !tables.isEmpty else { return [:] }
        let sql = tables.map { "SELECT \(quotedLiteral($0)), count(*) FROM \(quoted($0))" }.joined(separator: " UNION ALL ")
        let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).all((String, Int64).self)
        return Dictionary(rows.map { ($0.0, Int($0.1)) }, uniquingKeysWith: { first, _ in first })
    }

    /// `name` as an SQL identifier (names come from the catalog, never from input).
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func quotedLiteral(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// Runs `body`, turning PostgreSQL's errors into `StorageMigration.Failure.rejected` with the server's message
    /// and where it happened (a COPY's line and column), never a row's values (a token, a key hash) that its detail
    /// and context may quote.
    static func translatingErrors<T>(table: String?, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PSQLError {
            throw StorageMigration.Failure.rejected(table: table, message: describe(error))
        }
    }

    static func describe(_ error: PSQLError) -> String {
        guard let info = error.serverInfo, let message = info[.message] else {
            return "\(error.code) (is the server running and the URL right?)"
        }
        var parts = [message]
        if let constraint = info[.constraintName] { parts.append("constraint \(constraint)") }
        // "COPY calls, line 3, column machine: \"…\"": keep what precedes the quoted value.
        if let context = info[.locationContext]?.split(separator: "\n").first {
            parts.append(String(context.split(separator: ":", maxSplits: 1).first ?? context))
        }
        return parts.joined(separator: "; ")
    }
}
