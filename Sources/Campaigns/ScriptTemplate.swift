import Foundation

/// A line of a campaign's script with `{{variable}}` placeholders: "Hi {{first_name}}, this is about your
/// {{service}} on {{date}}."
///
/// A placeholder is `{{`, optional spaces, a name (a letter, then letters, digits or `_`; at most 40; matched
/// without regard to case and kept lower-case), optional spaces, `}}`. Anything else between `{{` and `}}`, or a
/// `{{` never closed, is refused when the line is parsed, so a stored script always renders. The names come from
/// the recipients' columns (`first_name` for a column headed "First Name") and from ``ScriptContext/builtIns``.
public struct ScriptTemplate: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// One piece of the line: text spoken as written, or a variable's value.
    public enum Part: Sendable, Equatable, Hashable {
        case text(String)
        case variable(String)
    }

    /// The line as written (trimmed).
    public let text: String
    public let parts: [Part]

    /// The longest variable name.
    public static let maxNameLength = 40

    /// Parses `text`; `field` names the line in errors ("script.opening_line").
    public init(parsing text: String, field: String) throws(CampaignValidationError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        // NUL is no text a voice can say, and PostgreSQL's text cannot hold it.
        guard !trimmed.unicodeScalars.contains("\u{0}") else {
            throw CampaignValidationError(field: field, "\(field) contains a NUL character")
        }
        var parts: [Part] = []
        var rest = Substring(trimmed)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<open.lowerBound]))) }
            let after = rest[open.upperBound...]
            guard let close = after.range(of: "}}") else {
                throw CampaignValidationError(field: field, "\(field) has a {{ that is never closed with }}")
            }
            let raw = after[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard let name = Self.variableName(raw) else {
                throw CampaignValidationError(field: field,
                    "\(field) has {{\(raw.prefix(50))}}, which is not a variable name (a letter, then letters, digits or _; at most \(Self.maxNameLength))")
            }
            parts.append(.variable(name))
            rest = after[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        self.text = trimmed
        self.parts = parts
    }

    /// `raw` as a variable name (lower-cased), or nil when it is not one.
    public static func variableName(_ raw: some StringProtocol) -> String? {
        let name = raw.lowercased()
        guard (1...maxNameLength).contains(name.count), let first = name.unicodeScalars.first,
              ("a"..."z").contains(first),
              name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" })
        else { return nil }
        return name
    }

    /// The variables the line uses, in order of first use.
    public var variables: [String] {
        var seen: Set<String> = []
        return parts.compactMap { part in
            guard case .variable(let name) = part, seen.insert(name).inserted else { return nil }
            return name
        }
    }

    /// The line with each variable replaced by its value in `values` (surrounding spaces trimmed).
    /// - Throws: ``ScriptRenderError`` naming the first variable `values` lacks or holds blank.
    public func render(_ values: [String: String]) throws(ScriptRenderError) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .text(let text): out += text
            case .variable(let name):
                guard let value = values[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
                    throw ScriptRenderError(variable: name)
                }
                out += value
            }
        }
        return out
    }

    public var description: String { text }
}

extension ScriptTemplate: Codable {
    /// Stored and sent as the line's text; decoding parses it again.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(parsing: text, field: "template")
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

/// A script line could not be spoken: a variable it uses has no value.
public struct ScriptRenderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The variable without a value, e.g. "first_name".
    public let variable: String

    public init(variable: String) { self.variable = variable }

    public var description: String { "the script uses {{\(variable)}}, which has no value for this recipient" }
}
