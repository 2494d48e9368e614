import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends one text. ``TwilioMessagingClient`` is the real one; tests may pass their own.
public protocol SMSSender: Sendable {
    /// Sends `body` from `from` (a business number) to `to`, both E.164; returns the provider's message id.
    func send(to: String, from: String, body: String) async throws(SMSSendError) -> String
}

/// Why a text was not accepted. `isPermanent` says whether sending it again could ever work.
public enum SMSSendError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Twilio answered with an error: its HTTP status, its numeric `code` (21610 unsubscribed recipient, 21211
    /// invalid number, …) and `message`.
    case rejected(status: Int, code: Int?, message: String)
    /// No answer within the timeout.
    case timedOut
    /// The connection failed (refused, reset, DNS, …).
    case transport(String)
    /// A 2xx answer that is not a Message resource.
    case malformedResponse(String)

    /// Twilio's error code for a recipient who replied STOP.
    public static let unsubscribedRecipient = 21610
    /// Twilio's error code for a `To` that is not a valid phone number.
    public static let invalidToNumber = 21211

    /// True when a retry cannot help: a 4xx other than 408/429 (bad number, unsubscribed recipient, bad
    /// credentials). Timeouts, transport errors, 408, 429 and 5xx are worth retrying.
    public var isPermanent: Bool {
        switch self {
        case .rejected(let status, _, _): (400..<500).contains(status) && status != 408 && status != 429
        case .timedOut, .transport, .malformedResponse: false
        }
    }

    public var description: String {
        switch self {
        case .rejected(let status, let code, let message): "HTTP \(status)" + (code.map { " code \($0)" } ?? "") + ": \(message)"
        case .timedOut: "timed out"
        case .transport(let message): "transport error: \(message)"
        case .malformedResponse(let message): "malformed response: \(message)"
        }
    }
}

/// Twilio's Programmable Messaging REST API: `POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json` with
/// HTTP basic auth (account SID : auth token) and a form body `To`, `From`, `Body`. Transport, auth and Twilio's
/// error body are ``TwilioRESTClient``'s; this maps its errors onto ``SMSSendError``.
public struct TwilioMessagingClient: SMSSender {
    private let rest: TwilioRESTClient
    public var accountSid: String { rest.accountSid }
    public var baseURL: URL { rest.baseURL }

    /// - Parameters:
    ///   - baseURL: `https://api.twilio.com`, or a stand-in's URL in tests.
    ///   - timeout: the request and resource timeout, in seconds.
    public init(accountSid: String, authToken: String, baseURL: URL, timeout: TimeInterval = 15) {
        rest = TwilioRESTClient(accountSid: accountSid, authToken: authToken, baseURL: baseURL, timeout: timeout)
    }

    var messagesURL: URL { rest.accountURL("Messages.json") }

    public func send(to: String, from: String, body: String) async throws(SMSSendError) -> String {
        let form: FormParameters = ["To": to, "From": from, "Body": body]
        let message: MessageBody
        do {
            message = try await rest.create("Messages.json", form: form, as: MessageBody.self)
        } catch {
            throw SMSSendError(error)
        }
        guard !message.sid.isEmpty else { throw .malformedResponse("no message sid in the response") }
        return message.sid
    }

    /// The part of a Message resource we keep.
    private struct MessageBody: Decodable {
        let sid: String
    }
}

extension SMSSendError {
    /// The same failure in the messaging vocabulary; a Messages.json answer without a sid stays malformed.
    init(_ error: TwilioRESTError) {
        switch error {
        case .rejected(let answer): self = .rejected(status: answer.status, code: answer.code, message: answer.message)
        case .timedOut: self = .timedOut
        case .transport(let message): self = .transport(message)
        case .malformedResponse: self = .malformedResponse("no message sid in the response")
        case .invalidRequest(let message): self = .rejected(status: 400, code: nil, message: message)
        }
    }
}
