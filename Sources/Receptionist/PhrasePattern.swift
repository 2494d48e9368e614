import Foundation

/// A word-level pattern matched against ``SpokenText`` words at word boundaries, so the phrase tables of the
/// classifiers stay data ("smell* ..3 gas") rather than code.
///
/// Syntax, one element per space-separated item:
/// - `gas` — the word itself; `talk|speak` — any of the alternatives;
/// - `flood*` — any word starting with "flood" (flood, flooded, flooding); mixes with alternatives;
/// - `the?` — an optional word (alternatives and prefixes allowed: `a|the?`);
/// - `..` or `..N` — skip 0…3 (or 0…N) words; a gap never skips a negation word or crosses a clause break,
///   so "smell no gas" and "smell. gas" do not match `smell* .. gas`;
/// - `!pit|place` — zero-width: the next word (if any) is none of these ("fire !pit" skips "fire pit").
struct PhrasePattern: Sendable, CustomStringConvertible {
    struct WordSet: Sendable {
        var exact: Set<String>
        var prefixes: [String]
        func contains(_ word: String) -> Bool {
            if exact.contains(word) || prefixes.contains(where: { word.hasPrefix($0) }) { return true }
            // "the pipe's burst", "heating's off": a word with "'s" also matches its stem.
            return word.hasSuffix("'s") && contains(String(word.dropLast(2)))
        }
    }
    enum Element: Sendable {
        case word(WordSet)
        case optional(WordSet)
        case gap(Int)
        case notFollowedBy(WordSet)
    }

    let description: String
    let elements: [Element]

    init(_ source: String) {
        description = source
        elements = source.split(separator: " ").map { item -> Element in
            var item = String(item)
            if item.hasPrefix("..") {
                return .gap(Int(item.dropFirst(2)) ?? 3)
            }
            if item.hasPrefix("!") {
                return .notFollowedBy(Self.wordSet(String(item.dropFirst())))
            }
            if item.hasSuffix("?") {
                item.removeLast()
                return .optional(Self.wordSet(item))
            }
            return .word(Self.wordSet(item))
        }
    }

    /// A pattern matching exactly these words (a business's own phrase, whatever characters it holds).
    /// Exactly these words, in order; with `slack`, up to that many other words may come between two of them
    /// ("locked out" also matches "locked myself out").
    init(literal words: [String], slack: Int = 0) {
        description = words.joined(separator: " ")
        var elements: [Element] = []
        for (index, word) in words.enumerated() {
            if index > 0, slack > 0 { elements.append(.gap(slack)) }
            elements.append(.word(WordSet(exact: [word], prefixes: [])))
        }
        self.elements = elements
    }

    private static func wordSet(_ item: String) -> WordSet {
        var set = WordSet(exact: [], prefixes: [])
        for alternative in item.split(separator: "|") {
            if alternative.hasSuffix("*") {
                set.prefixes.append(String(alternative.dropLast()))
            } else {
                set.exact.insert(String(alternative))
            }
        }
        return set
    }

    /// Every match, leftmost first, each the shortest match from its start index.
    func matches(in text: SpokenText) -> [Range<Int>] {
        guard !elements.isEmpty else { return [] }
        var found: [Range<Int>] = []
        for start in text.words.indices {
            if let end = match(element: 0, at: start, in: text, start: start) {
                found.append(start..<end)
            }
        }
        return found
    }

    /// The first match, if any.
    func firstMatch(in text: SpokenText) -> Range<Int>? { matches(in: text).first }

    /// Backtracking match of `elements[element...]` at `position`; returns the end index.
    private func match(element: Int, at position: Int, in text: SpokenText, start: Int) -> Int? {
        if element == elements.count { return position }
        let words = text.words
        // Interior elements must not cross a clause break: "no. gas leak" is two clauses.
        let crossesBreak = position > start && position < words.count && text.isClauseBreak(before: position)
        switch elements[element] {
        case .word(let set):
            guard position < words.count, !crossesBreak, set.contains(words[position]) else { return nil }
            return match(element: element + 1, at: position + 1, in: text, start: start)
        case .optional(let set):
            if position < words.count, !crossesBreak, set.contains(words[position]),
               let end = match(element: element + 1, at: position + 1, in: text, start: start) {
                return end
            }
            return match(element: element + 1, at: position, in: text, start: start)
        case .gap(let maximum):
            var skip = 0
            while skip <= maximum {
                if let end = match(element: element + 1, at: position + skip, in: text, start: start) {
                    return end
                }
                let skipped = position + skip
                guard skipped < words.count, !Negation.negators.contains(words[skipped]),
                      !(skipped > start && text.isClauseBreak(before: skipped)),
                      !(skipped + 1 < words.count && text.isClauseBreak(before: skipped + 1)) else { return nil }
                skip += 1
            }
            return nil
        case .notFollowedBy(let set):
            if position < words.count, !crossesBreak, set.contains(words[position]) { return nil }
            return match(element: element + 1, at: position, in: text, start: start)
        }
    }
}
