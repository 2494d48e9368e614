/// Turns knowledge-base text into text fit for Twilio's text-to-speech.
///
/// Knowledge entries are written for a web page: markdown, links, lists and tables. Read aloud as they are,
/// `**`, URLs and table pipes come out as noise, so ``clean(_:)`` reduces them to plain sentences. It only
/// removes or rearranges what is there, apart from a few fixed spoken forms (``spokenForms``): "and" for
/// "&", "our website" for a URL, "at"/"dot" in e-mail addresses and the expansions of a few abbreviations.
public enum VoiceText {
    /// Text made fit to be read aloud.
    ///
    /// - Markdown: headings, list items (`-`, `*`, `+`, `•`, `1.`, `1)`) and table rows become sentences of
    ///   their own (a full stop is added where they have none); a table's header row and separator rows are
    ///   dropped, and a row of cells `A | B | C` is read `A: B, C.`; `**bold**`, `_italics_`, `` `code` ``,
    ///   `~~strike~~`, `> quotes`, rules, code fences and HTML tags lose their markup; `[text](url)` and
    ///   `![alt](url)` become their text.
    /// - A URL becomes "our website", or is dropped when in parentheses or when "website"/"site"/"online"
    ///   comes just before it.
    /// - An e-mail address is spelled out: `records@maple.example` → "records at maple dot example".
    /// - Emoji are removed; "&" becomes "and"; "e.g." "for example"; "i.e." "that is"; "approx." "approximately";
    ///   "hrs"/"mins" "hours"/"minutes"; "No. 5" "number 5"; "Mon–Fri" "Monday to Friday"; an en or em dash
    ///   between numbers "to". Other abbreviations ("Dr.", "St.", "a.m.") are kept: TTS reads them well.
    /// - Whitespace is collapsed to single spaces; the result has no line breaks.
    public static func clean(_ text: String) -> String {
        blocks(of: text)
            .map { spokenBlock(inline($0)) }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
    }

    /// Words ``clean(_:)`` may say that need not appear in the input, lower-cased.
    public static let spokenForms: Set<String> = [
        "and", "our", "website", "at", "dot", "underscore", "for", "example", "that", "is", "approximately",
        "hours", "hour", "minutes", "minute", "number", "to",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    ]

    // MARK: Blocks

