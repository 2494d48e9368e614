/// The errors repositories throw, whatever the backend. The HTTP layer maps them once (conflict → 409,
/// notFound → 404, invalid → 400/422).
public enum RepositoryError: Error, Equatable, Sendable {
    /// The row (or a row it refers to) does not exist, or belongs to another business.
    case notFound
    /// A uniqueness rule was broken: the message names what is taken (a slug, a phone number, …).
    case conflict(String)
    /// The input breaks a validation rule: the message says which.
    case invalid(String)
}

/// The database cannot be reached (down, restarting, the network cut, out of connections): nothing was written.
/// The HTTP layer answers 503; voice webhooks answer the caller with an apology.
public struct StorageUnavailableError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
