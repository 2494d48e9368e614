import GRDB

extension APIKey: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "api_keys"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
}
