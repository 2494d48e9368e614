import Foundation

/// Twilio's Programmable Voice Calls API: places outbound calls with
/// `POST {base}/2010-04-01/Accounts/{AccountSid}/Calls.json` (see ``OutboundCallRequest/formParameters``).
///
/// It never retries by itself: creating a call is not idempotent, and a timed-out request may have placed the
/// call. The caller decides from ``TwilioRESTError/isRetryable`` and ``TwilioRESTError/retryAfter``.
public struct TwilioCallsClient: Sendable {
    private let rest: TwilioRESTClient

    public init(rest: TwilioRESTClient) {
        self.rest = rest
    }

    /// - Parameters:
    ///   - baseURL: `https://api.twilio.com`, or a stand-in's URL in tests.
    ///   - timeout: the HTTP request and resource timeout, in seconds (not the ring timeout).
    public init(accountSid: String, authToken: String, baseURL: URL, timeout: TimeInterval = 15) {
        rest = TwilioRESTClient(accountSid: accountSid, authToken: authToken, baseURL: baseURL, timeout: timeout)
    }

    var callsURL: URL { rest.accountURL("Calls.json") }

    /// Asks Twilio to place `request`'s call; returns the created Call resource (normally `queued`).
    ///
    /// - Throws: ``TwilioRESTError``: `invalidRequest` before sending when ``OutboundCallRequest/problem`` finds
    ///   one; `rejected` with Twilio's code (``TwilioAPIError/rejectsNumber`` for 21211, 21214, 21215 …);
    ///   `malformedResponse` for a 2xx without a call sid; `timedOut` or `transport`.
    public func createCall(_ request: OutboundCallRequest) async throws(TwilioRESTError) -> CreatedCall {
        if let problem = request.problem { throw .invalidRequest(problem) }
        let call = try await rest.create("Calls.json", form: request.formParameters, as: CreatedCall.self)
        guard !call.sid.isEmpty else { throw .malformedResponse("no call sid in the response") }
        return call
    }

    /// What to do to a call in progress.
    public enum CallUpdate: Sendable, Equatable {
        /// Replace what the call is doing with this TwiML document (`Twiml`).
        case twiml(String)
        /// End the call (`Status=completed`).
        case hangUp

        var form: FormParameters {
            switch self {
            case .twiml(let document): ["Twiml": document]
            case .hangUp: ["Status": "completed"]
            }
        }
    }

    /// Changes a call in progress: `POST {base}/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}.json`.
    /// - Throws: ``TwilioRESTError``: `rejected` with Twilio's code (21220 when the call is no longer in progress).
    @discardableResult
    public func updateCall(sid: String, _ update: CallUpdate) async throws(TwilioRESTError) -> CreatedCall {
        guard sid.hasPrefix("CA"), sid.count == 34, sid.allSatisfy({ $0.isLetter || $0.isNumber }) else {
            throw .invalidRequest("'\(sid)' is not a call sid")
        }
        return try await rest.create("Calls/\(sid).json", form: update.form, as: CreatedCall.self)
    }
}
