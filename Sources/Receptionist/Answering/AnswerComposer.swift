/// Composes what the receptionist says in answer to a question, from retrieved knowledge passages.
///
/// Extractive on purpose: a phone answer must not state a price or a policy the business never wrote, so the
/// composer only selects, trims and cleans sentences of one passage; it never generates words.
public enum AnswerComposer {
    /// The answer to speak, or nil when the best passage's similarity is below `threshold` (or there are none).
    ///
    /// The best passage is the first, in retrieval order, whose `similarity` clears `threshold`: the hybrid ranking
    /// (BM25 + MiniLM) picks the passage, the dense similarity vouches for it (ranking by similarity alone chose
    /// "Before the engineer arrives" over "Brands we service" for "do you do boiler servicing"). When no passage
    /// has a similarity it is the first passage, and its `score`, clamped to 0…1, stands in for the similarity.
    /// Its text is cleaned by ``VoiceText/clean(_:)`` and split by ``VoiceText/sentences(_:)``; the sentences
    /// most relevant to the question are chosen (see ``relevance(of:question:title:)``), at most
    /// `maxSentences` of them and at most `maxWords` words in all, and spoken in their original order. The
    /// most relevant sentence is always used: when it alone is longer than `maxWords` it is cut at the last
    /// clause boundary (comma, semicolon, colon or dash) within the limit, else at the limit, and ends with a
    /// full stop. Further sentences must share a content word with the question and fit in what is left.
    /// If the best passage has no speakable text, the next most similar one at or above `threshold` is used.
    ///
    /// - Parameters:
    ///   - question: what the caller asked, as transcribed.
    ///   - passages: retrieved chunks, in retrieval order.
    ///   - threshold: the least similarity worth answering from (a business's `answer_confidence_threshold`).
    ///   - maxSentences: the most sentences to speak; below 1 gives nil.
    ///   - maxWords: the most words to speak (white-space separated); below 1 gives nil.
    /// - Returns: the text, the passage used as its citation, and that passage's similarity as confidence.
    public static func compose(
        question: String, passages: [Passage], threshold: Double, maxSentences: Int = 2, maxWords: Int = 40
    ) -> SpokenAnswer? {
        guard maxSentences >= 1, maxWords >= 1 else { return nil }
        for (passage, confidence) in candidates(passages) where confidence >= threshold {
            if let text = answerText(question: question, passage: passage, maxSentences: maxSentences,
                                     maxWords: maxWords) {
                return SpokenAnswer(text: text, citations: [Citation(passage)], confidence: confidence)
            }
        }
        return nil
    }

    /// Passages with their confidence, in retrieval order.
    static func candidates(_ passages: [Passage]) -> [(Passage, Double)] {
        let ranked = passages.filter { $0.similarity != nil }
        guard !ranked.isEmpty else {
            return passages.first.map { [($0, min(max($0.score, 0), 1))] } ?? []
        }
        return ranked.map { ($0, $0.similarity!) }
    }

    static func answerText(question: String, passage: Passage, maxSentences: Int, maxWords: Int) -> String? {
        let sentences = VoiceText.sentences(VoiceText.clean(passage.text))
        guard !sentences.isEmpty else { return nil }
        let questionWords = Set(ContentWords.stems(question))
        let titleWords = Set(ContentWords.stems(passage.title))
        let scores = sentences.map { relevance(of: $0, question: questionWords, title: titleWords) }

        // Rank by relevance, the first sentence (usually the entry's summary) a little ahead; ties → earlier.
        let order = sentences.indices.sorted {
            let a = scores[$0] + ($0 == 0 ? firstSentencePrior : 0)
            let b = scores[$1] + ($1 == 0 ? firstSentencePrior : 0)
            return a != b ? a > b : $0 < $1
        }
        let top = order[0]
        var chosen = [top: fitted(sentences[top], maxWords: maxWords)]
        var wordsUsed = wordCount(chosen[top]!)
        for index in order.dropFirst() where chosen.count < maxSentences && scores[index] > 0 {
            let words = wordCount(sentences[index])
            if wordsUsed + words <= maxWords {
                chosen[index] = sentences[index]
                wordsUsed += words
            }
        }
        return chosen.keys.sorted().map { chosen[$0]! }.joined(separator: " ")
    }

    /// A small head start for the first sentence, less than one shared word, so it wins only among equals
    /// or when nothing matches the question.
    static let firstSentencePrior = 0.25
    /// How much a question word counts when the title has it too: every sentence of the passage is about
    /// the title, so such a word says little about which sentence answers.
    static let titleWordWeight = 0.5

    /// The relevance of `sentence` to a question: over the distinct content words (stems) the sentence shares
    /// with the question, 1 each, or ``titleWordWeight`` for a word that is also in the passage title.
    static func relevance(of sentence: String, question: Set<String>, title: Set<String>) -> Double {
        Set(ContentWords.stems(sentence)).intersection(question)
            .reduce(0) { $0 + (title.contains($1) ? titleWordWeight : 1) }
    }

    static func wordCount(_ text: String) -> Int {
        text.split(whereSeparator: \.isWhitespace).count
    }

    /// `sentence` if it has at most `maxWords` words; otherwise its longest head within the limit that ends at
    /// a clause boundary (and keeps at least a third of the limit), else its first `maxWords` words without
    /// dangling connectives, ended with a full stop.
    static func fitted(_ sentence: String, maxWords: Int) -> String {
        let words = sentence.split(whereSeparator: \.isWhitespace).map(String.init)
        guard words.count > maxWords else { return sentence }
        let dashes: Set<String> = ["-", "–", "—"]
        let minimum = max(1, maxWords / 3)
        var cut: Int? = nil
        for count in stride(from: maxWords, through: minimum, by: -1) {
            let last = words[count - 1]
            if let mark = last.last, ",;:–—".contains(mark) { cut = count; break }
            if count < words.count, dashes.contains(words[count]) { cut = count; break }
        }
        var head = Array(words.prefix(cut ?? maxWords))
        if cut == nil {
            while head.count > 1, let last = head.last, danglingWords.contains(last.lowercased()) {
                head.removeLast()
            }
        }
        var text = head.joined(separator: " ")
        while let last = text.last, ",;:-–—".contains(last) || last.isWhitespace { text.removeLast() }
        // A cut may leave a bracket open; drop the lone opener (a character, not a word).
        if text.filter({ $0 == "(" }).count > text.filter({ $0 == ")" }).count,
           let open = text.lastIndex(of: "(") {
            text.remove(at: open)
        }
        if let last = text.last, !".!?".contains(last) { text += "." }
        return text
    }

    /// Words that cannot end a phrase cut at the word limit.
    static let danglingWords: Set<String> = [
        "a", "an", "the", "and", "or", "but", "nor", "to", "of", "for", "with", "from", "in", "on", "at", "by",
        "as", "that", "which", "who", "including", "into", "per", "than", "our", "your", "their", "its", "if",
        "is", "are", "be", "we", "you", "it", "this", "these", "so",
    ]
}
