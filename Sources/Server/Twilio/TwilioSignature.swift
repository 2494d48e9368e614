import Crypto
import Foundation

/// Checks the `X-Twilio-Signature` header of a webhook, exactly as twilio-python's `RequestValidator` does.
///
/// The signature is base64(HMAC-SHA1(auth token, url + name₁ + value₁ + …)) where the names are sorted and
/// each name is followed by each of its values, sorted (duplicate identical pairs count once, as in the
/// library's `sorted(set(values))`). Sorting is by Unicode code point (UTF-8 byte order), like Python's.
///
/// The URL must be the one Twilio requested: build it with ``twilioURL(publicBaseURL:path:query:)`` from the
/// configured public base URL, never from `Host` or `X-Forwarded-*` headers, which the caller controls.
public struct TwilioSignatureValidator: Sendable {
    private let key: SymmetricKey

    /// - Parameter authToken: the Twilio account's auth token (the HMAC key, used as its UTF-8 bytes).
    public init(authToken: String) {
        key = SymmetricKey(data: Array(authToken.utf8))
    }

    /// The base64 signature Twilio sends for a form POST (or GET: pass the query's parameters as empty, since
    /// they are part of `url`) to `url`.
    public func signature(url: String, parameters: FormParameters) -> String {
        var message = Array(url.utf8)
        for (name, values) in Self.sortedGroups(parameters) {
            for value in values {
                message += name
                message += value
            }
        }
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: message, using: key)
        return Data(mac).base64EncodedString()
    }

    /// Whether `signature` (the `X-Twilio-Signature` header) signs a form request to `url` with `parameters`.
    ///
    /// Like twilio-python, the URL is tried without its port and with one (the URL's own, or the scheme's
    /// default — 443 for https, 80 otherwise — when it has none), because Twilio's own signing is inconsistent
    /// about ports. Note the library strips *any* explicit port, not only the default one. Both candidates are
    /// always computed and compared in constant time.
    public func isValid(signature: String, url: String, parameters: FormParameters) -> Bool {
        var valid = false
        for candidate in Self.portVariants(of: url) {
            valid = Self.constantTimeEquals(self.signature(url: candidate, parameters: parameters), signature) || valid
        }
        return valid
    }

    /// Whether `signature` signs a request with a JSON (or other non-form) body: Twilio then puts the lower-case
    /// hex SHA-256 of the raw body in the URL's `bodySHA256` query parameter and signs the URL alone.
    ///
    /// Returns false when the URL has no `bodySHA256` (twilio-python would sign the body's characters as if they
    /// were parameter names, which no Twilio request does), when the hash differs, or when the signature does.
    public func isValid(signature: String, url: String, body: some Collection<UInt8>) -> Bool {
        guard let expectedHash = Self.queryParameters(of: url)?["bodySHA256"], !expectedHash.isEmpty else {
            return false
        }
        let hashMatches = Self.constantTimeEquals(Self.sha256Hex(body), expectedHash)
        let signatureMatches = isValid(signature: signature, url: url, parameters: FormParameters())
        return hashMatches && signatureMatches
    }

    /// Lower-case hex SHA-256 of `body`, the value Twilio puts in `bodySHA256`.
    public static func sha256Hex(_ body: some Collection<UInt8>) -> String {
        let digest = SHA256.hash(data: Array(body))
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(SHA256.byteCount * 2)
        for byte in digest {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - Details

    /// Unique names in code-point order, each with its unique values in code-point order, as UTF-8 bytes.
    /// (Grouping by bytes, not `String ==`, which would merge canonically equivalent but different strings.)
    static func sortedGroups(_ parameters: FormParameters) -> [(name: [UInt8], values: [[UInt8]])] {
        var valuesByName: [[UInt8]: Set<[UInt8]>] = [:]
        for field in parameters.fields {
            valuesByName[Array(field.name.utf8), default: []].insert(Array(field.value.utf8))
        }
        return valuesByName
            .map { (name: $0.key, values: $0.value.sorted(by: Self.bytesLessThan)) }
            .sorted { Self.bytesLessThan($0.name, $1.name) }
    }

    private static func bytesLessThan(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.lexicographicallyPrecedes(b)
    }

    /// `[url without port, url with port]` like twilio-python's `remove_port` / `add_port`, or `[url]` when the
    /// URL has no `scheme://authority` or its port is not a number.
    static func portVariants(of url: String) -> [String] {
        guard let schemeEnd = url.range(of: "://") else { return [url] }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        let authorityStart = schemeEnd.upperBound
        let authorityEnd = url[authorityStart...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? url.endIndex
        let authority = url[authorityStart..<authorityEnd]
        // The host starts after any user-info; an IPv6 literal's colons sit inside brackets.
        let hostStart = authority.lastIndex(of: "@").map { authority.index(after: $0) } ?? authority.startIndex
        let hostPort = authority[hostStart...]
        let searchFrom = hostPort.lastIndex(of: "]") ?? hostPort.startIndex
        let before = url[..<authorityEnd]
        let after = url[authorityEnd...]
        if let colon = hostPort[searchFrom...].lastIndex(of: ":") {
            let port = hostPort[hostPort.index(after: colon)...]
            if !port.isEmpty {
                guard port.allSatisfy({ $0.isASCII && $0.isNumber }) else { return [url] }
                return [String(url[..<colon]) + after, url]
            }
        }
        let defaultPort = scheme == "https" ? "443" : "80"
        return [url, String(before) + ":" + defaultPort + after]
    }

    /// The URL's query decoded like `parse_qs` (`+` is a space), or nil when it cannot be decoded.
    static func queryParameters(of url: String) -> FormParameters? {
        guard let questionMark = url.firstIndex(of: "?") else { return FormParameters() }
        let queryEnd = url[questionMark...].firstIndex(of: "#") ?? url.endIndex
        return try? FormParameters(formEncoded: String(url[url.index(after: questionMark)..<queryEnd]))
    }

    /// Time depends only on the lengths (public: a signature is always 28 characters).
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        KeyHashing.constantTimeEquals(Array(a.utf8), Array(b.utf8))
    }
}

/// The URL Twilio requested, for signature checks: the configured public base URL (`FRONTDESK_PUBLIC_BASE_URL`)
/// joined with the request's raw path and raw query, exactly as they arrived (not decoded and re-encoded, since
/// Twilio signs the bytes it sent).
///
/// A base with a path prefix (`https://example.com/frontdesk`, when a proxy strips `/frontdesk` before
/// forwarding) keeps the prefix; one slash joins base and path whether the base ends in `/` or not.
///
/// - Parameters:
///   - publicBaseURL: scheme, host, optional port and optional path prefix.
///   - path: the request's path as received (`/twilio/voice`); a missing leading slash is added.
///   - query: the raw query without `?`; nil or empty adds no `?`.
public func twilioURL(publicBaseURL: String, path: String, query: String?) -> String {
    var base = Substring(publicBaseURL)
    while base.hasSuffix("/") { base = base.dropLast() }
    var url = String(base)
    if !path.hasPrefix("/") { url += "/" }
    url += path
    if let query, !query.isEmpty { url += "?" + query }
    return url
}
