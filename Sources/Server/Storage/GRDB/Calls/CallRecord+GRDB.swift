import GRDB

// The call records' rows. Nested Codable values (`machine`, `citations`) are stored as JSON text.

extension CallRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "calls"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
}

extension CallTurn: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "call_turns"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Lead: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "leads"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
}

extension OwnerAlertRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "owner_alerts"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
