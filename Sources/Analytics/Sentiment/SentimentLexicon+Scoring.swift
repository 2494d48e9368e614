import Foundation

extension SentimentLexicon {
    /// Scores `text` with the lexicon rules.
    ///
    /// Each word or phrase found keeps one driver whose `rules` say what changed its base value; the drivers'
    /// contributions add up to the score. Text without any lexicon word scores exactly 0 (neutral).
    public func score(_ text: String) -> SentimentScore {
        let tokens = SentimentTokenizer.tokens(of: text, contrastWords: contrastWords)
        let mixedCase = text.contains(where: \.isLowercase)
        let contrastAt = tokens.lastIndex { contrastWords.contains($0.word) }

        var items: [(text: String, value: Double, rules: [String], start: Int)] = []
        var i = 0
        while i < tokens.count {
            guard let (length, base) = longestMatch(in: tokens, at: i, table: valences) else {
                i += 1
                continue
            }
            let span = tokens[i..<(i + length)]
            var value = base
            var rules: [String] = []
            // Modifiers directly before the span, nearest first: intensifiers/dampeners chain ("really very").
            var j = i
            while j > 0, tokens[j - 1].clause == tokens[i].clause {
                if let (n, factor) = longestSuffixMatch(in: tokens, endingBefore: j, table: intensifiers) {
                    value *= factor
                    rules.append("intensified by \"\(phrase(tokens, j - n, j))\" ×\(factor)")
                    j -= n
                } else if let (n, factor) = longestSuffixMatch(in: tokens, endingBefore: j, table: dampeners) {
                    value *= factor
                    rules.append("dampened by \"\(phrase(tokens, j - n, j))\" ×\(factor)")
                    j -= n
                } else {
                    break
                }
            }
            // A negator before the span, within its reach and in the same clause.
            if let k = (max(0, i - longestNegation)..<i).last(where: {
                tokens[$0].clause == tokens[i].clause && (negators[tokens[$0].word] ?? 0) >= i - $0
            }) {
                value *= negationFactor
                rules.append("negated by \"\(tokens[k].original)\" ×\(negationFactor)")
            }
            if mixedCase, span.contains(where: \.isShouted) || (j < i && tokens[j..<i].contains(where: \.isShouted)) {
                value *= capsFactor
                rules.append("capitals ×\(capsFactor)")
            }
            items.append((phrase(tokens, j, i + length), value, rules, i))
            i += length
        }
        if let contrastAt {
            let answered = items.contains { $0.start > contrastAt && $0.value != 0 }
            let word = tokens[contrastAt].original
            for index in items.indices {
                let (factor, rule) = items[index].start > contrastAt
                    ? (afterContrast, "after \"\(word)\" ×\(afterContrast)")
                    : answered ? (beforeContrast, "before \"\(word)\" ×\(beforeContrast)")
                    : (unansweredContrast, "before \"\(word)\" with nothing scored after it ×\(unansweredContrast)")
                items[index].value *= factor
                items[index].rules.append(rule)
            }
        }

        var raw = items.reduce(0) { $0 + $1.value }
        let exclamations = min(maxExclamations, text.filter { $0 == "!" }.count)
        var punctuation = 0.0
        if raw != 0, exclamations > 0 {
            punctuation = Double(exclamations) * exclamationBoost * (raw > 0 ? 1 : -1)
            raw += punctuation
        }
        guard raw != 0 else { return SentimentScore(score: 0, label: .neutral, drivers: []) }
        let score = raw / (raw * raw + normalisation).squareRoot()
        // Each item's share of the raw sum, in score units, so the drivers add up to the score.
        let scale = score / raw
        var drivers = items.map {
            SentimentDriver(text: $0.text, contribution: $0.value * scale, source: .lexicon, rules: $0.rules)
        }
        if punctuation != 0 {
            drivers.append(SentimentDriver(text: String(repeating: "!", count: exclamations),
                                           contribution: punctuation * scale, source: .punctuation))
        }
        drivers.sort { abs($0.contribution) > abs($1.contribution) }
        return SentimentScore(score: score, label: SentimentLabel(score: score, neutralBand: neutralBand),
                              drivers: drivers)
    }

    /// The longest key of `table` starting at token `start`, as (words, value).
    private func longestMatch(in tokens: [SentimentToken], at start: Int, table: [String: Double]) -> (Int, Double)? {
        var length = min(longestPhrase, tokens.count - start)
        while length > 0 {
            if let value = table[key(tokens, start, start + length)] { return (length, value) }
            length -= 1
        }
        return nil
    }

    /// The longest key of `table` ending right before token `end`, within one clause.
    private func longestSuffixMatch(in tokens: [SentimentToken], endingBefore end: Int,
                                    table: [String: Double]) -> (Int, Double)? {
        var length = min(longestPhrase, end)
        while length > 0 {
            let start = end - length
            if tokens[start].clause == tokens[end - 1].clause, let value = table[key(tokens, start, end)] {
                return (length, value)
            }
            length -= 1
        }
        return nil
    }

    private func key(_ tokens: [SentimentToken], _ start: Int, _ end: Int) -> String {
        tokens[start..<end].map(\.word).joined(separator: " ")
    }

    private func phrase(_ tokens: [SentimentToken], _ start: Int, _ end: Int) -> String {
        tokens[start..<end].map(\.original).joined(separator: " ")
    }
}

/// A word of the text: lower-cased without apostrophes for look-up, as written for explanations, and the
/// number of the clause it sits in (clauses end at . , ; : ? ! and at contrast words).
struct SentimentToken: Sendable, Equatable {
    var word: String
    var original: String
    var clause: Int

    /// Two or more characters, letters all capitals ("USELESS"; not "I").
    var isShouted: Bool {
        original.count >= 2 && original.allSatisfy { !$0.isLetter || $0.isUppercase } && original.contains(where: \.isLetter)
    }
}

enum SentimentTokenizer {
    /// Splits on anything but letters, digits and apostrophes; a contrast word is a clause of its own.
    static func tokens(of text: String, contrastWords: Set<String>) -> [SentimentToken] {
        var tokens: [SentimentToken] = []
        var clause = 0
        var current = ""
        func flush() {
            guard !current.isEmpty else { return }
            let word = current.lowercased().filter { $0 != "'" }
            if contrastWords.contains(word) { clause += 1 }
            tokens.append(SentimentToken(word: word, original: current, clause: clause))
            if contrastWords.contains(word) { clause += 1 }
            current = ""
        }
        for character in text {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if character == "'" || character == "’" {
                if !current.isEmpty { current.append("'") }
            } else {
                flush()
                if ".,;:?!".contains(character) { clause += 1 }
            }
        }
        flush()
        return tokens
    }
}
