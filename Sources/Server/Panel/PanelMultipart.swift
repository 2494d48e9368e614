import Foundation

/// A `multipart/form-data` body (RFC 7578): what a browser posts for a form with a file input. Only the panel's
/// file upload (the knowledge import) uses it, so this reads what browsers send — parts with a
/// `Content-Disposition: form-data; name="…"` (and `filename="…"` for a file) and an optional `Content-Type` —
/// and nothing more (no nested multipart, no `Content-Transfer-Encoding`).
struct PanelMultipart: Sendable {
    struct Part: Sendable {
        let name: String
        /// The file's name as the browser gave it; nil for a plain field.
        let filename: String?
        let contentType: String?
        let body: [UInt8]

        var text: String? { String(validating: body, as: UTF8.self) }
    }

    let parts: [Part]

    /// The first part named `name`.
    func part(_ name: String) -> Part? { parts.first { $0.name == name } }

    /// The plain fields (not files) as a form, for routes that read `context.panelForm`.
    var fields: FormParameters {
        var form = FormParameters()
        for part in parts where part.filename == nil {
            if let text = part.text { form.append(name: part.name, value: text) }
        }
        return form
    }

    /// The `boundary` parameter of a `multipart/form-data` content type; nil for any other type.
    static func boundary(contentType: String?) -> String? {
        guard let contentType else { return nil }
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard pieces.first?.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return (1...70).contains(value.utf8.count) ? value : nil
        }
        return nil
    }

    /// Splits `body` at `--boundary` lines. Throws 400 `invalid_form` for a body that is not multipart.
    static func parse(_ body: [UInt8], boundary: String) throws -> PanelMultipart {
        let delimiter = Array(("--" + boundary).utf8)
        let invalid = AppError(.badRequest, code: "invalid_form", message: "the form's multipart body could not be read")
        guard var cursor = find(delimiter, in: body, from: 0) else { throw invalid }
        var parts: [Part] = []
        while true {
            cursor += delimiter.count
            // `--` after a delimiter ends the body.
            if body.count >= cursor + 2, body[cursor] == 0x2D, body[cursor + 1] == 0x2D { break }
            guard body.count >= cursor + 2, body[cursor] == 0x0D, body[cursor + 1] == 0x0A else { throw invalid }
            let headersStart = cursor + 2
            guard let headersEnd = find([0x0D, 0x0A, 0x0D, 0x0A], in: body, from: headersStart),
                  let next = find([0x0D, 0x0A] + delimiter, in: body, from: headersEnd + 4),
                  let headerText = String(validating: body[headersStart..<headersEnd], as: UTF8.self)
            else { throw invalid }
            var name: String?, filename: String?, contentType: String?
            for line in headerText.components(separatedBy: "\r\n") {
                let pair = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2 else { continue }
                switch pair[0].lowercased() {
                case "content-disposition":
                    name = parameter("name", of: pair[1])
                    filename = parameter("filename", of: pair[1])
                case "content-type":
                    contentType = pair[1]
                default: break
                }
            }
            guard let name else { throw invalid }
            parts.append(Part(name: name, filename: filename, contentType: contentType,
                              body: Array(body[(headersEnd + 4)..<next])))
            cursor = next + 2
        }
        return PanelMultipart(parts: parts)
    }

    /// `key="value"` (or unquoted) in a `Content-Disposition` value.
    private static func parameter(_ key: String, of value: String) -> String? {
        for piece in value.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == key else { continue }
            var text = pair[1]
            if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = String(text.dropFirst().dropLast()) }
            return text.replacingOccurrences(of: "%22", with: "\"")
        }
        return nil
    }

    /// The first index of `needle` in `haystack` at or after `start`.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first {
                var matched = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }
}
