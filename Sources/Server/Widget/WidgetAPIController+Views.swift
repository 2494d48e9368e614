import Foundation
import HTTPTypes
import Hummingbird

/// One message as the widget shows it: who said it, the text, and the knowledge it came from.
struct WidgetMessageView: Encodable {
    let id: Int64
    /// `visitor` or `receptionist`.
    let role: String
    let text: String
    let sources: [MessageSource]
    let createdAt: Date

    init(_ message: ConversationMessage) {
        id = message.id ?? 0
        role = message.direction == .inbound ? "visitor" : "receptionist"
        text = message.body
        sources = message.sources ?? []
        createdAt = message.createdAt
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}

/// 429 with `Retry-After` (whole seconds): a widget limit was reached.
struct WidgetLimitError: HTTPResponseError {
    let code: String
    let retryAfter: Int
    let message: String

    var status: HTTPResponse.Status { .tooManyRequests }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try AppError.render(status: status, code: code, message: message)
        response.headers[.retryAfter] = String(retryAfter)
        return response
    }
}
