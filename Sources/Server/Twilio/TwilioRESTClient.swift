import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What every Twilio REST request shares: `{base}/2010-04-01/Accounts/{AccountSid}/…` URLs, HTTP basic auth
/// (account SID : auth token), form-encoded bodies, and Twilio's error body read into ``TwilioRESTError``.
/// ``TwilioMessagingClient`` and ``TwilioCallsClient`` are built on it.
///
/// Timeouts are URLSession's own (request and resource): the request is never cancelled from Swift, because
/// cancelling a task inside swift-corelibs-foundation's URLSession has deadlocked on this platform.
public struct TwilioRESTClient: Sendable {
    public let accountSid: String
    private let authToken: String
    public let baseURL: URL
    private let session: URLSession
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - baseURL: `https://api.twilio.com`, or a stand-in's URL in tests.
    ///   - timeout: the request and resource timeout, in seconds.
    ///   - now: the clock a `Retry-After` HTTP date is measured against when Twilio sends no `Date` header.
    public init(accountSid: String, authToken: String, baseURL: URL, timeout: TimeInterval = 15,
                now: @escaping @Sendable () -> Date = Date.init) {
        self.accountSid = accountSid
        self.authToken = authToken
        self.baseURL = baseURL
        self.now = now
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        session = URLSession(configuration: configuration)
    }

    /// `{base}/2010-04-01/Accounts/{AccountSid}/{resource}`, e.g. `resource` = `Calls.json`.
    public func accountURL(_ resource: String) -> URL {
        baseURL.appendingPathComponent("2010-04-01").appendingPathComponent("Accounts")
            .appendingPathComponent(accountSid).appendingPathComponent(resource)
    }

    /// POSTs `form` to the account's `resource` and decodes a 2xx answer as `Resource`.
    ///
    /// - Throws: ``TwilioRESTError/rejected(_:)`` for a non-2xx answer (Twilio's code, message and `Retry-After`
    ///   read from it, the auth token never echoed), ``TwilioRESTError/malformedResponse(_:)`` for a 2xx that
    ///   does not decode, ``TwilioRESTError/timedOut`` or ``TwilioRESTError/transport(_:)``.
    public func create<Resource: Decodable>(_ resource: String, form: FormParameters,
                                            as type: Resource.Type) async throws(TwilioRESTError) -> Resource {
        var request = URLRequest(url: accountURL(resource))
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded; charset=utf-8", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        let credentials = Data("\(accountSid):\(authToken)".utf8).base64EncodedString()
        request.setValue("Basic \(credentials)", forHTTPHeaderField: "Authorization")
        request.httpBody = Data(form.formEncoded.utf8)

        let (data, response) = try await perform(request)
        guard (200..<300).contains(response.statusCode) else {
            throw .rejected(apiError(status: response.statusCode, data: data, headers: response.allHeaderFields))
        }
        do {
            return try JSONDecoder().decode(Resource.self, from: data)
        } catch {
            throw .malformedResponse("\(resource) answered \(response.statusCode) with a body that is not the resource")
        }
    }

    /// Reads Twilio's error body; a body that is not Twilio's JSON keeps only the status.
    func apiError(status: Int, data: Data, headers: [AnyHashable: Any]) -> TwilioAPIError {
        let body = try? JSONDecoder().decode(ErrorBody.self, from: data)
        let retryAfter = Self.header("Retry-After", in: headers).flatMap {
            Self.retryAfter($0, responseDate: Self.header("Date", in: headers), now: now())
        }
        return TwilioAPIError(status: status, code: body?.code, message: redacted(body?.message ?? "no error message"),
                              moreInfo: body?.moreInfo, retryAfter: retryAfter)
    }

    private func perform(_ request: URLRequest) async throws(TwilioRESTError) -> (Data, HTTPURLResponse) {
        let session = self.session
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<(Data, HTTPURLResponse), TwilioRESTError>, Never>) in
            session.dataTask(with: request) { data, response, error in
                if let error {
                    let nsError = error as NSError
                    if nsError.domain == NSURLErrorDomain, nsError.code == NSURLErrorTimedOut {
                        continuation.resume(returning: .failure(.timedOut))
                    } else {
                        continuation.resume(returning: .failure(.transport(error.localizedDescription)))
                    }
                } else if let response = response as? HTTPURLResponse {
                    continuation.resume(returning: .success((data ?? Data(), response)))
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

    private static func header(_ name: String, in headers: [AnyHashable: Any]) -> String? {
        headers.first { ($0.key as? String)?.caseInsensitiveCompare(name) == .orderedSame }?.value as? String
    }

    /// Twilio's error body: `{"code": 21211, "message": "...", "more_info": "...", "status": 400}`.
    private struct ErrorBody: Decodable {
        let code: Int?
        let message: String?
        let moreInfo: String?

        enum CodingKeys: String, CodingKey {
            case code, message
            case moreInfo = "more_info"
        }
    }
}
