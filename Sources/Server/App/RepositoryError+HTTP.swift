import Hummingbird

extension RepositoryError {
    /// The one mapping of storage errors to HTTP: not found → 404, conflict → 409, invalid → 422.
    var httpError: AppError {
        switch self {
        case .notFound: AppError(.notFound, code: "not_found", message: "no such resource")
        case let .conflict(message): AppError(.conflict, code: "conflict", message: message)
        case let .invalid(message): AppError(.unprocessableContent, code: "invalid", message: message)
        }
    }
}
