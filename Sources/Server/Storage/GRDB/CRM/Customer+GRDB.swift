import GRDB

extension Customer: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "customers"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
}
