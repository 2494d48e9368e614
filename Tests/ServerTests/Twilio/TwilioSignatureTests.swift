import Foundation
import Testing
@testable import Server

/// twilio-python's own test vectors (`Fixtures/signature_vectors_official.json`, re-verified with twilio
/// 9.13.0): each must validate, and each tampered copy must not.
@Suite struct TwilioSignatureTests {
    /// The token twilio-python's tests sign with.
    static let token = "12345"

    struct Vector {
        let test: String
        let url: String?
        let parameters: FormParameters
        let body: String?
        let expected: String
        /// The library's `validate` was checked (rather than only `compute_signature`).
        let validates: Bool
        /// `compute_hash` vectors: `expected` is the body's hex SHA-256.
        var isHashOnly: Bool { url == nil }
    }

    static func loadVectors() throws -> [Vector] {
        let url = try TwilioTestData.url("signature_vectors_official")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let groups = root.filter { $0.value is [Any] }
        #expect(!groups.isEmpty)
        var vectors: [Vector] = []
        for (_, group) in groups.sorted(by: { $0.key < $1.key }) {
            for case let entry as [String: Any] in group as! [Any] {
                var parameters = FormParameters()
                if let params = entry["params"] as? [String: String] {
                    for (name, value) in params.sorted(by: { $0.key < $1.key }) { parameters.append(name: name, value: value) }
                }
                if let multi = entry["params_multi"] as? [[String]] {
                    for pair in multi { parameters.append(name: pair[0], value: pair[1]) }
                }
                vectors.append(Vector(
                    test: entry["test"] as? String ?? "?", url: entry["url"] as? String, parameters: parameters,
                    body: entry["body"] as? String, expected: try #require(entry["expected"] as? String),
                    validates: entry["library_validate"] as? Bool ?? false))
            }
        }
        return vectors
    }

    @Test func everyOfficialVectorPasses() throws {
        let vectors = try Self.loadVectors()
        #expect(vectors.count >= 8)
        let validator = TwilioSignatureValidator(authToken: Self.token)
        for vector in vectors {
            if vector.isHashOnly {
                #expect(TwilioSignatureValidator.sha256Hex(Array(vector.body!.utf8)) == vector.expected, "\(vector.test)")
                continue
            }
            let url = vector.url!
            if let body = vector.body {
                #expect(validator.isValid(signature: vector.expected, url: url, body: Array(body.utf8)), "\(vector.test)")
            } else {
                #expect(validator.isValid(signature: vector.expected, url: url, parameters: vector.parameters), "\(vector.test)")
                if !vector.validates {
                    // compute_signature vectors sign the URL exactly as given.
                    #expect(validator.signature(url: url, parameters: vector.parameters) == vector.expected, "\(vector.test)")
                }
            }
        }
    }

    @Test func everyTamperedVectorFails() throws {
        let validator = TwilioSignatureValidator(authToken: Self.token)
        let wrongToken = TwilioSignatureValidator(authToken: Self.token + "6")
        var checked = 0
        for vector in try Self.loadVectors() where !vector.isHashOnly {
            let url = vector.url!
            let flipped = Self.flipOneByte(vector.expected)
            let otherURL = url.replacingOccurrences(of: "myapp.php", with: "myapp2.php")
            if let body = vector.body {
                let bytes = Array(body.utf8)
                var tamperedBody = bytes
                tamperedBody[tamperedBody.count / 2] ^= 0x01
                #expect(!validator.isValid(signature: vector.expected, url: url, body: tamperedBody), "\(vector.test) body")
                #expect(!validator.isValid(signature: vector.expected, url: otherURL, body: bytes), "\(vector.test) url")
                #expect(!validator.isValid(signature: flipped, url: url, body: bytes), "\(vector.test) signature")
                #expect(!wrongToken.isValid(signature: vector.expected, url: url, body: bytes), "\(vector.test) token")
                // The hash is in the URL, so swapping in a matching hash for a different body breaks the signature.
                let otherBody = Array("{\"property\": \"other\"}".utf8)
                let rehashed = url.replacingOccurrences(
                    of: TwilioSignatureValidator.sha256Hex(bytes), with: TwilioSignatureValidator.sha256Hex(otherBody))
                #expect(!validator.isValid(signature: vector.expected, url: rehashed, body: otherBody), "\(vector.test) rehash")
            } else {
                var tampered = vector.parameters.fields
                tampered[0].value += "0"
                #expect(!validator.isValid(signature: vector.expected, url: url, parameters: FormParameters(tampered)), "\(vector.test) value")
                #expect(!validator.isValid(signature: vector.expected, url: otherURL, parameters: vector.parameters), "\(vector.test) url")
                #expect(!validator.isValid(signature: flipped, url: url, parameters: vector.parameters), "\(vector.test) signature")
                #expect(!wrongToken.isValid(signature: vector.expected, url: url, parameters: vector.parameters), "\(vector.test) token")
                var extra = vector.parameters
                extra.append(name: "Extra", value: "1")
                #expect(!validator.isValid(signature: vector.expected, url: url, parameters: extra), "\(vector.test) added")
            }
            checked += 1
        }
        #expect(checked >= 7)
    }

    /// Flips one bit of one base64 character's value, keeping the string valid base64.
    static func flipOneByte(_ signature: String) -> String {
        let data = Data(base64Encoded: signature)!
        var bytes = Array(data)
        bytes[3] ^= 0x20
        return Data(bytes).base64EncodedString()
    }

