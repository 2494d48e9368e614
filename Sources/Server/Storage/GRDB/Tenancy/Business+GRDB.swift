import GRDB

extension Business: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "businesses"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    // `settings` is a nested Codable value, which GRDB stores as JSON text.
}

/// A phone number a business answers. Row of `business_numbers`; the number is the primary key, so it
/// belongs to at most one business. (A storage detail: `BusinessRepository` speaks of numbers as strings.)
struct BusinessNumber: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "business_numbers"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    /// E.164.
    var number: String
    var businessId: String
}
