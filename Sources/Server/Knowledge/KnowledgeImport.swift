import Foundation

/// One knowledge-base entry as read from an import body, before it is stored.
public struct KnowledgeDraft: Sendable, Equatable, Codable {
    public var title: String
    public var content: String
    public var category: String?
    public var tags: [String]
    /// Where the entry came from (a URL, a file name, "website/about"); shown to admins, never to callers.
    public var source: String?

    public init(title: String, content: String, category: String? = nil, tags: [String] = [], source: String? = nil) {
        self.title = title
        self.content = content
        self.category = category
        self.tags = tags
        self.source = source
    }
}

/// The body formats `POST /v1/knowledge/import` understands.
public enum KnowledgeImportFormat: String, Sendable, CaseIterable {
    /// A top-level array of entry objects.
    case json
    /// One entry object per line (JSON Lines / NDJSON).
    case jsonl
    /// One entry per ATX heading.
    case markdown
    /// RFC 4180 with a header row.
    case csv
    /// The whole body is one entry.
    case text

    /// Picks the format of an import body.
    ///
    /// - Parameters:
    ///   - contentType: the request's `Content-Type`; parameters such as `; charset=utf-8` are ignored.
    ///   - explicit: the `format` query value. When present (non-blank) it wins over the content type, and an
    ///     unknown value gives `nil` rather than falling back, so a typo is reported instead of guessed around.
    /// - Returns: the format, or `nil` when neither input names one.
    public static func detect(contentType: String?, explicit: String?) -> KnowledgeImportFormat? {
        if let explicit = explicit?.trimmingCharacters(in: .whitespaces).lowercased(), !explicit.isEmpty {
            switch explicit {
            case "ndjson", "jsonlines": return .jsonl
            case "md": return .markdown
            case "txt", "plain": return .text
            default: return KnowledgeImportFormat(rawValue: explicit)
            }
        }
        guard let contentType else { return nil }
        let mediaType = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
            .first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch mediaType {
        case "application/json", "text/json": return .json
        case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonl",
             "application/jsonlines", "application/x-jsonlines": return .jsonl
        case "text/markdown", "text/x-markdown": return .markdown
        case "text/csv", "application/csv": return .csv
        case "text/plain": return .text
        default: return nil
        }
    }
}

/// A problem with one row of an import; the import is all-or-nothing, so any row error rejects the body.
public struct KnowledgeImportRowError: Sendable, Equatable, Codable {
    /// 1-based position of the row: JSON array index + 1, JSONL line number, CSV line on which the record
    /// starts (the header is line 1), or markdown heading ordinal (0 for the text before the first heading).
    public let row: Int
    /// The offending field (`"title"`, `"tags"`, …), or `nil` when the row as a whole is bad.
    public let field: String?
    public let message: String

    public init(row: Int, field: String?, message: String) {
        self.row = row
        self.field = field
        self.message = message
    }
}

/// The outcome of parsing an import body.
///
/// `drafts` holds the rows that passed validation, in body order; `errors` the rows that did not. Callers
/// implement all-or-nothing by importing `drafts` only when `errors` is empty.
public struct KnowledgeImportResult: Sendable {
    public let drafts: [KnowledgeDraft]
    public let errors: [KnowledgeImportRowError]

    public init(drafts: [KnowledgeDraft], errors: [KnowledgeImportRowError]) {
        self.drafts = drafts
        self.errors = errors
    }
}

/// The body as a whole cannot be imported; no per-row report is possible.
public enum KnowledgeImportError: Error, Equatable {
    /// Not UTF-8, not JSON at all, empty, a CSV without a usable header, too many rows, …
    case unreadable(String)
}

/// Size limits applied to every imported or edited entry.
public struct KnowledgeImportLimits: Sendable {
    /// Largest `content`, in UTF-8 bytes.
    public var maxEntryBytes = 1_000_000
    /// Most entries in one import body.
    public var maxRows = 100_000
    /// Longest `title`, in characters (grapheme clusters).
    public var maxTitleLength = 300
    /// Longest `category`, in characters.
    public var maxCategoryLength = 100
    /// Most tags per entry, after normalisation.
    public var maxTags = 50
    /// Longest tag, in characters.
    public var maxTagLength = 50
    /// Longest `source`, in characters.
    public var maxSourceLength = 500