    @Test func duplicateParametersSignSortedValues() {
        let validator = TwilioSignatureValidator(authToken: Self.token)
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2"
        let forward: FormParameters = ["Sid": "CA123", "SidAccount": "AC123", "Digits": "5678", "Digits": "1234"]
        let backward: FormParameters = ["Digits": "1234", "Digits": "5678", "SidAccount": "AC123", "Sid": "CA123"]
        #expect(validator.signature(url: url, parameters: forward) == "IK+Dwps556ElfBT0I3Rgjkr1wJU=")
        #expect(validator.signature(url: url, parameters: backward) == "IK+Dwps556ElfBT0I3Rgjkr1wJU=")
        // A repeated identical pair counts once, like the library's sorted(set(values)).
        var repeated = forward
        repeated.append(name: "Digits", value: "1234")
        #expect(validator.signature(url: url, parameters: repeated) == "IK+Dwps556ElfBT0I3Rgjkr1wJU=")
    }

    /// Computed with twilio 9.13.0's `RequestValidator("secret-token").compute_signature` over a MultiDict of these
    /// pairs: non-ASCII values, a blank value, a repeated identical pair, both spellings of "é", mixed case names.
    @Test func matchesTwilioPythonOnUnicodeAndDuplicates() {
        let validator = TwilioSignatureValidator(authToken: "secret-token")
        let parameters: FormParameters = [
            "SpeechResult": "Crème brûlée, s'il vous plaît?", "Body": "Ünïcødé 🚀 + plus", "ToCity": "",
            "Digits": "9", "Digits": "10", "Digits": "9", "é": "acute", "e\u{301}": "combining", "Z": "upper", "a": "lower",
        ]
        let url = "https://example.com/frontdesk/twilio/voice?business=plumber&x=%20y"
        #expect(validator.signature(url: url, parameters: parameters) == "Jmj/274eFpC04bmKkiiTQ6Q6VzY=")
        #expect(validator.isValid(signature: "Jmj/274eFpC04bmKkiiTQ6Q6VzY=", url: url, parameters: parameters))
    }

    @Test func signedStringOrdersByCodePoint() {
        // "Sid" < "SidAccount" (prefix first) and "Z" < "a" (upper case first), like Python's sorted().
        let groups = TwilioSignatureValidator.sortedGroups(["a": "1", "Z": "2", "SidAccount": "3", "Sid": "4", "é": "5", "e\u{301}": "6"])
        // Bytes, not Strings: Swift's String == would call the two spellings of "é" equal.
        #expect(groups.map(\.name) == ["Sid", "SidAccount", "Z", "a", "e\u{301}", "é"].map { Array($0.utf8) })
    }

    @Test func portVariantsFollowTwilioPython() {
        #expect(TwilioSignatureValidator.portVariants(of: "https://a.com/x?y=1") == ["https://a.com/x?y=1", "https://a.com:443/x?y=1"])
        #expect(TwilioSignatureValidator.portVariants(of: "http://a.com") == ["http://a.com", "http://a.com:80"])
        #expect(TwilioSignatureValidator.portVariants(of: "https://a.com:8443/x") == ["https://a.com/x", "https://a.com:8443/x"])
        #expect(TwilioSignatureValidator.portVariants(of: "https://u:p@a.com/x") == ["https://u:p@a.com/x", "https://u:p@a.com:443/x"])
        #expect(TwilioSignatureValidator.portVariants(of: "http://[::1]:8080/x") == ["http://[::1]/x", "http://[::1]:8080/x"])
        #expect(TwilioSignatureValidator.portVariants(of: "https://a.com:abc/x") == ["https://a.com:abc/x"])
        #expect(TwilioSignatureValidator.portVariants(of: "not a url") == ["not a url"])
    }

    @Test func jsonBodyNeedsBodySHA256() {
        let validator = TwilioSignatureValidator(authToken: Self.token)
        let url = "https://mycompany.com/myapp.php?foo=1"
        let body = Array("{}".utf8)
        let signature = validator.signature(url: url, parameters: [:])
        #expect(!validator.isValid(signature: signature, url: url, body: body))
        let hashed = url + "&bodySHA256=" + TwilioSignatureValidator.sha256Hex(body)
        #expect(validator.isValid(signature: validator.signature(url: hashed, parameters: [:]), url: hashed, body: body))
    }

    @Test func garbageSignaturesFail() {
        let validator = TwilioSignatureValidator(authToken: Self.token)
        let url = "https://mycompany.com/myapp.php"
        for signature in ["", "x", String(repeating: "A", count: 28), String(repeating: "A", count: 10_000), "é"] {
            #expect(!validator.isValid(signature: signature, url: url, parameters: ["a": "b"]))
        }
    }

    @Test func twilioURLJoinsBaseAndRequest() {
        #expect(twilioURL(publicBaseURL: "https://example.com", path: "/twilio/voice", query: nil)
                == "https://example.com/twilio/voice")
        #expect(twilioURL(publicBaseURL: "https://example.com/", path: "/twilio/voice", query: "")
                == "https://example.com/twilio/voice")
        #expect(twilioURL(publicBaseURL: "https://example.com/frontdesk", path: "/twilio/voice", query: "b=1&a=%20")
                == "https://example.com/frontdesk/twilio/voice?b=1&a=%20")
        #expect(twilioURL(publicBaseURL: "https://example.com/frontdesk//", path: "twilio/voice", query: "x")
                == "https://example.com/frontdesk/twilio/voice?x")
        #expect(twilioURL(publicBaseURL: "https://example.com:8443", path: "/", query: nil) == "https://example.com:8443/")
    }
}
