import Foundation

extension KnowledgeImport {
    /// A top-level array of entry objects. Anything else at the top level makes the body unreadable; a bad
    /// element is a row error (row = index + 1).
    static func parseJSON(_ data: Data, into collector: inout Collector) throws(KnowledgeImportError) {
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw .unreadable("body is not valid JSON")
        }
        guard let array = value as? [Any] else {
            throw .unreadable("expected a JSON array of entries at the top level")
        }
        if array.count > collector.limits.maxRows {
            throw .unreadable("more than \(collector.limits.maxRows) rows")
        }
        for (index, element) in array.enumerated() {
            try addJSONEntry(element, row: index + 1, into: &collector)
        }
    }

    /// One entry object per non-blank line; row = line number. A line that is not JSON is a row error and
    /// parsing goes on with the next line.
    static func parseJSONLines(_ bytes: ArraySlice<UInt8>, into collector: inout Collector) throws(KnowledgeImportError) {
        var line = 0
        for lineBytes in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            line += 1
            // JSON whitespace: space, tab, CR (of CRLF), LF.
            guard lineBytes.contains(where: { !isJSONWhitespace($0) }) else { continue }
            let value: Any
            do {
                value = try JSONSerialization.jsonObject(with: Data(lineBytes), options: [.fragmentsAllowed])
            } catch {
                try collector.reject(row: line, "line is not valid JSON")
                continue
            }
            try addJSONEntry(value, row: line, into: &collector)
        }
    }

    /// Reads `{title|question, content|answer, category?, tags?, source?}`; unknown keys are ignored and
    /// `null` counts as absent. `tags` may be an array of strings or one comma-separated string.
    private static func addJSONEntry(_ value: Any, row: Int, into collector: inout Collector) throws(KnowledgeImportError) {
        guard let object = value as? [String: Any] else {
            try collector.reject(row: row, "entry must be a JSON object")
            return
        }
        var fieldErrors: [KnowledgeImportRowError] = []

        /// The string under the first present, non-null key; a wrong type is a field error.
        func string(_ keys: String...) -> String? {
            for key in keys {
                guard let raw = object[key], !(raw is NSNull) else { continue }
                if let text = raw as? String { return text }
                fieldErrors.append(KnowledgeImportRowError(row: row, field: keys[0], message: "\(key) must be a string"))
                return nil
            }
            return nil
        }

        let title = string("title", "question")
        let content = string("content", "answer")
        let category = string("category")
        let source = string("source")

        var tags: [String] = []
        switch object["tags"] {
        case nil, is NSNull:
            break
        case let text as String:
            tags = splitTags(text)
        case let array as [Any] where array.allSatisfy({ $0 is String }):
            tags = array.compactMap { $0 as? String }
        default:
            fieldErrors.append(KnowledgeImportRowError(
                row: row, field: "tags", message: "tags must be an array of strings or a comma-separated string"))
        }

        let draft = KnowledgeDraft(
            title: title ?? "", content: content ?? "", category: category, tags: tags, source: source)
        try collector.add(draft, row: row, fieldErrors: fieldErrors)
    }

    private static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
