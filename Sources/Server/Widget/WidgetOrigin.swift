import Foundation

/// Web origins as the widget's allow-list holds them and as browsers send them in `Origin`: `scheme://host[:port]`,
/// scheme `http` or `https`, host in lower case, the scheme's default port left out. Comparison is exact after
/// normalising both sides: no wildcards, no paths, and `https://example.com` does not allow `https://www.example.com`
/// or `http://example.com`.
public enum WidgetOrigin {
    /// The most origins a business may allow.
    public static let maxOrigins = 50

    /// Why an origin was refused, said for the person typing it.
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let origin: String
        public let reason: String
        public var description: String { "\"\(origin.prefix(100))\" is not an origin: \(reason)" }
    }

    /// `raw` normalised (lower-case scheme and host, default port dropped, one trailing `/` dropped).
    /// - Throws: ``Invalid`` naming what is wrong (a path, a wildcard, another scheme, a bad port …).
    public static func normalized(_ raw: String) throws -> String {
        var text = raw.trimmingCharacters(in: .whitespaces)
        func invalid(_ reason: String) -> Invalid { Invalid(origin: raw, reason: reason) }
        guard !text.isEmpty, text.utf8.count <= 300 else { throw invalid("it must be 1–300 characters") }
        guard text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7f }) else {
            throw invalid("use ASCII only (an internationalised domain in its xn-- form)")
        }
        if text.hasSuffix("/") { text.removeLast() }
        guard let separator = text.range(of: "://") else { throw invalid("it must start with http:// or https://") }
        let scheme = text[..<separator.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { throw invalid("the scheme must be http or https") }
        let authority = String(text[separator.upperBound...])
        guard !authority.isEmpty else { throw invalid("it has no host") }
        for (character, what) in [("/", "a path"), ("?", "a query"), ("#", "a fragment"), ("@", "user information"),
                                  ("*", "a wildcard"), ("\\", "a backslash")] where authority.contains(character) {
            throw invalid("an origin is scheme://host[:port] only, without \(what)")
        }
        var host: String
        var portText: String?
        if authority.hasPrefix("[") {
            // An IPv6 literal: [..] then an optional :port.
            guard let close = authority.firstIndex(of: "]") else { throw invalid("an IPv6 address must end with ]") }
            host = String(authority[...close]).lowercased()
            let rest = authority[authority.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw invalid("only :port may follow the host") }
                portText = String(rest.dropFirst())
            }
            let inner = host.dropFirst().dropLast()
            guard !inner.isEmpty, inner.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw invalid("the IPv6 address is not valid")
            }
        } else {
            let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { throw invalid("only :port may follow the host") }
            host = parts[0].lowercased()
            if parts.count == 2 { portText = String(parts[1]) }
            guard (1...253).contains(host.utf8.count) else { throw invalid("the host must be 1–253 characters") }
            let labels = host.split(separator: ".", omittingEmptySubsequences: false)
            for label in labels {
                guard (1...63).contains(label.utf8.count),
                      label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }),
                      label.first != "-", label.last != "-" else {
                    throw invalid("the host name is not valid")
                }
            }
        }
        var port: Int?
        if let portText {
            guard let number = Int(portText), portText.allSatisfy(\.isNumber), (1...65535).contains(number) else {
                throw invalid("the port must be 1–65535")
            }
            port = number
        }
        let defaultPort = scheme == "https" ? 443 : 80
        if let port, port != defaultPort { return "\(scheme)://\(host):\(port)" }
        return "\(scheme)://\(host)"
    }

    /// Every origin of `raw` normalised, duplicates dropped (first kept), in order.
    /// - Throws: the ``Invalid`` of each bad entry, all at once, with its position (1-based).
    public static func normalizedList(_ raw: [String]) throws -> [String] {
        var result: [String] = []
        var problems: [(index: Int, problem: Invalid)] = []
        for (index, origin) in raw.enumerated() {
            do {
                let normalized = try normalized(origin)
                if !result.contains(normalized) { result.append(normalized) }
            } catch let problem as Invalid {
                problems.append((index + 1, problem))
            }
        }
        if !problems.isEmpty { throw InvalidList(problems: problems.map { ($0.index, $0.problem) }) }
        return result
    }

    /// Several bad origins of one list.
    public struct InvalidList: Error {
        public let problems: [(index: Int, problem: Invalid)]
    }

    /// Whether the request's `Origin` header is one of `allowed` (normalised origins). `null` (a sandboxed page, a
    /// file) and anything that does not parse are never allowed.
    public static func isAllowed(_ header: String, in allowed: [String]) -> Bool {
        guard let origin = try? normalized(header) else { return false }
        return allowed.contains(origin)
    }
}
