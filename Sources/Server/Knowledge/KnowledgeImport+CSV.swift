import Foundation

extension KnowledgeImport {
    /// RFC 4180 with a required header row (names matched case-insensitively, unknown columns ignored):
    /// `title` or `question`, `content` or `answer`, and optionally `category`, `tags` (split on `,` or `;`)
    /// and `source`. Records may end in CRLF, LF or a lone CR; quoted fields may hold commas, newlines and `""`.
    /// Records whose cells are all blank (spreadsheet padding) are skipped. A record with a different number of
    /// fields from the header is a row error; row = the line on which the record starts (the header is line 1).
    static func parseCSV(_ bytes: ArraySlice<UInt8>, into collector: inout Collector) throws(KnowledgeImportError) {
        var reader = CSVReader(bytes: bytes)
        guard let header = reader.next(), header.malformed == nil,
              header.fields.contains(where: { !$0.allSatisfy(\.isWhitespace) })
        else { throw .unreadable("CSV has no header row") }

        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        func column(_ candidates: String...) -> Int? {
            candidates.lazy.compactMap { names.firstIndex(of: $0) }.first
        }
        guard let titleColumn = column("title", "question"), let contentColumn = column("content", "answer") else {
            throw .unreadable(
                "CSV header needs a title (or question) column and a content (or answer) column; found: "
                    + names.joined(separator: ", "))
        }
        let categoryColumn = column("category")
        let tagsColumn = column("tags")
        let sourceColumn = column("source")

        while let record = reader.next() {
            if let problem = record.malformed {
                try collector.reject(row: record.line, problem)
                continue
            }
            if record.fields.allSatisfy({ $0.allSatisfy(\.isWhitespace) }) { continue }
            guard record.fields.count == names.count else {
                try collector.reject(
                    row: record.line, "row has \(record.fields.count) fields, the header has \(names.count)")
                continue
            }
            let draft = KnowledgeDraft(
                title: record.fields[titleColumn],
                content: record.fields[contentColumn],
                category: categoryColumn.map { record.fields[$0] },
                tags: tagsColumn.map { splitTags(record.fields[$0]) } ?? [],
                source: sourceColumn.map { record.fields[$0] })
            try collector.add(draft, row: record.line)
        }
    }
}

/// One CSV record and the 1-based line it starts on.
struct CSVRecord {
    var fields: [String]
    var line: Int
    /// Why the record could not be read as written (it is still returned, so the reader can go on).
    var malformed: String?
}

/// Reads RFC 4180 records from UTF-8 bytes in one pass. The delimiters are all ASCII, so scanning bytes is
/// safe for any UTF-8 text and each field is decoded once.
struct CSVReader {
    private let bytes: ArraySlice<UInt8>
    private var position: ArraySlice<UInt8>.Index
    /// The line the reader is on, counting newlines inside quoted fields too.
    private var line = 1

    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    init(bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    mutating func next() -> CSVRecord? {
        guard position < bytes.endIndex else { return nil }
        var record = CSVRecord(fields: [], line: line)
        var field: [UInt8] = []
        var quoted = false

        func finishField() {
            record.fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }

        while position < bytes.endIndex {
            let byte = bytes[position]
            position += 1
            if quoted {
                switch byte {
                case Self.quote:
                    if position < bytes.endIndex, bytes[position] == Self.quote {
                        field.append(Self.quote)
                        position += 1
                    } else {
                        quoted = false
                        if position < bytes.endIndex, ![Self.comma, Self.cr, Self.lf].contains(bytes[position]) {
                            record.malformed = record.malformed
                                ?? "field \(record.fields.count + 1): text after a closing quote"
                        }
                    }
                case Self.lf:
                    line += 1
                    field.append(byte)
                case Self.cr:
                    if position >= bytes.endIndex || bytes[position] != Self.lf { line += 1 }
                    field.append(byte)
                default:
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case Self.quote where field.isEmpty:
                quoted = true
            case Self.comma:
                finishField()
            case Self.lf:
                line += 1
                finishField()
                return record
            case Self.cr:
                if position < bytes.endIndex, bytes[position] == Self.lf { position += 1 }
                line += 1
                finishField()
                return record
            default:
                // A quote inside an unquoted field is kept as text, as spreadsheets do.
                field.append(byte)
            }
        }
        if quoted {
            record.malformed = "field \(record.fields.count + 1): quoted field is not closed"
        }
        finishField()
        return record
    }
}
