extension VoiceText {
    /// `text` split into sentences, each trimmed, none empty.
    ///
    /// A sentence ends at `.`, `!` or `?` (and any closing quote or bracket after it) followed by white space
    /// and then a character that is not a lower-case letter, and at a blank line. A full stop does not end a
    /// sentence after a title or address abbreviation ("Dr.", "Mrs.", "St.", "No."), after "e.g."/"i.e.",
    /// after a single capital (an initial, "J. Smith"), or after "a.m."/"p.m."/"etc." when a weekday or month
    /// follows. A full stop with no space after it (`$1.50`, `1.5 bar`, `maple.example`) never ends one.
    public static func sentences(_ text: String) -> [String] {
        var sentences: [String] = []
        for paragraph in paragraphs(of: text) {
            let characters = Array(paragraph)
            var start = 0
            var index = 0
            while index < characters.count {
                guard ".!?".contains(characters[index]) else {
                    index += 1
                    continue
                }
                // The terminator run ("?!", "...") and the closing quotes or brackets after it.
                var end = index
                while end + 1 < characters.count, ".!?".contains(characters[end + 1]) { end += 1 }
                while end + 1 < characters.count, closingMarks.contains(characters[end + 1]) { end += 1 }
                let spaceEnd = characters[(end + 1)...].firstIndex { !$0.isWhitespace } ?? characters.count
                let isFollowedBySpace = spaceEnd > end + 1 || end + 1 == characters.count
                if isFollowedBySpace,
                   endsSentence(characters, terminator: index, start: start, next: spaceEnd) {
                    append(characters[start...end], to: &sentences)
                    start = spaceEnd
                }
                index = end + 1
            }
            if start < characters.count { append(characters[start...], to: &sentences) }
        }
        return sentences
    }

    private static let closingMarks: Set<Character> = [")", "]", "\"", "'", "”", "’", "»"]

    /// Abbreviations (lower-cased, without their final period) that a name or number always follows.
    private static let prefixAbbreviations: Set<String> = [
        "dr", "mr", "mrs", "ms", "mx", "prof", "st", "mt", "ft", "sr", "jr", "rev", "fr", "capt", "lt", "col",
        "sgt", "gen", "no", "nos", "vs", "ave", "rd", "blvd", "apt", "dept", "tel", "ext", "approx", "fig",
        "e.g", "i.e", "cf", "incl", "est",
    ]

    /// Abbreviations that often close a sentence too; they end one unless a weekday or month follows.
    private static let suffixAbbreviations: Set<String> = ["a.m", "p.m", "etc", "am", "pm"]

    private static let calendarWords: Set<String> = [
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "wed", "thu",
        "fri", "sat", "sun", "january", "february", "march", "april", "may", "june", "july", "august",
        "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
        "sept", "oct", "nov", "dec",
    ]

    private static func endsSentence(_ characters: [Character], terminator: Int, start: Int, next: Int) -> Bool {
        guard next < characters.count else { return true }
        if characters[next].isLowercase { return false }
        guard characters[terminator] == "." else { return true }
        // The word the full stop closes, without the stop itself and any opening bracket or quote.
        var wordStart = terminator
        while wordStart > start, !characters[wordStart - 1].isWhitespace { wordStart -= 1 }
        var word = String(characters[wordStart..<terminator]).lowercased()
        while let first = word.first, "([\"'“‘".contains(first) { word.removeFirst() }
        if prefixAbbreviations.contains(word) { return false }
        if word.count == 1, characters[terminator - 1].isUppercase { return false }  // an initial
        if suffixAbbreviations.contains(word) {
            let nextWord = characters[next...].prefix { $0.isLetter }
            return !calendarWords.contains(String(nextWord).lowercased())
        }
        return true
    }

    /// Blank-line separated parts of `text`.
    private static func paragraphs(of text: String) -> [Substring] {
        var paragraphs: [Substring] = []
        var current: Substring? = nil
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if trimmed(line).isEmpty {
                if let paragraph = current { paragraphs.append(paragraph) }
                current = nil
            } else if let paragraph = current {
                current = text[paragraph.startIndex..<line.endIndex]
            } else {
                current = line
            }
        }
        if let paragraph = current { paragraphs.append(paragraph) }
        return paragraphs
    }

    private static func append(_ characters: ArraySlice<Character>, to sentences: inout [String]) {
        var sentence = String(characters)
        sentence.replace(#/\s+/#, with: " ")
        let trimmedSentence = trimmed(sentence)
        if !trimmedSentence.isEmpty { sentences.append(trimmedSentence) }
    }
}
