import Foundation
import HTTPTypes
import Hummingbird

/// `/widget/v1/{key}/…`: what the chat widget on a business's page calls, with the business's publishable key in the
/// path (so a CORS preflight, which carries no credentials, can be answered for that key's origins alone).
///
/// Every request, preflights included, must come from an origin on the key's list (`Origin`, compared exactly
/// after normalising); CORS headers echo that origin, and only an allowed one, with `Vary: Origin` on every answer.
/// Starting a conversation returns a visitor token (``VisitorToken``) that the other routes require as
/// `Authorization: Bearer …`; it is bound to the key, the visitor, the conversation and the origin.
struct WidgetAPIController {
    let service: WidgetService
    let widgets: any WidgetRepository
    let businesses: any BusinessRepository
    let clients: ClientAddressResolver
    let now: @Sendable () -> Date

    /// A message body's bytes past which it is refused before it is read (2,000 characters of 4-byte UTF-8, escaped).
    static let maxBodyBytes = 64 * 1024

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("conversations", use: start)
        group.get("conversations/:id", use: read)
        group.post("conversations/:id/messages", use: message)
        for path in ["conversations", "conversations/:id", "conversations/:id/messages"] {
            group.on(RouterPath(path), method: .options, use: preflight)
        }
    }

    /// What the key and origin checks established for one request.
    struct Grant: Sendable {
        var settings: WidgetSettings
        var business: Business
        /// The normalised origin.
        var origin: String
    }

    // MARK: Routes

    /// `POST …/conversations`: a new conversation with the receptionist's greeting and a visitor token (201).
    @Sendable func start(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await respond(request, context) { grant in
            let client = clients.client(peer: context.remoteAddress?.ipAddress,
                                        forwardedFor: request.headers[.xForwardedFor])
            let started = try await service.start(settings: grant.settings, business: grant.business, origin: grant.origin,
                                                  clientHash: ClientAddressResolver.hash(ClientAddressResolver.limitKey(client)))
            return try JSONResponse.make(StartedView(
                conversationId: started.conversation.conversationId, visitorId: started.conversation.visitorId,
                token: started.token, expiresAt: started.expiresAt, businessName: grant.business.name,
                state: started.conversation.machine.state.rawValue, ended: false,
                messages: started.messages.map(WidgetMessageView.init), limits: .current), status: .created)
        }
    }

    /// `GET …/conversations/{id}`: the conversation so far (a page reload resumes it).
    @Sendable func read(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await respond(request, context) { grant in
            let token = try authorize(request, context, grant)
            guard let (conversation, messages) = try await service.conversation(token: token, business: grant.business) else {
                throw AppError(.notFound, code: "not_found", message: "no such conversation")
            }
            return try JSONResponse.make(ConversationView(
                conversationId: conversation.conversationId, businessName: grant.business.name,
                state: conversation.machine.state.rawValue, ended: conversation.machine.state == .ended,
                messages: messages.map(WidgetMessageView.init)))
        }
    }

    /// `POST …/conversations/{id}/messages` `{"text": …}`: the visitor's message and the receptionist's reply.
    @Sendable func message(_ request: Request, context: AppRequestContext) async throws -> Response {
        let received = ContinuousClock.now
        return try await respond(request, context) { grant in
            let token = try authorize(request, context, grant)
            let body = try await request.collectBody(upTo: Self.maxBodyBytes)
            try JSONRequestDecoder.rejectUnknownFields(in: body, allowed: ["text"])
            let input = try JSONRequestDecoder.decode(MessageInput.self, from: body)
            let text = input.text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else {
                throw AppError(.unprocessableContent, code: "empty_message", message: "the message is empty",
                               details: [ErrorDetail(field: "text", message: "empty")])
            }
            guard text.count <= WidgetService.maxMessageCharacters else {
                throw AppError(.unprocessableContent, code: "message_too_long",
                               message: "a message may be at most \(WidgetService.maxMessageCharacters) characters; this one has \(text.count)",
                               details: [ErrorDetail(field: "text", message: "over \(WidgetService.maxMessageCharacters) characters")])
            }
            let (conversation, messages) = try await service.message(text, token: token, business: grant.business,
                                                                     received: received)
            return try JSONResponse.make(ConversationView(
                conversationId: conversation.conversationId, businessName: grant.business.name,
                state: conversation.machine.state.rawValue, ended: conversation.machine.state == .ended,
                messages: messages.map(WidgetMessageView.init)))
        }
    }

    /// `OPTIONS …`: a CORS preflight, answered 204 with the allowed methods and headers for an allowed origin.
    @Sendable func preflight(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await respond(request, context) { _ in Response(status: .noContent) }
    }

    // MARK: Checks

    /// Checks the origin and the key, runs `body`, and renders whatever it throws as JSON; the answer carries CORS
    /// headers only when the origin was allowed, and `Vary: Origin` always.
    private func respond(_ request: Request, _ context: AppRequestContext,
                         _ body: (Grant) async throws -> Response) async throws -> Response {
        var allowed: String?
        var response = try await JSONErrorMiddleware<AppRequestContext>().handle(request, context: context) { request, context in
            let grant = try await grant(request, context)
            allowed = request.headers[.origin]
            return try await body(grant)
        }
        response.headers[.vary] = "Origin"
        if let allowed {
            response.headers[.accessControlAllowOrigin] = allowed
            response.headers[.accessControlExposeHeaders] = "Retry-After"
            if request.method == .options {
                response.headers[.accessControlAllowMethods] = "GET, POST"
                response.headers[.accessControlAllowHeaders] = "Authorization, Content-Type"
                response.headers[.accessControlMaxAge] = "600"
            }
        }
        return response
    }

    /// The key in the path must be an active publishable key of an active business, and `Origin` one of its origins.
    private func grant(_ request: Request, _ context: AppRequestContext) async throws -> Grant {
        guard let header = request.headers[.origin] else {
            throw AppError(.forbidden, code: "origin_required",
                           message: "widget requests must come from a web page (no Origin header)")
        }
        let key = try context.parameters.require("key")
        guard WidgetKey.looksLikeKey(key), let settings = try await widgets.access(publishableKey: key),
              let business = try await businesses.get(id: settings.key.businessId) else {
            throw AppError(.unauthorized, code: "invalid_key", message: "not an active publishable key (pk_…)")
        }
        guard business.status == .active else {
            throw AppError(.forbidden, code: "business_suspended", message: "this business is suspended")
        }
        guard let origin = try? WidgetOrigin.normalized(header), settings.allowedOrigins.contains(origin) else {
            throw AppError(.forbidden, code: "origin_not_allowed",
                           message: "\(header.prefix(100)) is not an allowed origin of this widget key")
        }
        return Grant(settings: settings, business: business, origin: origin)
    }

    /// The visitor token of `Authorization: Bearer …`, checked against the key, the clock, the origin and the
    /// conversation in the path.
    private func authorize(_ request: Request, _ context: AppRequestContext, _ grant: Grant) throws -> VisitorToken {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "), header.count > 7 else {
            throw AppError(.unauthorized, code: "missing_token", message: "send the visitor token as Authorization: Bearer <token>")
        }
        let raw = String(header.dropFirst(7))
        guard let token = VisitorToken.unverified(raw), token.keyId == grant.settings.key.id,
              token.businessId == grant.business.id,
              VisitorToken.hasValidSignature(raw, secret: grant.settings.key.tokenSecret) else {
            throw AppError(.unauthorized, code: "invalid_token",
                           message: "not a visitor token of this widget key (it may have been rotated); start a new conversation")
        }
        guard token.expiresAt > now() else {
            throw AppError(.unauthorized, code: "token_expired", message: "the visitor token has expired; start a new conversation")
        }
        guard token.origin == grant.origin else {
            throw AppError(.forbidden, code: "origin_mismatch", message: "the visitor token was issued to another origin")
        }
        guard try context.parameters.require("id").lowercased() == token.conversationId else {
            throw AppError(.notFound, code: "not_found", message: "no such conversation")
        }
        return token
    }

    // MARK: Bodies

    struct MessageInput: Decodable { let text: String }

    struct Limits: Encodable {
        let maxMessageCharacters: Int
        let messagesPerMinute: Int
        static let current = Limits(maxMessageCharacters: WidgetService.maxMessageCharacters,
                                    messagesPerMinute: WidgetService.messageLimit.limit)
    }

    struct StartedView: Encodable {
        let conversationId: String
        let visitorId: String
        let token: String
        let expiresAt: Date
        let businessName: String
        let state: String
        let ended: Bool
        let messages: [WidgetMessageView]
        let limits: Limits
    }

    struct ConversationView: Encodable {
        let conversationId: String
        let businessName: String
        let state: String
        let ended: Bool
        let messages: [WidgetMessageView]
    }
}
