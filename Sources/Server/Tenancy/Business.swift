import Foundation
import GRDB

/// A tenant: one business whose calls FrontDesk answers. Row of `businesses`.
public struct Business: Codable, Sendable, Equatable, Identifiable {
    /// Lower-case UUID.
    public var id: String
    /// URL-safe unique handle, `^[a-z0-9-]{2,63}$`.
    public var slug: String
    public var name: String
    /// IANA time zone identifier (e.g. "America/Chicago") used for business hours.
    public var timeZone: String
    public var status: BusinessStatus
    public var settings: ReceptionistSettings
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, slug: String, name: String, timeZone: String, status: BusinessStatus,
        settings: ReceptionistSettings, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.slug = slug
        self.name = name
        self.timeZone = timeZone
        self.status = status
        self.settings = settings
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

extension Business {
    /// The business's time zone (validated on write; UTC if somehow unknown).
    var zone: TimeZone { TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")! }
}

/// Whether a business is served. A suspended business still authenticates (so the HTTP layer can say
/// "suspended", 403, rather than "unknown key", 401) but gets no service.
public enum BusinessStatus: String, Codable, Sendable, CaseIterable {
    case active = "ACTIVE"
    case suspended = "SUSPENDED"
}

extension Business: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "businesses"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    // `settings` is a nested Codable value, which GRDB stores as JSON text.
}

/// A phone number a business answers. Row of `business_numbers`; the number is the primary key, so it
/// belongs to at most one business.
public struct BusinessNumber: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "business_numbers"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    /// E.164.
    public var number: String
    public var businessId: String

    public init(number: String, businessId: String) {
        self.number = number
        self.businessId = businessId
    }
}
