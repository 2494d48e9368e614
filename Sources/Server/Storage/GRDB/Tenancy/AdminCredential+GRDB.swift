import GRDB

extension AdminCredential: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "admin_credentials"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
}
