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

extension RepositoryError {
    /// For a request body: `.invalid` becomes a 422 `invalid_field` whose message and `details[0].field` name the
    /// field in the API's snake_case, e.g. "settings.transfer_number must be E.164". Validation messages start
    /// with the Swift property path (`transferNumber must…`, `businessHours.monday must…`); that leading token
    /// is what gets renamed. Other cases map as `httpError`.
    ///
    /// - Parameter prefix: where the validated value sits in the body, e.g. "settings." (empty at top level).
    func fieldError(prefix: String = "") -> AppError {
        guard case let .invalid(message) = self else { return httpError }
        let token = message.prefix { $0 != " " }
        guard !token.isEmpty, token.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." }) else {
            return AppError(.unprocessableContent, code: "invalid_field", message: message)
        }
        // A business's numbers are validated one by one ("number \"x\" must be E.164"); the field is `numbers`.
        let field = prefix + (token == "number" ? "numbers" : JSONRequestDecoder.snakeCased(token))
        let rest = message.dropFirst(token.count)
        let text = field + String(rest)
        return AppError(.unprocessableContent, code: "invalid_field", message: text,
                        details: [ErrorDetail(field: field, message: text)])
    }
}

/// Runs `operation`, turning a `RepositoryError.invalid` it throws into a 422 naming the field (`fieldError`).
func validatingFields<T>(prefix: String = "", _ operation: () async throws -> T) async throws -> T {
    do {
        return try await operation()
    } catch let error as RepositoryError {
        throw error.fieldError(prefix: prefix)
    }
}
