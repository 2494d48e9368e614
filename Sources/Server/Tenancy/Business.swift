import Foundation

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
