import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting

/// Posts Twilio-style webhooks, signed the way Twilio signs them (written here from Twilio's documentation,
/// independently of the server's validator): base64 HMAC-SHA1 of the URL followed by every parameter name and
/// value, sorted by name.
struct TwilioTestClient {
    static let publicBaseURL = "https://frontdesk.example.com"
    var authToken: String?

    static func sign(url: String, parameters: [(String, String)], token: String) -> String {
        var payload = url
        for (name, value) in parameters.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) { payload += name + value }
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(payload.utf8), using: SymmetricKey(data: Data(token.utf8)))
        return Data(mac).base64EncodedString()
    }

    static func formEncode(_ parameters: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return parameters.map { name, value in
            "\(name.addingPercentEncoding(withAllowedCharacters: allowed)!)=\(value.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        }.joined(separator: "&")
    }

    /// Posts `parameters` to `path`; signed with `authToken` unless `signature` overrides it (nil token: unsigned).
    func post(
        _ client: some TestClientProtocol, _ path: String, _ parameters: [(String, String)],
        idempotencyToken: String? = nil, signature: String? = nil, rawBody: [UInt8]? = nil
    ) async throws -> (status: HTTPResponse.Status, body: String, contentType: String?) {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let signature {
            headers[HTTPField.Name("X-Twilio-Signature")!] = signature
        } else if let authToken {
            headers[HTTPField.Name("X-Twilio-Signature")!] = Self.sign(url: Self.publicBaseURL + path, parameters: parameters, token: authToken)
        }
        if let idempotencyToken { headers[HTTPField.Name("I-Twilio-Idempotency-Token")!] = idempotencyToken }
        let body = rawBody.map { ByteBuffer(bytes: $0) } ?? ByteBuffer(string: Self.formEncode(parameters))
        return try await client.execute(uri: path, method: .post, headers: headers, body: body) { response in
            (response.status, String(buffer: response.body), response.headers[.contentType])
        }
    }
}

/// A call's webhooks, as Twilio would send them for one CallSid.
struct SimulatedCall {
    let twilio: TwilioTestClient
    let sid: String
    var from = "+15557654321"
    var to: String
    private var tokenCounter = 0

    init(twilio: TwilioTestClient, sid: String = "CA" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased(), to: String) {
        self.twilio = twilio
        self.sid = sid
        self.to = to
    }

    var base: [(String, String)] {
        [("AccountSid", "AC00000000000000000000000000000000"), ("CallSid", sid), ("From", from), ("To", to),
         ("Caller", from), ("Called", to), ("Direction", "inbound")]
    }

    mutating func nextToken() -> String {
        tokenCounter += 1
        return "\(sid)-\(tokenCounter)"
    }

    mutating func start(_ client: some TestClientProtocol) async throws -> String {
        try await twilio.post(client, "/twilio/voice", base + [("CallStatus", "ringing")], idempotencyToken: nextToken()).body
    }

    mutating func say(_ client: some TestClientProtocol, _ words: String, confidence: Double = 0.92) async throws -> String {
        try await twilio.post(client, "/twilio/gather", base + [("CallStatus", "in-progress"), ("SpeechResult", words),
                                                               ("Confidence", String(confidence))],
                              idempotencyToken: nextToken()).body
    }

    mutating func silence(_ client: some TestClientProtocol) async throws -> String {
        try await twilio.post(client, "/twilio/gather", base + [("CallStatus", "in-progress")], idempotencyToken: nextToken()).body
    }

    mutating func transferEnded(_ client: some TestClientProtocol, _ status: String) async throws -> String {
        try await twilio.post(client, "/twilio/transfer-status", base + [("DialCallStatus", status), ("CallStatus", "in-progress")],
                              idempotencyToken: nextToken()).body
    }

    mutating func hangUp(_ client: some TestClientProtocol, duration: Int) async throws -> HTTPResponse.Status {
        try await twilio.post(client, "/twilio/call-status", base + [("CallStatus", "completed"), ("CallDuration", String(duration))],
                              idempotencyToken: nextToken()).status
    }
}
