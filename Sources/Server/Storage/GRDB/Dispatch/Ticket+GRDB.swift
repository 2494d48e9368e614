import GRDB
import Maintenance

// Rows of `tickets` and `vendors`. A vendor's trades, service areas and working hours are stored as JSON text.

extension Ticket: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "tickets"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
}

extension Vendor: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "vendors"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
}
