import Foundation

/// A caller's utterance as normalised words: the one tokeniser every classifier and extractor in this module
/// shares, so "I'd", "I would" and "i'd" mean the same thing everywhere.
///
/// Speech-to-text gives us mixed-case text with little and unreliable punctuation, so `SpokenText`
/// lower-cases, splits on anything that is not part of a word, expands contractions ("don't" → "do not",
/// "that's" → "that is", also the apostrophe-less "dont", "thats" that transcribers emit), and keeps times
/// ("3:30") and decimal-separated digits together. Punctuation is dropped from `words` but remembered as
/// clause breaks, because "no, I smell gas" and "no gas smell" must not be read alike.
public struct SpokenText: Sendable, Equatable {
    /// The normalised words, e.g. `["i", "do", "not", "smell", "gas"]`.
    public var words: [String]
    /// Indices `i` of `words` where a clause break (`, . ; : ! ?` or a dash between words) came before `words[i]`.
    public var clauseBreaks: Set<Int>

    /// Normalises `text`; number words stay words (see ``convertingNumberWords()``).
    public init(_ text: String) {
        var words: [String] = []
        var breaks: Set<Int> = []
        for raw in Self.rawTokens(text) {
            switch raw {
            case .clauseBreak:
                if !words.isEmpty { breaks.insert(words.count) }
            case .word(let word):
                words.append(contentsOf: Self.expandingContraction(word))
            }
        }
        self.words = words
        self.clauseBreaks = breaks
    }

    /// Builds a value from words that are already normalised (tests, and extractors that re-assemble words).
    public init(words: [String], clauseBreaks: Set<Int> = []) {
        self.words = words
        self.clauseBreaks = clauseBreaks
    }

    /// The words joined by single spaces: "yeah hi um i think i smell gas".
    public var normalised: String { words.joined(separator: " ") }

    /// Whether a clause break separates `words[index - 1]` from `words[index]`.
    public func isClauseBreak(before index: Int) -> Bool { clauseBreaks.contains(index) }

    // MARK: - Tokenising

    enum RawToken: Equatable { case word(String), clauseBreak }

    /// Splits lower-cased text into word and clause-break tokens.
    static func rawTokens(_ text: String) -> [RawToken] {
        // Transcribers write "a.m." and "p.m."; fold them before '.' becomes a clause break.
        var text = text.lowercased()
            .replacingOccurrences(of: "\u{2019}", with: "'")
            .replacingOccurrences(of: "\u{2018}", with: "'")
            .replacingOccurrences(of: "a.m.", with: "am ")
            .replacingOccurrences(of: "p.m.", with: "pm ")
        text = text.replacingOccurrences(of: "a.m", with: "am").replacingOccurrences(of: "p.m", with: "pm")
        let chars = Array(text)
        var tokens: [RawToken] = []
        var current = ""
        func flush() {
            let trimmed = current.trimmingCharacters(in: CharacterSet(charactersIn: "'"))
            if !trimmed.isEmpty { tokens.append(contentsOf: splitTimeSuffix(trimmed).map(RawToken.word)) }
            current = ""
        }
        func addBreak() {
            flush()
            if tokens.last != .clauseBreak { tokens.append(.clauseBreak) }
        }
        for (i, c) in chars.enumerated() {
            let prev: Character? = i > 0 ? chars[i - 1] : nil
            let next: Character? = i + 1 < chars.count ? chars[i + 1] : nil
            if c.isLetter || c.isNumber {
                current.append(c)
            } else if c == "'" {
                current.append(c)
            } else if (c == ":" || c == "."), prev?.isNumber == true, next?.isNumber == true {
                // "3:30", "10.30": one token, the time extractor reads it.
                current.append(c)
            } else if c == "+", next?.isNumber == true {
                flush(); tokens.append(.word("plus"))
            } else if c == "#" {
                flush(); tokens.append(.word("number"))
            } else if c == "&" {
                flush(); tokens.append(.word("and"))
            } else if ",.;:!?()[]…\u{2014}\u{2013}".contains(c) {
                addBreak()
            } else if c == "-", prev == " " || next == " " {
                // A dash between spaces is a pause; a hyphen inside "twenty-one" or "555-1234" only splits.
                addBreak()
            } else {
                flush()
            }
        }
        flush()
        while tokens.last == .clauseBreak { tokens.removeLast() }
        return tokens
    }

