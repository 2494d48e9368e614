import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
@testable import Server

/// A stand-in for Twilio's REST API (Messages and Calls), started by a test on 127.0.0.1 with a free port. It
/// checks HTTP basic auth, records each form body (repeated fields kept) and answers in Twilio's wire format.
/// Messages: 201 with a Message resource, or Twilio's error body (`{"code", "message", "more_info", "status"}`) —
/// 21610 for a recipient in `unsubscribed`, 21211 for a `To` that is not E.164, a scripted status for the first
/// `failures` requests. Calls: see `TwilioMessagingStandIn+Calls.swift`. Under `/held/` it holds Messages
/// requests unanswered: see `TwilioMessagingStandIn+Held.swift`.
final class TwilioMessagingStandIn: Sendable {
    static let accountSid = "AC0123456789abcdef0123456789abcdef"
    static let authToken = "fedcba9876543210fedcba9876543210"

    struct Received: Sendable {
        let path: String
        let authorization: String?
        let contentType: String?
        let form: FormParameters
        /// The body exactly as sent.
        let body: String
        /// When the stand-in read it.
        let receivedAt = Date()
    }

    let unsubscribed: Set<String>
    /// Statuses answered to the first requests, in order (e.g. `[503, 429]`), before behaving normally.
    private let failures: Mutex<[Int]>
    let log = Mutex<[Received]>([])
    /// Calls.json: numbers answered with 21214 ('To' cannot be reached).
    let unreachable: Set<String>
    /// Calls.json: replies given to the first requests, in order, before behaving normally.
    let callReplies: Mutex<[ScriptedReply]>
    /// Calls.json: how long each answer is held back (to make a client time out).
    let callDelay: Duration
    /// Calls/{sid}.json: calls that are over (an update gets 21220).
    let endedCalls: Set<String>
    /// Messages requests under `/held/`, never sent (see `TwilioMessagingStandIn+Held.swift`).
    let heldLog = Mutex<[Received]>([])
    /// Whether `/held/` requests are still held (until `releaseHeld()`).
    let holding = Mutex(true)

    init(unsubscribed: Set<String> = [], failures: [Int] = [], unreachable: Set<String> = [],
         callReplies: [ScriptedReply] = [], callDelay: Duration = .zero, endedCalls: Set<String> = []) {
        self.endedCalls = endedCalls
        self.unsubscribed = unsubscribed
        self.failures = Mutex(failures)
        self.unreachable = unreachable
        self.callReplies = Mutex(callReplies)
        self.callDelay = callDelay
    }

    var received: [Received] { log.withLock { $0 } }

    func run<T: Sendable>(_ test: @Sendable (URL) async throws -> T) async throws -> T {
        let router = Router()
        router.post("2010-04-01/Accounts/:account/Messages.json") { request, context -> Response in
            let form = try await self.record(request)
            return self.respond(account: context.parameters.get("account") ?? "", authorization: request.headers[.authorization], form: form)
        }
        addCallRoutes(to: router)
        addHeldRoutes(to: router)
        return try await LoopbackServer.serve(router, name: "twilio-stand-in", test)
    }

    /// Reads and logs a request's form body.
    /// - Parameter held: into `held` (a `/held/` request) instead of `received`.
    func record(_ request: Request, held: Bool = false) async throws -> FormParameters {
        let body = try await request.body.collect(upTo: 1 << 20)
        let form = try FormParameters(formEncoded: Array(buffer: body))
        let received = Received(path: request.uri.path, authorization: request.headers[.authorization],
                                contentType: request.headers[.contentType], form: form, body: String(buffer: body))
        if held {
            heldLog.withLock { $0.append(received) }
        } else {
            log.withLock { $0.append(received) }
        }
        return form
    }

    /// Twilio's check: the path's account and the basic-auth credentials must both match.
    static func isAuthorized(account: String, authorization: String?) -> Bool {
        account == accountSid && authorization == "Basic " + Data("\(accountSid):\(authToken)".utf8).base64EncodedString()
    }

    private func respond(account: String, authorization: String?, form: FormParameters) -> Response {
        guard Self.isAuthorized(account: account, authorization: authorization) else {
            return Self.error(401, code: 20003, message: "Authenticate")
        }
        if let status = failures.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
            return Self.error(status, code: status == 429 ? 20429 : 20500, message: status == 429 ? "Too Many Requests" : "Internal Server Error")
        }
        guard let to = form["To"], let from = form["From"], let body = form["Body"], !body.isEmpty else {
            return Self.error(400, code: 21602, message: "Message body is required.")
        }
        guard PhoneNumber.isE164(to) else {
            return Self.error(400, code: 21211, message: "Invalid 'To' Phone Number: \(to)")
        }
        if unsubscribed.contains(to) {
            return Self.error(400, code: 21610, message: "Attempt to send to unsubscribed recipient")
        }
        let sid = "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        return Self.json(201, [
            "account_sid": Self.accountSid, "api_version": "2010-04-01", "body": body, "date_created": "Thu, 24 Aug 2023 05:01:45 +0000",
            "date_sent": NSNull(), "date_updated": "Thu, 24 Aug 2023 05:01:45 +0000", "direction": "outbound-api",
            "error_code": NSNull(), "error_message": NSNull(), "from": from, "messaging_service_sid": NSNull(),
            "num_media": "0", "num_segments": "1", "price": NSNull(), "price_unit": "USD", "sid": sid, "status": "queued",
            "subresource_uris": ["media": "/2010-04-01/Accounts/\(Self.accountSid)/Messages/\(sid)/Media.json"],
            "to": to, "uri": "/2010-04-01/Accounts/\(Self.accountSid)/Messages/\(sid).json",
        ])
    }

    static func error(_ status: Int, code: Int, message: String, headers: HTTPFields = [:]) -> Response {
        json(status, ["code": code, "message": message, "more_info": "https://www.twilio.com/docs/errors/\(code)", "status": status],
             headers: headers)
    }

    static func json(_ status: Int, _ object: [String: Any], headers: HTTPFields = [:]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
