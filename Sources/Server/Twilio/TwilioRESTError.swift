/// Why a Twilio REST request failed, and whether trying it again could help (``isRetryable``).
public enum TwilioRESTError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Twilio answered with an error status and (usually) its error body.
    case rejected(TwilioAPIError)
    /// No answer within the timeout. The request may have reached Twilio: a retried `createCall` can place a
    /// second call.
    case timedOut
    /// The connection failed (refused, reset, DNS, …).
    case transport(String)
    /// A 2xx answer that is not the expected resource. Twilio accepted the request, so it is not retried.
    case malformedResponse(String)
    /// The request was never sent because it breaks a documented limit (e.g. a `Timeout` outside 5…600 s).
    case invalidRequest(String)

    /// True when sending the same request again may succeed: timeouts, transport errors, and Twilio's 408,
    /// 429 and 5xx. Every other 4xx (an invalid or unreachable number, bad credentials, a bad parameter) and an
    /// invalid request are permanent; so is a malformed 2xx, because Twilio did accept it.
    public var isRetryable: Bool {
        switch self {
        case .rejected(let error): error.isRetryable
        case .timedOut, .transport: true
        case .malformedResponse, .invalidRequest: false
        }
    }

    /// How long Twilio asked us to wait (its `Retry-After` header), when it said.
    public var retryAfter: Duration? {
        if case .rejected(let error) = self { error.retryAfter } else { nil }
    }

    /// Twilio's numeric error code, when it sent one.
    public var code: Int? {
        if case .rejected(let error) = self { error.code } else { nil }
    }

    public var description: String {
        switch self {
        case .rejected(let error): error.description
        case .timedOut: "timed out"
        case .transport(let message): "transport error: \(message)"
        case .malformedResponse(let message): "malformed response: \(message)"
        case .invalidRequest(let message): "invalid request: \(message)"
        }
    }
}

/// An error answer from Twilio's REST API: the HTTP status and the body
/// `{"code": 21211, "message": "...", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}`.
public struct TwilioAPIError: Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status of the answer (the body's `status` repeats it).
    public var status: Int
    /// Twilio's error code; nil when the body was not Twilio's JSON (a proxy's HTML page, say).
    public var code: Int?
    public var message: String
    /// Twilio's link to the error's documentation.
    public var moreInfo: String?
    /// The `Retry-After` header, when present and readable (seconds, or an HTTP date).
    public var retryAfter: Duration?

    public init(status: Int, code: Int? = nil, message: String, moreInfo: String? = nil, retryAfter: Duration? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.moreInfo = moreInfo
        self.retryAfter = retryAfter
    }

    /// 408, 429 and 5xx: the request may succeed later.
    public var isRetryable: Bool { status == 408 || status == 429 || status >= 500 }

    /// The callee's number can never be called as given: retrying, or trying again tomorrow, will not help.
    /// (Problems with our own `From` number, credentials or parameters are permanent too, but are ours to fix.)
    public var rejectsNumber: Bool { code.map(Self.numberRejectionCodes.contains) ?? false }

    /// Twilio's codes for a `To` that cannot be called: 21211 invalid 'To' number, 21214 'To' cannot be reached,
    /// 21215 blocked by the account's geographic permissions, 21216 number blocked by Twilio, 21217 number does
    /// not appear to be valid, 21219 'To' not verified (trial accounts).
    public static let numberRejectionCodes: Set<Int> = [21211, 21214, 21215, 21216, 21217, 21219]

    public var description: String {
        "HTTP \(status)" + (code.map { " code \($0)" } ?? "") + ": \(message)"
    }
}