    /// "10am" → "10", "am"; "3:30pm" → "3:30", "pm"; anything else unchanged.
    static func splitTimeSuffix(_ word: String) -> [String] {
        for suffix in ["am", "pm"] where word.hasSuffix(suffix) && word.count > 2 {
            let stem = String(word.dropLast(2))
            if stem.allSatisfy({ $0.isNumber || $0 == ":" || $0 == "." }), stem.first?.isNumber == true {
                return [stem, suffix]
            }
        }
        return [word]
    }

    // MARK: - Contractions

    /// Whole-word contractions, with and without the apostrophe (transcribers drop it).
    static let contractions: [String: [String]] = {
        var table: [String: [String]] = [
            "can't": ["can", "not"], "cant": ["can", "not"], "cannot": ["can", "not"],
            "won't": ["will", "not"], "wont": ["will", "not"],
            "shan't": ["shall", "not"], "ain't": ["is", "not"], "aint": ["is", "not"],
            "let's": ["let", "us"], "lets": ["let", "us"],
            "i'm": ["i", "am"], "im": ["i", "am"],
            "gonna": ["going", "to"], "wanna": ["want", "to"], "gotta": ["got", "to"],
            "o'clock": ["oclock"],
        ]
        // Apostrophe-less forms that are never ordinary words.
        let bare: [String: [String]] = [
            "dont": ["do", "not"], "doesnt": ["does", "not"], "didnt": ["did", "not"],
            "isnt": ["is", "not"], "wasnt": ["was", "not"], "arent": ["are", "not"], "werent": ["were", "not"],
            "couldnt": ["could", "not"], "wouldnt": ["would", "not"], "shouldnt": ["should", "not"],
            "havent": ["have", "not"], "hasnt": ["has", "not"], "hadnt": ["had", "not"],
            "ive": ["i", "have"], "youre": ["you", "are"], "theyre": ["they", "are"],
            "thats": ["that", "is"], "whats": ["what", "is"], "theres": ["there", "is"],
            "heres": ["here", "is"], "wheres": ["where", "is"], "its": ["it", "is"],
            "youve": ["you", "have"], "weve": ["we", "have"], "theyve": ["they", "have"],
            "youll": ["you", "will"], "theyll": ["they", "will"], "itll": ["it", "will"],
        ]
        table.merge(bare) { a, _ in a }
        return table
    }()

    /// Words whose "'s" is "is" ("it's", "name's"); on any other word it may be a possessive ("st mary's road"),
    /// so the word stays whole and ``PhrasePattern`` matches "pipe's" where it asks for "pipe".
    static let isContractions: Set<String> = [
        "it", "that", "there", "here", "what", "who", "where", "how", "when", "he", "she", "name", "this",
        "everything", "everyone", "nothing", "something", "someone", "somebody", "nobody",
    ]

    /// Expands one lower-cased word ("don't" → "do not", "that's" → "that is").
    static func expandingContraction(_ word: String) -> [String] {
        if let expanded = contractions[word] { return expanded }
        guard word.contains("'") else { return [word] }
        if word.hasSuffix("'s") {
            let stem = String(word.dropLast(2))
            return isContractions.contains(stem) ? [stem, "is"] : [word]
        }
        let suffixes: [(String, String)] = [
            ("n't", "not"), ("'re", "are"), ("'ve", "have"), ("'ll", "will"), ("'d", "would"), ("'m", "am"),
        ]
        for (suffix, replacement) in suffixes where word.hasSuffix(suffix) && word.count > suffix.count {
            let stem = String(word.dropLast(suffix.count))
            return [stem, replacement]
        }
        // "o'brien": an apostrophe inside a name is part of it.
        return [word]
    }
}
