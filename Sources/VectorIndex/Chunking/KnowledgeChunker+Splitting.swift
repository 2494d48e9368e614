// Splitting text into paragraphs, words and sentences. Works on Unicode scalars so that a combining mark
// after a space (one grapheme cluster with it) is kept as part of the next word, never dropped.

extension KnowledgeChunker {
    /// The paragraphs of `text` as lists of words. Words are runs of non-whitespace scalars (Unicode
    /// `White_Space`, a superset of what BERT splits on, so joining words with spaces keeps their word
    /// pieces); a paragraph ends at a whitespace run holding two or more line breaks.
    static func paragraphs(in text: String) -> [[String]] {
        let scalars = text.unicodeScalars
        var paragraphs: [[String]] = []
        var words: [String] = []
        var wordStart: String.UnicodeScalarView.Index?
        var lineBreaks = 0
        var previousWasCR = false
        for index in scalars.indices {
            let scalar = scalars[index]
            guard scalar.properties.isWhitespace else {
                if wordStart == nil {
                    if lineBreaks >= 2, !words.isEmpty {
                        paragraphs.append(words)
                        words.removeAll()
                    }
                    lineBreaks = 0
                    wordStart = index
                }
                previousWasCR = false
                continue
            }
            if let start = wordStart {
                words.append(String(scalars[start..<index]))
                wordStart = nil
            }
            switch scalar {
            case "\n": if !previousWasCR { lineBreaks += 1 }  // CR LF is one break
            case "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}": lineBreaks += 1
            case "\u{2029}": lineBreaks += 2  // PARAGRAPH SEPARATOR
            default: break
            }
            previousWasCR = scalar == "\r"
        }
        if let start = wordStart { words.append(String(scalars[start...])) }
        if !words.isEmpty { paragraphs.append(words) }
        return paragraphs
    }

    /// Splits a paragraph's words into sentences: after a word ending in `.`, `?` or `!` (before any closing
    /// quotes or brackets), unless that word is an abbreviation. A full stop inside a word ("£1.50",
    /// "example.com") is never a boundary, as it is not followed by whitespace.
    static func sentences(_ words: [String]) -> [ArraySlice<String>] {
        var sentences: [ArraySlice<String>] = []
        var start = 0
        for index in words.indices.dropLast() where endsSentence(words[index]) {
            sentences.append(words[start...index])
            start = index + 1
        }
        if start < words.count { sentences.append(words[start...]) }
        return sentences
    }

    /// Words that end in a full stop without ending a sentence, lowercased, without that full stop.
    /// Kept small on purpose: missing a boundary only makes a sentence longer, which packing absorbs.
    static let abbreviations: Set<Substring> = [
        "e.g", "i.e", "cf", "vs", "approx", "incl", "dr", "mr", "mrs", "ms", "prof", "st", "no", "jr", "sr",
        "inc", "ltd", "co", "ext", "tel", "a.m", "p.m",
    ]

    static func endsSentence(_ word: String) -> Bool {
        var core = Substring(word)
        while let last = core.last, "\"')]}”’»".contains(last) { core.removeLast() }
        guard let last = core.last else { return false }
        if last == "?" || last == "!" { return true }
        guard last == "." else { return false }
        core.removeLast()
        if core.last == "." { return true }  // an ellipsis
        while let first = core.first, "\"'([{“‘«".contains(first) { core.removeFirst() }
        if core.count == 1, core.first?.isLetter == true { return false }  // an initial: "J. Smith"
        return !abbreviations.contains(Substring(core.lowercased()))
    }
}
