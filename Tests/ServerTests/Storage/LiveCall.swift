import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import Server

/// What a node answered to one webhook.
struct WebhookReply: Sendable {
    let status: Int
    let body: String
    let contentType: String?

    /// A 200 whose body is a TwiML document.
    var isTwiML: Bool {
        status == 200 && contentType?.hasPrefix("text/xml") == true && body.contains("<Response")
    }
}

/// One webhook as sent, kept so a test can deliver it again (Twilio retries with the same idempotency token).
struct SentWebhook: Sendable {
    let path: String
    let parameters: [(String, String)]
    let token: String
}

/// The voice webhooks of one call, as Twilio would send them, posted to whichever node a test picks (unsigned:
/// the nodes run with `FRONTDESK_TWILIO_VERIFY=off`). Form fields as in `SimulatedCall`.
struct LiveCall: Sendable {
    let sid: String
    let from: String
    let to: String
    private var tokenCounter = 0

    /// One session for every live call: up to 256 connections per node, so 100 concurrent calls really are
    /// concurrent (URLSession's default is 6 per host).
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 256
        configuration.timeoutIntervalForRequest = 120
        configuration.timeoutIntervalForResource = 120
        return URLSession(configuration: configuration)
    }()

    init(sid: String = "CA" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased(),
         from: String = "+15557654321", to: String) {
        self.sid = sid
        self.from = from
        self.to = to
    }

    var base: [(String, String)] {
        [("AccountSid", "AC00000000000000000000000000000000"), ("CallSid", sid), ("From", from), ("To", to),
         ("Caller", from), ("Called", to), ("Direction", "inbound"), ("ApiVersion", "2010-04-01")]
    }

    private mutating func nextToken() -> String {
        tokenCounter += 1
        return "\(sid)-\(tokenCounter)"
    }

    /// `/twilio/voice`: the call rings at `node`.
    mutating func answer(on node: LiveServer) async throws -> WebhookReply {
        try await send(SentWebhook(path: "/twilio/voice", parameters: base + [("CallStatus", "ringing")], token: nextToken()),
                       to: node)
    }

    /// `/twilio/gather` with the caller's words; returns the reply and the webhook, for a redelivery.
    mutating func say(_ words: String, on node: LiveServer, confidence: Double = 0.92) async throws -> (reply: WebhookReply, sent: SentWebhook) {
        let sent = SentWebhook(path: "/twilio/gather", parameters: base + [
            ("CallStatus", "in-progress"), ("SpeechResult", words), ("Confidence", String(confidence)),
        ], token: nextToken())
        return (try await send(sent, to: node), sent)
    }

    /// `/twilio/call-status` with `completed`: the caller hung up.
    mutating func hangUp(on node: LiveServer, duration: Int) async throws -> WebhookReply {
        try await send(SentWebhook(path: "/twilio/call-status", parameters: base + [
            ("CallStatus", "completed"), ("CallDuration", String(duration)), ("SequenceNumber", "1"),
        ], token: nextToken()), to: node)
    }

    /// Posts `webhook` (form-encoded, with its `I-Twilio-Idempotency-Token`) to `node`.
    func send(_ webhook: SentWebhook, to node: LiveServer) async throws -> WebhookReply {
        try await Self.post(webhook.path, webhook.parameters, token: webhook.token, to: node)
    }

    static func post(_ path: String, _ parameters: [(String, String)], token: String?, to node: LiveServer) async throws -> WebhookReply {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(node.port)\(path)")!)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        if let token { request.setValue(token, forHTTPHeaderField: "I-Twilio-Idempotency-Token") }
        request.httpBody = Data(TwilioTestClient.formEncode(parameters).utf8)
        let (data, response) = try await session.data(for: request)
        let http = response as? HTTPURLResponse
        return WebhookReply(status: http?.statusCode ?? 0, body: String(decoding: data, as: UTF8.self),
                            contentType: http?.value(forHTTPHeaderField: "Content-Type"))
    }
}

extension LiveServer {
    /// `GET /v1/calls/{sid}` with `key`: the call and its turns.
    func callDetail(_ sid: String, key: String) async throws -> (status: Int, json: [String: Any]) {
        try await request("GET", "/v1/calls/\(sid)", key: key)
    }
}

/// A recorded call's transcript as the calls API shows it.
struct RecordedTurns {
    let turns: [[String: Any]]

    init(_ detail: [String: Any]) { turns = detail["turns"] as? [[String: Any]] ?? [] }

    var seqs: [Int] { turns.compactMap { $0["seq"] as? Int } }
    /// What the caller said, in transcript order.
    var callerLines: [String] {
        turns.filter { $0["speaker"] as? String == "caller" && $0["event"] as? String == "speech" }.compactMap { $0["text"] as? String }
    }
    var receptionistCount: Int { turns.filter { $0["speaker"] as? String == "receptionist" }.count }
    var hangups: [String] { turns.compactMap { $0["event"] as? String }.filter { $0.hasPrefix("hangup:") } }
}
