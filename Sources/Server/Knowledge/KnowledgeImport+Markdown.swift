import Foundation

extension KnowledgeImport {
    /// One entry per ATX heading (`#` … `######`); row = the heading's ordinal in the document.
    ///
    /// - A heading's content is its text up to the next heading of any level, trimmed and otherwise kept as
    ///   markdown. (Not "up to the next heading of the same level": FAQ pages nest questions under topics, and
    ///   folding every question into its topic would make one huge entry per topic.)
    /// - A heading with no text of its own that is followed by a deeper heading is a *group*: it is not an
    ///   entry, and its text becomes the `category` of the entries beneath it (the nearest group wins).
    /// - A heading with no text and nothing beneath it is an entry without content: a row error, since the
    ///   author most likely forgot the answer.
    /// - Text before the first heading is ignored when blank, else it is an entry (row 0) titled by
    ///   `defaultSource`, or "Introduction".
    /// - A YAML front-matter block (`---` … `---` at the very top) is skipped. Headings inside fenced code
    ///   blocks are text. Setext headings (underlined with `===`/`---`) are not recognised.
    static func parseMarkdown(_ text: String, into collector: inout Collector) throws(KnowledgeImportError) {
        let document = MarkdownOutline(text)

        if !document.preamble.allSatisfy(isBlank) {
            let title = collector.defaultSource.flatMap { $0.isEmpty ? nil : $0 } ?? "Introduction"
            try collector.add(KnowledgeDraft(title: title, content: document.preamble.joined(separator: "\n")), row: 0)
        }

        let sections = document.sections
        var ancestors: [(level: Int, title: String, isGroup: Bool)] = []
        for (index, section) in sections.enumerated() {
            let hasBody = !section.body.allSatisfy(isBlank)
            let isGroup = !hasBody && index + 1 < sections.count && sections[index + 1].level > section.level
            while let last = ancestors.last, last.level >= section.level { ancestors.removeLast() }
            let category = ancestors.last(where: \.isGroup)?.title
            ancestors.append((section.level, section.title, isGroup))
            guard !isGroup else { continue }

            let draft = KnowledgeDraft(
                title: section.title, content: section.body.joined(separator: "\n"), category: category)
            try collector.add(draft, row: index + 1)
        }
    }
}

/// A markdown document cut at its ATX headings.
struct MarkdownOutline {
    struct Section {
        /// 1…6, the number of `#`s.
        var level: Int
        var title: String
        var body: [Substring] = []
    }

    /// Lines before the first heading (front matter excluded).
    var preamble: [Substring] = []
    var sections: [Section] = []

    init(_ text: String) {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })[...]
        lines = Self.droppingFrontMatter(lines)

        var fence: (marker: Character, count: Int)?
        for line in lines {
            if let opened = fence {
                if let closing = Self.fence(line), closing.marker == opened.marker, closing.count >= opened.count,
                   closing.info.isEmpty {
                    fence = nil
                }
                append(line)
                continue
            }
            if let opening = Self.fence(line) {
                fence = (opening.marker, opening.count)
                append(line)
            } else if let heading = Self.heading(line) {
                sections.append(Section(level: heading.level, title: heading.title))
            } else {
                append(line)
            }
        }
    }

    private mutating func append(_ line: Substring) {
        if sections.isEmpty {
            preamble.append(line)
        } else {
            sections[sections.count - 1].body.append(line)
        }
    }

    /// Parses an ATX heading: up to 3 spaces, 1–6 `#`, then a space, tab or end of line. A closing run of `#`s
    /// is stripped only when a space precedes it (CommonMark), so "C#" keeps its `#`.
    static func heading(_ line: Substring) -> (level: Int, title: String)? {
        let indent = line.prefix(while: { $0 == " " })
        guard indent.count <= 3 else { return nil }
        let rest = line[indent.endIndex...]
        let hashes = rest.prefix(while: { $0 == "#" })
        guard (1...6).contains(hashes.count) else { return nil }
        var title = rest[hashes.endIndex...]
        guard title.isEmpty || title.first == " " || title.first == "\t" else { return nil }

        title = title.drop(while: { $0 == " " || $0 == "\t" })
        while let last = title.last, last == " " || last == "\t" { title.removeLast() }
        let withoutClosing = title.reversed().drop(while: { $0 == "#" })
        if withoutClosing.count < title.count, withoutClosing.isEmpty || [" ", "\t"].contains(withoutClosing.first!) {
            title = title.prefix(withoutClosing.count)
        }
        return (hashes.count, title.trimmingCharacters(in: .whitespaces))
    }

    /// Parses a code-fence line: up to 3 spaces, then 3 or more backticks or tildes, then an info string.
    private static func fence(_ line: Substring) -> (marker: Character, count: Int, info: Substring)? {
        let indent = line.prefix(while: { $0 == " " })
        guard indent.count <= 3, let marker = line[indent.endIndex...].first, marker == "`" || marker == "~" else {
            return nil
        }
        let run = line[indent.endIndex...].prefix(while: { $0 == marker })
        guard run.count >= 3 else { return nil }
        return (marker, run.count, line[run.endIndex...].drop(while: { $0 == " " || $0 == "\t" }))
    }

    /// Drops a leading `---` … `---` (or `...`) block; leaves the lines alone when it is not closed.
    private static func droppingFrontMatter(_ lines: ArraySlice<Substring>) -> ArraySlice<Substring> {
        guard let first = lines.first, first.trimmingCharacters(in: .whitespaces) == "---" else { return lines }
        let afterOpening = lines.dropFirst()
        guard let closing = afterOpening.firstIndex(where: {
            let trimmed = $0.trimmingCharacters(in: .whitespaces)
            return trimmed == "---" || trimmed == "..."
        }) else { return lines }
        return lines[(closing + 1)...]
    }
}
