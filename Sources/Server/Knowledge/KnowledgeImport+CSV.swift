import Campaigns
import Foundation

extension KnowledgeImport {
    /// RFC 4180 with a required header row (names matched case-insensitively, unknown columns ignored):
    /// `title` or `question`, `content` or `answer`, and optionally `category`, `tags` (split on `,` or `;`)
    /// and `source`. Records may end in CRLF, LF or a lone CR; quoted fields may hold commas, newlines and `""`.
    /// Records whose cells are all blank (spreadsheet padding) are skipped. A record with a different number of
    /// fields from the header is a row error; row = the line on which the record starts (the header is line 1).
    static func parseCSV(_ bytes: ArraySlice<UInt8>, into collector: inout Collector) throws(KnowledgeImportError) {
        var reader = CSVRecordReader(bytes: bytes)
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