    public static let `default` = KnowledgeImportLimits()

    public init(maxEntryBytes: Int = 1_000_000, maxRows: Int = 100_000, maxTitleLength: Int = 300) {
        self.maxEntryBytes = maxEntryBytes
        self.maxRows = maxRows
        self.maxTitleLength = maxTitleLength
    }
}

/// Parses knowledge-base import bodies into validated drafts. Pure: no I/O, no clocks.
public enum KnowledgeImport {
    /// Parses an import body.
    ///
    /// - Parameters:
    ///   - body: the raw request body; must be UTF-8 (a leading byte-order mark is skipped).
    ///   - format: see ``KnowledgeImportFormat/detect(contentType:explicit:)``.
    ///   - defaultSource: the `source` of rows that name none (and the title of markdown intro text).
    ///   - limits: size limits; more than `limits.maxRows` rows makes the whole body unreadable.
    /// - Returns: the valid drafts and a per-row error report.
    /// - Throws: ``KnowledgeImportError/unreadable(_:)`` when the body as a whole cannot be read.
    public static func parse(
        _ body: [UInt8], format: KnowledgeImportFormat, defaultSource: String?,
        limits: KnowledgeImportLimits = .default
    ) throws(KnowledgeImportError) -> KnowledgeImportResult {
        var bytes = body[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let text = decodeUTF8(bytes) else { throw .unreadable("body is not valid UTF-8") }
        guard text.contains(where: { !$0.isWhitespace }) else { throw .unreadable("empty body") }

        var collector = Collector(defaultSource: defaultSource, limits: limits)
        switch format {
        case .json: try parseJSON(Data(bytes), into: &collector)
        case .jsonl: try parseJSONLines(bytes, into: &collector)
        case .markdown: try parseMarkdown(text, into: &collector)
        case .csv: try parseCSV(bytes, into: &collector)
        case .text: try parseText(text, into: &collector)
        }
        return KnowledgeImportResult(drafts: collector.drafts, errors: collector.errors)
    }

    /// Parses an import body; see ``parse(_:format:defaultSource:limits:)-([UInt8],_,_,_)``.
    public static func parse(
        _ body: Data, format: KnowledgeImportFormat, defaultSource: String?,
        limits: KnowledgeImportLimits = .default
    ) throws(KnowledgeImportError) -> KnowledgeImportResult {
        try parse([UInt8](body), format: format, defaultSource: defaultSource, limits: limits)
    }

    /// Validates and normalises one draft; shared by import and by single-entry create/update.
    ///
    /// Trims every field; `title` is required and at most `maxTitleLength` characters; `content` is required
    /// and at most `maxEntryBytes` UTF-8 bytes; `category` at most `maxCategoryLength` characters (blank →
    /// `nil`); tags are trimmed, blank ones dropped and duplicates removed case-insensitively keeping the first,
    /// then at most `maxTags` of at most `maxTagLength` characters each; `source` at most `maxSourceLength`
    /// characters (blank → `nil`).
    ///
    /// - Parameter row: the row number to put on errors.
    /// - Returns: the normalised draft and no errors, or `nil` and every problem found.
    public static func validate(
        _ draft: KnowledgeDraft, row: Int, limits: KnowledgeImportLimits
    ) -> (KnowledgeDraft?, [KnowledgeImportRowError]) {
        var errors: [KnowledgeImportRowError] = []
        func fail(_ field: String, _ message: String) {
            errors.append(KnowledgeImportRowError(row: row, field: field, message: message))
        }

        let title = draft.title.trimmingCharacters(in: .whitespacesAndNewlines)
        if title.isEmpty {
            fail("title", "title is required")
        } else if title.count > limits.maxTitleLength {
            fail("title", "title is longer than \(limits.maxTitleLength) characters")
        }

        let content = draft.content.trimmingCharacters(in: .whitespacesAndNewlines)
        if content.isEmpty {
            fail("content", "content is required")
        } else if content.utf8.count > limits.maxEntryBytes {
            fail("content", "content is larger than \(limits.maxEntryBytes) bytes")
        }

        let category = nonBlank(draft.category)
        if let category, category.count > limits.maxCategoryLength {
            fail("category", "category is longer than \(limits.maxCategoryLength) characters")
        }

        var tags: [String] = []
        var seen = Set<String>()
        for tag in draft.tags {
            let tag = tag.trimmingCharacters(in: .whitespacesAndNewlines)
            if !tag.isEmpty, seen.insert(tag.lowercased()).inserted { tags.append(tag) }
        }
        if tags.count > limits.maxTags {
            fail("tags", "more than \(limits.maxTags) tags")
        }
        if let long = tags.first(where: { $0.count > limits.maxTagLength }) {
            fail("tags", "tag \"\(long.prefix(20))…\" is longer than \(limits.maxTagLength) characters")
        }

        let source = nonBlank(draft.source)
        if let source, source.count > limits.maxSourceLength {
            fail("source", "source is longer than \(limits.maxSourceLength) characters")
        }

        guard errors.isEmpty else { return (nil, errors) }
        return (KnowledgeDraft(title: title, content: content, category: category, tags: tags, source: source), [])
    }

    // MARK: - Text

    /// The whole body is one entry: the first non-blank line is the title, the rest the content. A first line
    /// longer than `maxTitleLength` is cut for the title and kept whole in the content, so no text is lost;
    /// a body of one line is both title and content.
    static func parseText(_ text: String, into collector: inout Collector) throws(KnowledgeImportError) {
        guard let firstLine = text.split(whereSeparator: \.isNewline).first(where: { !isBlank($0) }) else {
            throw .unreadable("empty body")
        }
        let fullTitle = firstLine.trimmingCharacters(in: .whitespaces)
        let title = String(fullTitle.prefix(collector.limits.maxTitleLength)).trimmingCharacters(in: .whitespaces)
        var content = String(text[firstLine.endIndex...])
        if title.count < fullTitle.count || isBlank(content[...]) { content = String(text) }
        try collector.add(KnowledgeDraft(title: title, content: content), row: 1)
    }

    // MARK: - Shared helpers

    /// Accumulates validated drafts and row errors, applying the default source and the row limit.
    struct Collector {
        let defaultSource: String?
        let limits: KnowledgeImportLimits
        var drafts: [KnowledgeDraft] = []
        var errors: [KnowledgeImportRowError] = []
        private var rows = 0

        init(defaultSource: String?, limits: KnowledgeImportLimits) {
            self.defaultSource = defaultSource
            self.limits = limits
        }

        /// Counts a row; throws once there are more than `maxRows`.
        mutating func countRow() throws(KnowledgeImportError) {
            rows += 1
            if rows > limits.maxRows { throw .unreadable("more than \(limits.maxRows) rows") }
        }

        /// Counts and validates a row. `fieldErrors` are problems already found while reading the row (a
        /// wrong-typed field); validation errors for those same fields are dropped as redundant.
        mutating func add(
            _ draft: KnowledgeDraft, row: Int, fieldErrors: [KnowledgeImportRowError] = []
        ) throws(KnowledgeImportError) {
            try countRow()
            var draft = draft
            if nonBlank(draft.source) == nil { draft.source = defaultSource }
            let (valid, validationErrors) = KnowledgeImport.validate(draft, row: row, limits: limits)
            let badFields = Set(fieldErrors.compactMap(\.field))
            errors += fieldErrors
            errors += validationErrors.filter { $0.field.map { !badFields.contains($0) } ?? true }
            if let valid, fieldErrors.isEmpty { drafts.append(valid) }
        }

        /// Counts a row that could not be read at all.
        mutating func reject(row: Int, field: String? = nil, _ message: String) throws(KnowledgeImportError) {
            try countRow()
            errors.append(KnowledgeImportRowError(row: row, field: field, message: message))
        }
    }

    /// Splits a tags cell or string on `,` and `;`; trimming and de-duplication happen in `validate`.
    static func splitTags(_ text: String) -> [String] {
        text.split(whereSeparator: { (character: Character) in character == "," || character == ";" })
            .map(String.init)
    }

    static func isBlank(_ text: Substring) -> Bool {
        text.allSatisfy(\.isWhitespace)
    }

    private static func nonBlank(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    private static func decodeUTF8(_ bytes: ArraySlice<UInt8>) -> String? {
        if #available(macOS 15, *) {
            return String(validating: bytes, as: UTF8.self)
        }
        return String(data: Data(bytes), encoding: .utf8)
    }
}
