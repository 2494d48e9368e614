import Foundation
import Hummingbird
@testable import Server

/// The stand-in's Calls API: `POST /2010-04-01/Accounts/{AccountSid}/Calls.json`, answered like Twilio — 401
/// (20003) for bad credentials, a scripted reply for the first requests (`callReplies`), 400 with 21201 / 21213 /
/// 21205 when `To` / `From` / `Url` is missing, 21211 for a `To` that is not E.164, 21214 for a number in
/// `unreachable`, else 201 with a queued Call resource.
extension TwilioMessagingStandIn {
    /// A reply given instead of the normal answer.
    enum ScriptedReply: Sendable {
        /// Twilio's error body, with an optional `Retry-After` header. (The `Date` header is always the server's
        /// own: Hummingbird sets it on every response.)
        case error(status: Int, code: Int, message: String, retryAfter: String? = nil)
        /// Any body, for answers that are not Twilio's (a proxy's error page, a broken 2xx).
        case raw(status: Int, contentType: String, body: String)
    }

    /// The `date_created` every created call carries.
    static let callDateCreated = "Thu, 24 Aug 2023 05:01:45 +0000"

    func addCallRoutes(to router: Router<BasicRequestContext>) {
        router.post("2010-04-01/Accounts/:account/Calls.json") { request, context -> Response in
            let form = try await self.record(request)
            if self.callDelay > .zero { try await Task.sleep(for: self.callDelay) }
            return self.respondToCall(account: context.parameters.get("account") ?? "",
                                      authorization: request.headers[.authorization], form: form)
        }
        // Update a call: `Twiml` (or `Url`) replaces what it does, `Status=completed` ends it. A sid in `ended`
        // gets 21220, as a call that is no longer in progress does.
        router.post("2010-04-01/Accounts/:account/Calls/:call") { request, context -> Response in
            let form = try await self.record(request)
            let file = context.parameters.get("call") ?? ""
            guard Self.isAuthorized(account: context.parameters.get("account") ?? "", authorization: request.headers[.authorization])
            else { return Self.error(401, code: 20003, message: "Authenticate") }
            guard file.hasSuffix(".json") else { return Self.error(404, code: 20404, message: "The requested resource was not found") }
            let sid = String(file.dropLast(5))
            if self.endedCalls.contains(sid) {
                return Self.error(400, code: 21220, message: "Call is not in-progress. Cannot redirect.")
            }
            guard form["Twiml"] != nil || form["Url"] != nil || form["Status"] == "completed" || form["Status"] == "canceled" else {
                return Self.error(400, code: 21218, message: "Invalid ApplicationSid")
            }
            return Self.json(200, [
                "account_sid": Self.accountSid, "sid": sid, "status": form["Status"] ?? "in-progress", "to": "+15557654321",
                "from": "+15550100000", "direction": "outbound-api", "date_created": Self.callDateCreated,
                "date_updated": Self.callDateCreated, "api_version": "2010-04-01",
                "uri": "/2010-04-01/Accounts/\(Self.accountSid)/Calls/\(sid).json",
            ])
        }
    }

    private func respondToCall(account: String, authorization: String?, form: FormParameters) -> Response {
        guard Self.isAuthorized(account: account, authorization: authorization) else {
            return Self.error(401, code: 20003, message: "Authenticate")
        }
        if let reply = callReplies.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
            switch reply {
            case .error(let status, let code, let message, let retryAfter):
                var headers: HTTPFields = [:]
                if let retryAfter { headers[.retryAfter] = retryAfter }
                return Self.error(status, code: code, message: message, headers: headers)
            case .raw(let status, let contentType, let body):
                return Response(status: .init(code: status), headers: [.contentType: contentType],
                                body: .init(byteBuffer: ByteBuffer(string: body)))
            }
        }
        guard let to = form["To"], !to.isEmpty else { return Self.error(400, code: 21201, message: "No 'To' number is specified") }
        guard let from = form["From"], !from.isEmpty else { return Self.error(400, code: 21213, message: "No 'From' number is specified") }
        guard let url = form["Url"], URL(string: url)?.host != nil else {
            return Self.error(400, code: 21205, message: "Url is not a valid URL: \(form["Url"] ?? "")")
        }
        guard PhoneNumber.isE164(to) else { return Self.error(400, code: 21211, message: "Invalid 'To' Phone Number: \(to)") }
        if unreachable.contains(to) { return Self.error(400, code: 21214, message: "'To' phone number cannot be reached") }

        let sid = "CA" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let uri = "/2010-04-01/Accounts/\(Self.accountSid)/Calls/\(sid)"
        return Self.json(201, [
            "account_sid": Self.accountSid, "annotation": NSNull(), "answered_by": NSNull(), "api_version": "2010-04-01",
            "caller_name": NSNull(), "date_created": Self.callDateCreated, "date_updated": Self.callDateCreated,
            "direction": "outbound-api", "duration": NSNull(), "end_time": NSNull(), "forwarded_from": NSNull(),
            "from": from, "from_formatted": from, "group_sid": NSNull(), "parent_call_sid": NSNull(),
            "phone_number_sid": "PN" + String(repeating: "0", count: 32), "price": NSNull(), "price_unit": "USD",
            "queue_time": "0", "sid": sid, "start_time": NSNull(), "status": "queued",
            "subresource_uris": ["notifications": "\(uri)/Notifications.json", "recordings": "\(uri)/Recordings.json",
                                 "events": "\(uri)/Events.json"],
            "to": to, "to_formatted": to, "trunk_sid": NSNull(), "uri": "\(uri).json",
        ])
    }
}
