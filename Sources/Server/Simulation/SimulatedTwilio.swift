import Foundation
import Hummingbird
import Synchronization

/// Twilio's Calls API as `frontdesk bench campaign` needs it, served on 127.0.0.1 by ``LoopbackServer``: the server's
/// real ``TwilioCallsClient`` places calls here (`POST /2010-04-01/Accounts/{AccountSid}/Calls.json`, answered 201
/// with a queued Call resource, or Twilio's 400 errors for a missing or malformed field) and changes them
/// (`POST …/Calls/{CallSid}.json`, answered 200, or 21220 once the call has ended). Every request is checked for the
/// account's basic-auth credentials (20003). What happens on each call afterwards — the callbacks and webhooks a
/// real call would bring — is the bench's simulated world, which reads what arrived here with ``takeNew()``.
final class SimulatedTwilio: Sendable {
    static let accountSid = "AC" + String(repeating: "5", count: 32)
    static let authToken = "bench-auth-token-0123456789abcdef"

    /// A call as requested.
    struct PlacedCall: Sendable, Equatable {
        var sid: String
        var to: String
        var from: String
        /// The `Url`, `StatusCallback` and `AsyncAmdStatusCallback` the server gave.
        var url: String
        var statusCallback: String?
        var amdCallback: String?
        var machineDetection: String?
        /// The simulation's time of the request.
        var at: Date
    }

    /// A change to a call in progress.
    struct Update: Sendable, Equatable {
        var sid: String
        var twiml: String?
        var status: String?
        var at: Date
    }

    private struct State {
        var placed: [PlacedCall] = []
        var updates: [Update] = []
        var ended: Set<String> = []
        var count = 0
    }

    private let state = Mutex(State())
    private let now: @Sendable () -> Date

    init(now: @escaping @Sendable () -> Date) { self.now = now }

    /// The calls placed and updates made since the last call, in arrival order.
    func takeNew() -> (placed: [PlacedCall], updates: [Update]) {
        state.withLock { state in
            defer { state.placed.removeAll(); state.updates.removeAll() }
            return (state.placed, state.updates)
        }
    }

    /// The call has reported its final status: later updates get 21220.
    func ended(_ sid: String) { _ = state.withLock { $0.ended.insert(sid) } }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("2010-04-01/Accounts/:account/Calls.json") { request, context -> Response in
            let form = try await Self.form(request)
            guard Self.isAuthorized(context.parameters.get("account"), request.headers[.authorization]) else {
                return Self.error(401, code: 20003, message: "Authenticate")
            }
            return self.create(form)
        }
        router.post("2010-04-01/Accounts/:account/Calls/:call") { request, context -> Response in
            let form = try await Self.form(request)
            guard Self.isAuthorized(context.parameters.get("account"), request.headers[.authorization]) else {
                return Self.error(401, code: 20003, message: "Authenticate")
            }
            let file = context.parameters.get("call") ?? ""
            guard file.hasSuffix(".json") else { return Self.error(404, code: 20404, message: "The requested resource was not found") }
            return self.update(sid: String(file.dropLast(5)), form)
        }
        return router
    }

    private func create(_ form: FormParameters) -> Response {
        guard let to = form["To"], !to.isEmpty else { return Self.error(400, code: 21201, message: "No 'To' number is specified") }
        guard let from = form["From"], !from.isEmpty else { return Self.error(400, code: 21213, message: "No 'From' number is specified") }
        guard let url = form["Url"], URL(string: url)?.host != nil else {
            return Self.error(400, code: 21205, message: "Url is not a valid URL: \(form["Url"] ?? "")")
        }
        guard PhoneNumber.isE164(to) else { return Self.error(400, code: 21211, message: "Invalid 'To' Phone Number: \(to)") }
        let at = now()
        let sid = state.withLock { state in
            state.count += 1
            let sid = "CA" + String(format: "%032x", 0xBE4C_0000_0000 + state.count)
            state.placed.append(PlacedCall(sid: sid, to: to, from: from, url: url, statusCallback: form["StatusCallback"],
                                           amdCallback: form["AsyncAmdStatusCallback"], machineDetection: form["MachineDetection"],
                                           at: at))
            return sid
        }
        return Self.json(201, ["account_sid": Self.accountSid, "sid": sid, "status": "queued", "to": to, "from": from,
                               "direction": "outbound-api", "api_version": "2010-04-01",
                               "uri": "/2010-04-01/Accounts/\(Self.accountSid)/Calls/\(sid).json"])
    }

    private func update(sid: String, _ form: FormParameters) -> Response {
        guard form["Twiml"] != nil || form["Status"] == "completed" || form["Status"] == "canceled" else {
            return Self.error(400, code: 21218, message: "Invalid ApplicationSid")
        }
        let at = now()
        let accepted = state.withLock { state in
            guard !state.ended.contains(sid) else { return false }
            state.updates.append(Update(sid: sid, twiml: form["Twiml"], status: form["Status"], at: at))
            return true
        }
        guard accepted else { return Self.error(400, code: 21220, message: "Call is not in-progress. Cannot redirect.") }
        return Self.json(200, ["account_sid": Self.accountSid, "sid": sid, "status": form["Status"] ?? "in-progress",
                               "direction": "outbound-api", "api_version": "2010-04-01"])
    }

    private static func form(_ request: Request) async throws -> FormParameters {
        try FormParameters(formEncoded: Array(buffer: try await request.body.collect(upTo: 1 << 20)))
    }

    private static func isAuthorized(_ account: String?, _ authorization: String?) -> Bool {
        account == accountSid && authorization == "Basic " + Data("\(accountSid):\(authToken)".utf8).base64EncodedString()
    }

    private static func error(_ status: Int, code: Int, message: String) -> Response {
        json(status, ["code": code, "message": message, "more_info": "https://www.twilio.com/docs/errors/\(code)", "status": status])
    }

    private static func json(_ status: Int, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return Response(status: .init(code: status), headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
