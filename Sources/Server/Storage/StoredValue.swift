import Foundation

/// A value as SQLite holds it (one of its five storage classes), carried from one storage backend to another by
/// `frontdesk migrate` without either backend's types. The receiving side converts it by its own column's type
/// (an integer 0/1 into a `boolean`, GRDB's date text into a `timestamptz` …) and refuses what does not fit.
public enum StoredValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
}

/// One table of a backend's schema, as `StorageMigration` compares the two sides.
public struct StoredTableSchema: Sendable, Equatable {
    public let name: String
    /// Column names, in the table's order.
    public let columns: [String]
    /// Tables this one's foreign keys reference (its rows must be copied after theirs).
    public let references: Set<String>

    public init(name: String, columns: [String], references: Set<String> = []) {
        self.name = name
        self.columns = columns
        self.references = references
    }
}
