import Foundation
import Testing
@testable import Server

@Suite struct FormParametersTests {
    /// Every payload in `Fixtures/webhook_payloads.json`, form-encoded (both with our encoder and with
    /// Foundation's percent-encoding), decodes to the same fields in the same order.
    @Test func webhookPayloadsRoundTrip() throws {
        let url = try TwilioTestData.url("webhook_payloads")
        let payloads = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]])
        #expect(payloads.count >= 10)
        for payload in payloads {
            let name = payload["name"] as? String ?? "?"
            let params = try #require(payload["params"] as? [String: String], "\(name)")
            let fields = params.sorted { $0.key < $1.key }.map { FormParameters.Field(name: $0.key, value: $0.value) }
            let expected = FormParameters(fields)

            #expect(try FormParameters(formEncoded: expected.formEncoded) == expected, "\(name)")
            let foundation = fields.map { Self.percentEncode($0.name) + "=" + Self.percentEncode($0.value) }.joined(separator: "&")
            let decoded = try FormParameters(formEncoded: foundation)
            #expect(decoded == expected, "\(name)")
            for (key, value) in params {
                #expect(decoded[key] == value, "\(name).\(key)")
            }
        }
    }

    @Test func speechResultWithPunctuationAndPlus() throws {
        let form = try FormParameters(formEncoded: "SpeechResult=Hi%2C+what+time+do+you+close%3F+1%2B1&Confidence=0.9186426")
        #expect(form["SpeechResult"] == "Hi, what time do you close? 1+1")
        #expect(form["Confidence"] == "0.9186426")
    }

    @Test func emptyBodyHasNoFields() throws {
        #expect(try FormParameters(formEncoded: "").isEmpty)
        #expect(try FormParameters(formEncoded: "&&&").isEmpty)
        #expect(try FormParameters(formEncoded: [UInt8]()).count == 0)
    }

    @Test func duplicatesAreKeptInOrder() throws {
        let form = try FormParameters(formEncoded: "a=1&b=x&a=2")
        #expect(form["a"] == "1")
        #expect(form.values("a") == ["1", "2"])
        #expect(form.values("missing") == [])
        #expect(form["missing"] == nil)
        #expect(form.fields.map(\.name) == ["a", "b", "a"])
    }

    @Test func blankValuesAndMissingEqualsAreKept() throws {
        let form = try FormParameters(formEncoded: "ToCity=&Flag&=anonymous&x=a=b")
        #expect(form.fields == [
            .init(name: "ToCity", value: ""), .init(name: "Flag", value: ""),
            .init(name: "", value: "anonymous"), .init(name: "x", value: "a=b"),
        ])
    }

    @Test func badPercentEscapesThrow() {
        for (body, offset) in [("a=%ZZ", 2), ("a=1&b=%", 6), ("a=%4", 2), ("%G1=x", 0), ("a=%%41", 2)] {
            #expect(throws: FormParameters.DecodingError(reason: .invalidPercentEscape, offset: offset), "\(body)") {
                try FormParameters(formEncoded: body)
            }
        }
    }

    @Test func invalidUTF8Throws() throws {
        // The offset is where the value starts: o0 k1 =2 13 &4 a5 =6 %7.
        #expect(throws: FormParameters.DecodingError(reason: .invalidUTF8, offset: 7)) {
            try FormParameters(formEncoded: "ok=1&a=%FF")
        }
        // Raw (not percent-encoded) invalid bytes too.
        #expect(throws: FormParameters.DecodingError.self) {
            try FormParameters(formEncoded: [UInt8(ascii: "a"), UInt8(ascii: "="), 0xC3])
        }
        // A valid multi-byte sequence is fine, encoded or raw.
        #expect(try FormParameters(formEncoded: "a=%C3%A9")["a"] == "é")
        #expect(try FormParameters(formEncoded: Array("a=é".utf8))["a"] == "é")
    }

    @Test func tenKilobyteValues() throws {
        let value = String(repeating: "héllo wörld & more = ", count: 500)
        #expect(value.utf8.count > 10_000)
        let form: FormParameters = ["Body": value, "Small": "1"]
        let decoded = try FormParameters(formEncoded: form.formEncoded)
        #expect(decoded["Body"] == value)
        #expect(decoded["Small"] == "1")
    }

    @Test func encodingMatchesWHATWG() {
        let form: FormParameters = ["a b": "1+2=3&4", "é": "*-._~"]
        #expect(form.formEncoded == "a+b=1%2B2%3D3%264&%C3%A9=*-._%7E")
    }

    /// Foundation's RFC 3986 unreserved set, with space as %20 (a different but equally valid encoding).
    static func percentEncode(_ string: String) -> String {
        string.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn:
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"))!
    }
}
