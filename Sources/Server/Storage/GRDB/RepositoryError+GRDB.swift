import GRDB

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
