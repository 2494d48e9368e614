import GRDB

/// The errors repositories throw. The HTTP layer maps them once (conflict → 409, notFound → 404,
/// invalid → 400/422).
public enum RepositoryError: Error, Equatable, Sendable {
    /// The row (or a row it refers to) does not exist, or belongs to another business.
    case notFound
    /// A uniqueness rule was broken: the message names what is taken (a slug, a phone number, …).
    case conflict(String)
    /// The input breaks a validation rule: the message says which.
    case invalid(String)
}

extension RepositoryError {
    /// The repository error for a constraint violation SQLite reported, or nil for any other database error.
    /// Repositories check the common cases first (with precise messages); this is the backstop for the rest.
    init?(_ error: DatabaseError) {
        switch error.extendedResultCode {
        case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY:
            self = .conflict(error.message ?? "already exists")
        case .SQLITE_CONSTRAINT_FOREIGNKEY:
            self = .notFound
        case .SQLITE_CONSTRAINT_CHECK, .SQLITE_CONSTRAINT_NOTNULL:
            self = .invalid(error.message ?? "constraint failed")
        default:
            return nil
        }
    }
}

/// Runs a database operation, turning SQLite constraint violations into `RepositoryError`s.
func translatingConstraintErrors<T>(_ operation: () async throws -> T) async throws -> T {
    do {
        return try await operation()
    } catch let error as DatabaseError {
        throw RepositoryError(error) ?? error
    }
}
