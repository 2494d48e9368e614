/// The fields of an `application/x-www-form-urlencoded` body (what Twilio POSTs to webhooks), in the order they
/// were sent, duplicates kept.
///
/// Decoding is strict: a `%` not followed by two hex digits, or bytes that do not form valid UTF-8 after
/// percent-decoding, throw ``DecodingError`` rather than being replaced or passed through. Twilio always encodes
/// its parameters correctly, and the signature is computed over the decoded values, so guessing at a malformed
/// body could only make the signature check disagree with the sender; the route answers 400 instead.
///
/// Rules otherwise follow the WHATWG URL standard's form parser: fields are separated by `&`, empty fields are
/// skipped, the first `=` splits name from value (a field without `=` has an empty value), `+` is a space, and
/// blank values are kept (Twilio signs them: `ToCity=` is part of the signed string).
public struct FormParameters: Sendable, Equatable {
    /// One `name=value` pair, decoded.
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Every field in body order, duplicates included.
    public private(set) var fields: [Field]

    public init(_ fields: [Field] = []) {
        self.fields = fields
    }

    /// Decodes a form body.
    ///
    /// - Throws: ``DecodingError`` for a bad percent escape or invalid UTF-8; its `offset` is the byte offset in
    ///   `body` where the problem is.
    public init(formEncoded body: some Collection<UInt8>) throws(DecodingError) {
        let bytes = Array(body)
        var fields: [Field] = []
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "&") { end += 1 }
            if end > start {
                var equals = start
                while equals < end, bytes[equals] != UInt8(ascii: "=") { equals += 1 }
                let name = try Self.decode(bytes, start..<equals)
                let value = equals < end ? try Self.decode(bytes, (equals + 1)..<end) : ""
                fields.append(Field(name: name, value: value))
            }
            start = end + 1
        }
        self.fields = fields
    }

    /// Decodes a form body given as text (for example a URL's query string).
    public init(formEncoded string: String) throws(DecodingError) {
        try self.init(formEncoded: Array(string.utf8))
    }

    /// The first value of `name`, or nil when the body has no such field.
    public subscript(name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// Every value of `name`, in body order (`a=1&a=2` → `["1", "2"]`).
    public func values(_ name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.value)
    }

    public var isEmpty: Bool { fields.isEmpty }
    public var count: Int { fields.count }

    /// Adds a field at the end.
    public mutating func append(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// The body encoded as `application/x-www-form-urlencoded` (WHATWG serializer: `*-._` and alphanumerics stay,
    /// space becomes `+`, every other byte of the UTF-8 becomes `%XX`). `FormParameters(formEncoded:)` reads it
    /// back to an equal value; useful for outbound Twilio REST calls and tests.
    public var formEncoded: String {
        fields.map { Self.encode($0.name) + "=" + Self.encode($0.value) }.joined(separator: "&")
    }

    /// Why a body could not be decoded, and where.
    public struct DecodingError: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Reason: Sendable, Equatable {
            /// `%` not followed by two hex digits.
            case invalidPercentEscape
            /// The decoded bytes of a name or value are not valid UTF-8.
            case invalidUTF8
        }

        public let reason: Reason
        /// Byte offset in the body: of the `%` for an escape, of the name or value for UTF-8.
        public let offset: Int

        public var description: String {
            switch reason {
            case .invalidPercentEscape: "invalid percent escape at byte \(offset) of the form body"
            case .invalidUTF8: "form field at byte \(offset) is not valid UTF-8 once percent-decoded"
            }
        }
    }

    // MARK: - Encoding details

    private static func decode(_ bytes: [UInt8], _ range: Range<Int>) throws(DecodingError) -> String {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(range.count)
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "+"):
                decoded.append(UInt8(ascii: " "))
                index += 1
            case UInt8(ascii: "%"):
                guard let high = hexValue(bytes[safe: index + 1, below: range.upperBound]),
                      let low = hexValue(bytes[safe: index + 2, below: range.upperBound])
                else { throw DecodingError(reason: .invalidPercentEscape, offset: index) }
                decoded.append(high << 4 | low)
                index += 3
            default:
                decoded.append(byte)
                index += 1
            }
        }
        guard let string = String(validating: decoded, as: UTF8.self) else {
            throw DecodingError(reason: .invalidUTF8, offset: range.lowerBound)
        }
        return string
    }

    private static func hexValue(_ byte: UInt8?) -> UInt8? {
        switch byte {
        case .some(let b) where b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case .some(let b) where b >= UInt8(ascii: "a") && b <= UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case .some(let b) where b >= UInt8(ascii: "A") && b <= UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func encode(_ string: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(string.utf8.count)
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "*"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
                out.append(byte)
            case UInt8(ascii: " "):
                out.append(UInt8(ascii: "+"))
            default:
                out.append(UInt8(ascii: "%"))
                out.append(upperHex[Int(byte >> 4)])
                out.append(upperHex[Int(byte & 0x0f)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let upperHex: [UInt8] = Array("0123456789ABCDEF".utf8)
}

extension FormParameters: ExpressibleByDictionaryLiteral {
    /// `["Digits": "5678", "Digits": "1234"]` keeps both fields, in order (a literal, not a `Dictionary`).
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements.map { Field(name: $0.0, value: $0.1) })
    }
}

extension Array where Element == UInt8 {
    /// The byte at `index` when it lies before `limit`, else nil.
    fileprivate subscript(safe index: Int, below limit: Int) -> UInt8? {
        index < limit && index < count ? self[index] : nil
    }
}
