import Foundation

/// What is needed to create a business; the repository assigns id, status (active) and timestamps.
public struct NewBusiness: Sendable, Equatable {
    public var slug: String
    public var name: String
    /// IANA time zone identifier.
    public var timeZone: String
    public var settings: ReceptionistSettings
    /// E.164 numbers the business answers; each may belong to one business only.
    public var numbers: [String]

    public init(
        slug: String, name: String, timeZone: String,
        settings: ReceptionistSettings = ReceptionistSettings(), numbers: [String] = []
    ) {
        self.slug = slug
        self.name = name
        self.timeZone = timeZone
        self.settings = settings
        self.numbers = numbers
    }
}

/// A partial update of a business: nil fields are left alone. `numbers`, when given, replaces the whole set.
public struct BusinessPatch: Sendable, Equatable {
    public var name: String?
    public var timeZone: String?
    public var status: BusinessStatus?
    public var numbers: [String]?
    public var settings: ReceptionistSettings?

    public init(
        name: String? = nil, timeZone: String? = nil, status: BusinessStatus? = nil,
        numbers: [String]? = nil, settings: ReceptionistSettings? = nil
    ) {
        self.name = name
        self.timeZone = timeZone
        self.status = status
        self.numbers = numbers
        self.settings = settings
    }
}

/// Storage of businesses and the phone numbers they answer.
///
/// Errors: `RepositoryError.invalid` for bad input, `.conflict` when a slug or number is taken, `.notFound`
/// when updating or deleting a business that does not exist.
public protocol BusinessRepository: Sendable {
    /// Creates a business and its numbers in one transaction: on any error nothing is written.
    func create(_ business: NewBusiness) async throws -> Business
    func get(id: String) async throws -> Business?
    func get(slug: String) async throws -> Business?
    /// The business that answers `number` (E.164), if any.
    func find(byNumber number: String) async throws -> Business?
    /// The numbers `businessId` answers, sorted.
    func numbers(ofBusiness businessId: String) async throws -> [String]
    /// Businesses in creation order, `limit` (clamped to 1...500) at a time; pass the returned cursor to continue.
    func list(limit: Int, cursor: String?) async throws -> Page<Business>
    /// Applies `patch` in one transaction and returns the stored business.
    func update(id: String, _ patch: BusinessPatch) async throws -> Business
    /// Deletes the business and, by cascade, its numbers, API keys and knowledge.
    func delete(id: String) async throws
    /// Each business's `kb_version` (raised by every knowledge write): of `ids`, or of every business when nil.
    /// Unknown ids are absent from the result.
    func knowledgeVersions(ids: [String]?) async throws -> [String: Int64]
}
