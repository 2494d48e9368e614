import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Server

/// What a widget route answered: status, the headers a browser's CORS check reads, and the JSON body.
struct WidgetReply {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: [String: Any]

    var allowOrigin: String? { headers[.accessControlAllowOrigin] }
    var vary: String? { headers[.vary] }
    var errorCode: String? { body.errorCode }
    var messages: [[String: Any]] { body["messages"] as? [[String: Any]] ?? [] }
    /// The receptionist's lines of this answer, joined.
    var reply: String {
        messages.filter { $0["role"] as? String == "receptionist" }.compactMap { $0["text"] as? String }.joined(separator: " ")
    }
    /// The titles of what the receptionist's lines cited.
    var sourceTitles: [String] {
        messages.flatMap { ($0["sources"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String } }
    }
}

/// Speaks to `/widget/v1/{key}/…` as the widget on a page of `origin` does.
struct WidgetVisitor {
    var key: String
    var origin: String?
    var token: String?
    var conversationId: String?

    init(key: String, origin: String?) {
        self.key = key
        self.origin = origin
    }

    static func send(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, origin: String?,
                     token: String? = nil, json: Any? = nil, raw: String? = nil,
                     headers extra: HTTPFields = [:]) async throws -> WidgetReply {
        var headers = extra
        if let origin { headers[.origin] = origin }
        if let token { headers[.authorization] = "Bearer \(token)" }
        var body: ByteBuffer?
        if let json {
            body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
            headers[.contentType] = "application/json"
        } else if let raw {
            body = ByteBuffer(string: raw)
            headers[.contentType] = "application/json"
        }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body) { response in
            let object = response.body.readableBytes == 0 ? [:]
                : (try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any] ?? [:])
            return WidgetReply(status: response.status, headers: response.headers, body: object)
        }
    }

    /// `POST …/conversations`; keeps the token and conversation id when it is 201.
    @discardableResult
    mutating func start(_ client: some TestClientProtocol, headers: HTTPFields = [:]) async throws -> WidgetReply {
        let reply = try await Self.send(client, .post, "/widget/v1/\(key)/conversations", origin: origin, json: [String: Any](),
                                        headers: headers)
        if reply.status == .created {
            token = reply.body["token"] as? String
            conversationId = reply.body["conversation_id"] as? String
        }
        return reply
    }

    func say(_ client: some TestClientProtocol, _ text: String) async throws -> WidgetReply {
        try await Self.send(client, .post, "/widget/v1/\(key)/conversations/\(conversationId ?? "none")/messages",
                            origin: origin, token: token, json: ["text": text])
    }

    func read(_ client: some TestClientProtocol) async throws -> WidgetReply {
        try await Self.send(client, .get, "/widget/v1/\(key)/conversations/\(conversationId ?? "none")", origin: origin, token: token)
    }
}

enum WidgetTestSetup {
    static let origin = "https://www.rapid-rooter.example"

    /// A business with a knowledge entry about its hours, the widget allowed on `origins`; returns its API key and
    /// publishable key. Everything goes through the API, as an owner would set it up.
    static func business(_ app: TestApp, _ client: some TestClientProtocol, slug: String = "rapid-rooter",
                         origins: [String] = [origin], knowledge: Bool = true) async throws -> (business: Business, key: String, publishable: String) {
        let (business, key) = try await app.makeTenant(slug)
        if knowledge {
            let created = try await client.call(.post, "/v1/knowledge", key: key, json: [
                "title": "Opening hours",
                "content": "We are open Monday to Friday from 7 a.m. to 6 p.m. On Saturdays we are open from 8 a.m. to noon. We are closed on Sundays.",
                "category": "general",
            ])
            try #require(created.status == .created)
        }
        let settings = try await client.call(.put, "/v1/widget", key: key, json: ["allowed_origins": origins])
        try #require(settings.status == .ok, "\(settings.body)")
        let publishable = try #require(settings.body["publishable_key"] as? String)
        return (business, key, publishable)
    }
}
