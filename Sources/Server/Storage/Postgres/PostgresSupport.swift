import Foundation
import PostgresNIO

extension PageCursor {
    /// The cursor after the row with sort key `date` and `id`, for PostgreSQL: the key as whole microseconds since
    /// 1970 (the precision `timestamptz` keeps), so the keyset comparison is exact. Compare with
    /// ``PageCursor/postgresMicroseconds()`` through `PGDatabase.microsecondsSQL`.
    init(postgresAfter date: Date, id: String) {
        self.init(createdAt: String(Self.microseconds(date)), id: id)
    }

    /// The sort key of a cursor made by `init(postgresAfter:id:)`; `.invalid` for another backend's cursor.
    func postgresMicroseconds() throws -> Int64 {
        guard let value = Int64(createdAt) else { throw RepositoryError.invalid("malformed cursor") }
        return value
    }

    /// Microseconds since 1970, rounded as PostgreSQL stores a `timestamptz`.
    static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }
}

extension PGDatabase {
    /// SQL of a `timestamptz` column's whole microseconds since 1970, to compare with a cursor's key, e.g.
    /// `"(\(microsecondsSQL("created_at")), id) > (\(cursorKey), \(cursorId))"`.
    static func microsecondsSQL(_ column: String) -> String {
        "(EXTRACT(EPOCH FROM \(column)) * 1000000)::bigint"
    }
}

extension PostgresRowSequence {
    /// Every row's one column, collected.
    func all<T: PostgresDecodable & Sendable>(_ type: T.Type) async throws -> [T] {
        var values: [T] = []
        for try await value in self.decode(T.self) { values.append(value) }
        return values
    }

    /// Every row, decoded as a tuple of columns, collected.
    func all<each Column: PostgresDecodable & Sendable>(_ type: (repeat each Column).Type) async throws -> [(repeat each Column)] {
        var values: [(repeat each Column)] = []
        for try await row in self { values.append(try row.decode(type)) }
        return values
    }

    /// Every row, collected (decode columns by name with `row.makeRandomAccess()["column"]`).
    func rows() async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        for try await row in self { rows.append(row) }
        return rows
    }
}

/// A statement assembled from parts (multi-row `VALUES`, optional clauses): numbered placeholders and their binds.
/// Each placeholder carries a cast, because rows of a multi-row `VALUES` get no type from a target column and a NULL
/// needs one.
struct PostgresStatement {
    private(set) var binds = PostgresBindings()

    /// Binds `value` and returns its placeholder, `$N::type`.
    mutating func bind<Value: PostgresEncodable>(_ value: Value?, _ type: String) throws -> String {
        try binds.append(value)
        return "$\(binds.count)::\(type)"
    }

    func query(_ sql: String) -> PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: binds) }
}
