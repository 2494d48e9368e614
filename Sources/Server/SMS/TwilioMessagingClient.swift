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
/// HTTP basic auth (account SID : auth token) and a form body `To`, `From`, `Body`.
///
/// Timeouts are URLSession's own (request and resource): the request is never cancelled from Swift, because
/// cancelling a task inside swift-corelibs-foundation's URLSession has deadlocked on this platform.
public struct TwilioMessagingClient: SMSSender {
    public let accountSid: String
    private let authToken: String
    public let baseURL: URL
    private let session: URLSession

    /// - Parameters:
    ///   - baseURL: `https://api.twilio.com`, or a stand-in's URL in tests.
    ///   - timeout: the request and resource timeout, in seconds.
    public init(accountSid: String, authToken: String, baseURL: URL, timeout: TimeInterval = 15) {
        self.accountSid = accountSid
        self.authToken = authToken
        self.baseURL = baseURL
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        session = URLSession(configuration: configuration)
    }

    var messagesURL: URL {
        baseURL.appendingPathComponent("2010-04-01").appendingPathComponent("Accounts")
            .appendingPathComponent(accountSid).appendingPathComponent("Messages.json")
    }

    public func send(to: String, from: String, body: String) async throws(SMSSendError) -> String {
        var request = URLRequest(url: messagesURL)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded; charset=utf-8", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        let credentials = Data("\(accountSid):\(authToken)".utf8).base64EncodedString()
        request.setValue("Basic \(credentials)", forHTTPHeaderField: "Authorization")
        let form: FormParameters = [("To", to), ("From", from), ("Body", body)].reduce(into: FormParameters()) { $0.append(name: $1.0, value: $1.1) }
        request.httpBody = Data(form.formEncoded.utf8)

        let (data, status) = try await perform(request)
        guard (200..<300).contains(status) else {
            let error = try? JSONDecoder().decode(ErrorBody.self, from: data)
            throw .rejected(status: status, code: error?.code, message: redacted(error?.message ?? "no error message"))
        }
        guard let message = try? JSONDecoder().decode(MessageBody.self, from: data), !message.sid.isEmpty else {
            throw .malformedResponse("no message sid in the response")
        }
        return message.sid
    }

    private func perform(_ request: URLRequest) async throws(SMSSendError) -> (Data, Int) {
        let session = self.session
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<(Data, Int), SMSSendError>, Never>) in
            session.dataTask(with: request) { data, response, error in
                if let error {
                    let nsError = error as NSError
                    if nsError.domain == NSURLErrorDomain, nsError.code == NSURLErrorTimedOut {
                        continuation.resume(returning: .failure(.timedOut))
                    } else {
                        continuation.resume(returning: .failure(.transport(error.localizedDescription)))
                    }
                } else if let response = response as? HTTPURLResponse {
                    continuation.resume(returning: .success((data ?? Data(), response.statusCode)))
                } else {
                    continuation.resume(returning: .failure(.transport("no HTTP response")))
                }
            }.resume()
        }
        return try result.get()
    }

    private func redacted(_ text: String) -> String {
        authToken.isEmpty ? text : text.replacingOccurrences(of: authToken, with: "<redacted>")
    }

    /// Twilio's error body: `{"code": 21610, "message": "...", "more_info": "...", "status": 400}`.
    private struct ErrorBody: Decodable {
        let code: Int?
        let message: String?
    }

    /// The part of a Message resource we keep.
    private struct MessageBody: Decodable {
        let sid: String
    }
}
