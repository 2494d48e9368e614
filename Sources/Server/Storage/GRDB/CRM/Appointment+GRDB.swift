import GRDB

extension Appointment: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "appointments"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
}
