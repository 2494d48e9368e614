import Foundation
import Hummingbird

/// The one error type the HTTP boundary speaks: a status, a stable machine-readable code and a message,
/// rendered as `{"error": {"code": ..., "message": ...}}`.
public struct AppError: HTTPResponseError, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// Per-item problems (e.g. the rows of a rejected import), rendered as `error.details`.
    public let details: [ErrorDetail]?

    public init(_ status: HTTPResponse.Status, code: String, message: String, details: [ErrorDetail]? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try Self.render(status: status, code: code, message: message, details: details)
    }

    static func render(status: HTTPResponse.Status, code: String, message: String, details: [ErrorDetail]? = nil) throws -> Response {
        struct Body: Encodable {
            struct Inner: Encodable { let code: String; let message: String; let details: [ErrorDetail]? }
            let error: Inner
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(Body(error: .init(code: code, message: message, details: details)))
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}

/// One problem inside a request: which row (1-based, where the input has rows), which field, what is wrong.
public struct ErrorDetail: Codable, Sendable, Equatable {
    public let row: Int?
    public let field: String?
    public let message: String

    public init(row: Int? = nil, field: String? = nil, message: String) {
        self.row = row
        self.field = field
        self.message = message
    }
}

/// Turns every error that escapes a route into the JSON error shape: `AppError` as is, Hummingbird's own
/// `HTTPError` (unknown route, bad method, body too large) with a code derived from its status, anything
/// else as a logged 500 that reveals nothing.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return try Self.response(for: error, request: request, context: context)
        }
    }

    /// The JSON error response for `error`.
    static func response(for error: any Error, request: Request, context: Context) throws -> Response {
        if let appError = appError(for: error, request: request, context: context) {
            return try appError.response(from: request, context: context)
        }
        // Errors that render their own JSON body (a ticket's illegal transition: the rule and both states).
        guard let rendersItself = error as? any HTTPResponseError else {
            return try AppError.render(status: .internalServerError, code: "internal", message: "internal server error")
        }
        return try rendersItself.response(from: request, context: context)
    }

    /// `error` as the API's one error type (logging what the client is not told), or nil for an `HTTPResponseError`
    /// that renders its own body. The web panel renders the same errors as HTML pages (`PanelResponseMiddleware`).
    static func appError(for error: any Error, request: Request, context: Context) -> AppError? {
        switch error {
        case let error as AppError:
            return error
        case let error as RepositoryError:
            return error.httpError
        case let error as StorageUnavailableError:
            context.logger.error("database unavailable", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return AppError(.serviceUnavailable, code: "database_unavailable", message: "the database is not available; try again shortly")
        case let error as HTTPError:
            let code = switch error.status {
            case .notFound: "not_found"
            case .methodNotAllowed: "method_not_allowed"
            case .contentTooLarge: "body_too_large"
            case .badRequest: "bad_request"
            case .unauthorized: "unauthorized"
            case .forbidden: "forbidden"
            default: "http_\(error.status.code)"
            }
            return AppError(error.status, code: code, message: error.body ?? error.status.reasonPhrase)
        case is any HTTPResponseError:
            return nil
        default:
            context.logger.error("unhandled error", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return AppError(.internalServerError, code: "internal", message: "internal server error")
        }
    }
}