    /// Splits markdown into the units that each end in a sentence break: paragraphs, headings, list items and
    /// table rows (header and separator rows dropped, cells joined as "A: B, C").
    static func blocks(of text: String) -> [String] {
        var blocks: [String] = []
        var paragraph: [Substring] = []
        var previousWasTableRow = false

        func flush() {
            if !paragraph.isEmpty { blocks.append(paragraph.joined(separator: " ")) }
            paragraph.removeAll()
        }

        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = trimmed(rawLine)
            let isTableRow = line.hasPrefix("|")
            defer { previousWasTableRow = isTableRow }

            if line.isEmpty || line.wholeMatch(of: horizontalRule) != nil
                || line.hasPrefix("```") || line.hasPrefix("~~~") {
                flush()
            } else if let heading = line.wholeMatch(of: heading) {
                flush()
                blocks.append(String(heading.1))
            } else if isTableRow {
                flush()
                if line.wholeMatch(of: tableSeparator) != nil {
                    // The row just above a separator is the header: column names, not content.
                    if previousWasTableRow, !blocks.isEmpty { blocks.removeLast() }
                } else {
                    let cells = line.split(separator: "|").map { trimmed($0) }.filter { !$0.isEmpty }
                    if let first = cells.first {
                        let rest = cells.dropFirst().joined(separator: ", ")
                        blocks.append(rest.isEmpty ? String(first) : "\(first): \(rest)")
                    }
                }
            } else if let item = line.wholeMatch(of: listItem) {
                flush()
                blocks.append(String(item.1))
            } else if let quote = line.wholeMatch(of: blockQuote) {
                paragraph.append(quote.1)
            } else {
                paragraph.append(line)
            }
        }
        flush()
        return blocks
    }

    nonisolated(unsafe) private static let horizontalRule = #/(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,}/#
    nonisolated(unsafe) private static let heading = #/#{1,6}\s+(.*?)(?:\s+#+)?/#
    nonisolated(unsafe) private static let tableSeparator = #/[\s|:\-]*-[\s|:\-]*/#
    nonisolated(unsafe) private static let listItem = #/(?:[-*+•]|\d{1,3}[.)])\s+(.*)/#
    nonisolated(unsafe) private static let blockQuote = #/>+\s?(.*)/#

    /// Ends a block with a sentence break: a trailing ":" ";" "," becomes a full stop, and one is added
    /// after a block that has no ". ! ?" at its end.
    static func spokenBlock(_ block: String) -> String {
        var block = trimmed(Substring(block))
        while let last = block.last, ":;,-–—".contains(last) {
            block.removeLast()
            block = trimmed(block)
        }
        guard let last = block.last else { return "" }
        let closers: Set<Character> = [")", "\"", "'", "”", "’"]
        var end = block.endIndex
        var terminal = last
        if closers.contains(last), block.count > 1 {
            end = block.index(before: block.endIndex)
            terminal = block[block.index(before: end)]
        }
        if ".!?".contains(terminal) { return String(block) }
        return String(block[..<end]) + "." + block[end...]
    }

    // MARK: Inline

    /// Markup, links, URLs, e-mail addresses, emoji and symbols within one block, made speakable.
    static func inline(_ text: String) -> String {
        var text = text
        // Links first, so that the URL step sees only bare URLs.
        text.replace(#/<((?:https?://|www\.)[^>\s]+)>/#) { String($0.1) }
        text.replace(#/<([^@<>\s]+@[^<>\s]+)>/#) { String($0.1) }
        text.replace(#/<\/?[A-Za-z][^<>]*>/#, with: " ")
        text.replace(#/!\[([^\]]*)\]\([^)]*\)/#) { String($0.1) }
        text.replace(#/\[([^\]]+)\]\([^)]*\)/#) { String($0.1) }
        text = spokenURLs(text)
        text.replace(#/[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}/#) {
            spokenEmail(String($0.0))
        }
        // Emphasis, code and strike-through markers carry no words.
        text.replace(#/[*`~]+/#, with: "")
        text.replace("_", with: " ")
        text.replace("|", with: ",")
        text = removingEmoji(text)
        text.replace("&amp;", with: " and ")
        text.replace("&", with: " and ")
        text.replace(#/\b[Ee]\.\s?[Gg]\.(?:,)?/#, with: "for example,")
        text.replace(#/\b[Ii]\.\s?[Ee]\.(?:,)?/#, with: "that is,")
        text.replace(#/\b([Aa])pprox\.?(?=\s)/#) { "\($0.1)pproximately" }
        text.replace(#/\b(\d+)\s?hrs?\b\.?/#) { "\($0.1) hours" }
        text.replace(#/\b(\d+)\s?mins?\b\.?/#) { "\($0.1) minutes" }
        text.replace(#/\b[Nn]o\.\s?(\d)/#) { "number \($0.1)" }
        text.replace(#/\b(Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\.?\s*[-–—]\s*(Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\b\.?/#) {
            "\(weekday($0.1)) to \(weekday($0.2))"
        }
        text.replace(#/(\d)\s*[–—]\s*(\d)/#) { "\($0.1) to \($0.2)" }
        return tidy(text)
    }

    /// A URL becomes "our website"; it is dropped when in parentheses or when the word before it already
    /// names it ("on our website https://…", "our web page at https://…", where "at" goes too).
    static func spokenURLs(_ text: String) -> String {
        let url = #/(?:https?://|www\.)[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'"]/#
        let names: Set<String> = ["website", "site", "webpage", "page", "portal"]
        let prepositions: Set<String> = ["at", "on", "via"]
        var result = ""
        var rest = text[...]
        while let match = rest.firstMatch(of: url) {
            var before = rest[..<match.range.lowerBound]
            var after = rest[match.range.upperBound...]
            let words = before.split(whereSeparator: \.isWhitespace).suffix(2)
                .map { $0.lowercased().trimming(":,") }
            if before.hasSuffix("("), after.hasPrefix(")") {
                before = before.dropLast()
                after = after.dropFirst()
            } else if let last = words.last, names.contains(last) {
                // "…our website: https://…" → "…our website"
            } else if words.count == 2, prepositions.contains(words[1]), names.contains(words[0]) {
                before = trimmed(before).dropLast(words[1].count)  // "…our web page at https://…" → "…our web page"
            } else {
                result += before
                result += "our website"
                rest = after
                continue
            }
            while let last = before.last, last == " " || last == ":" { before = before.dropLast() }
            result += before
            rest = after
        }
        result += rest
        return result
    }

    /// `first.last@shop-name.example` → "first dot last at shop-name dot example".
    static func spokenEmail(_ address: String) -> String {
        var spoken = ""
        for character in address {
            switch character {
            case "@": spoken += " at "
            case ".": spoken += " dot "
            case "_": spoken += " underscore "
            default: spoken.append(character)
            }
        }
        return spoken
    }

    private static func weekday(_ abbreviation: Substring) -> String {
        switch abbreviation.prefix(2) {
        case "Mo": "Monday"
        case "Tu": "Tuesday"
        case "We": "Wednesday"
        case "Th": "Thursday"
        case "Fr": "Friday"
        case "Sa": "Saturday"
        default: "Sunday"
        }
    }

    /// Drops pictographs and the joiners, variation selectors and modifiers that build emoji sequences;
    /// keeps digits, `#` and `*`-free text, ©, ®, ™ and other symbols TTS can read.
    static func removingEmoji(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let properties = scalar.properties
            let isPictograph = properties.isEmojiPresentation
                || (properties.isEmoji && scalar.value >= 0x2190 && scalar.value != 0x2122)
            let isEmojiGlue = scalar.value == 0x200D || (0xFE00...0xFE0F).contains(scalar.value)
                || scalar.value == 0x20E3 || (0x1F3FB...0x1F3FF).contains(scalar.value)
                || (0xE0020...0xE007F).contains(scalar.value)
            if isPictograph || isEmojiGlue {
                scalars.append(" ")
            } else {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// Single spaces, no space before punctuation, no empty brackets or doubled punctuation.
    static func tidy(_ text: String) -> String {
        var text = text
        text.replace(#/\s+/#, with: " ")
        text.replace(#/\(\s*[,;:]?\s*\)/#, with: "")
        text.replace(#/\(\s+/#, with: "(")
        text.replace(#/\s+\)/#, with: ")")
        text.replace(#/\s+([.,;:!?])/#) { String($0.1) }
        text.replace(#/,(?:\s*,)+/#, with: ",")
        text.replace(#/[,;:]+\s*([.!?])/#) { String($0.1) }
        text.replace(#/([!?])[.!?]+/#) { String($0.1) }
        text.replace(#/\.{2,}/#, with: ".")
        text.replace(#/\s+/#, with: " ")
        return String(trimmed(Substring(text)))
    }

    static func trimmed(_ text: Substring) -> Substring {
        var text = text
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text
    }

    static func trimmed(_ text: String) -> String { String(trimmed(Substring(text))) }
}

extension String {
    /// Without leading and trailing characters from `set`.
    fileprivate func trimming(_ set: String) -> String {
        var text = self[...]
        while let first = text.first, set.contains(first) { text.removeFirst() }
        while let last = text.last, set.contains(last) { text.removeLast() }
        return String(text)
    }
}
