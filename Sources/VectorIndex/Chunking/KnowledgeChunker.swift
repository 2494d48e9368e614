import Foundation

/// One piece of a knowledge-base entry, small enough to embed whole.
public struct KnowledgeChunk: Sendable, Equatable {
    /// Position of the chunk within its entry: 0, 1, 2, …
    public let ordinal: Int
    /// The text to embed and to index for BM25: the entry's title, `"\n"`, then `body`.
    /// Just the title when the entry has no content; just `body` when the title is empty.
    public let text: String
    /// The chunk's own content without the title prefix, for snippets. Words are separated by one space,
    /// paragraphs by `"\n\n"`.
    public let body: String
    /// Tokens in `text`, as counted by the chunker's token counter (word pieces for MiniLM, without
    /// `[CLS]`/`[SEP]`).
    public let tokenCount: Int

    public init(ordinal: Int, text: String, body: String, tokenCount: Int) {
        self.ordinal = ordinal
        self.text = text
        self.body = body
        self.tokenCount = tokenCount
    }
}

/// Splits a knowledge-base entry into title-prefixed chunks that fit the embedder's input.
///
/// - Content is split into paragraphs at blank lines; whitespace inside a paragraph collapses to one space.
/// - Consecutive paragraphs are packed into one chunk while the chunk stays within `targetTokens`. A chunk
///   still under half the target may take the next paragraph up to `maxTokens`, and a small last chunk is
///   merged into the one before when they fit `maxTokens` together, so a heading or a closing line is not
///   left on its own.
/// - A paragraph longer than `maxTokens` is split into sentences (`.`, `?` or `!` before whitespace, except
///   after an abbreviation such as "e.g." or "Dr."), which are packed the same way; a sentence longer than
///   `maxTokens` is wrapped at whitespace into pieces of at most `targetTokens`. A single word longer than
///   `maxTokens` (no whitespace at all, e.g. a pasted URL list) is cut between characters as a last resort.
///
/// Every chunk's `text` counts at most `maxTokens`. Tokens are counted once per paragraph (and, only for
/// oversized paragraphs, once per sentence or word) and then added, so chunking is linear in the content.
/// The chunker is a pure value: the same input always gives the same chunks.
public struct KnowledgeChunker: Sendable {
    /// Size a chunk's `text` is packed up to, in tokens.
    public let targetTokens: Int
    /// Hard limit on a chunk's `text`, in tokens.
    public let maxTokens: Int
    /// A title longer than this many tokens is cut for the prefix, leaving room for content.
    var titleBudget: Int { maxTokens / 2 }

    private let countTokens: @Sendable (String) -> Int

    /// - Parameters:
    ///   - tokenCounter: number of tokens in a text. Must be additive over whitespace: the count of
    ///     `a + " " + b` (or `"\n"`, `"\n\n"`) is the count of `a` plus the count of `b`, as it is for
    ///     WordPiece and for word counts.
    ///   - targetTokens: size chunks are packed up to, title prefix included; at least 1.
    ///   - maxTokens: hard limit per chunk, title prefix included; at least `targetTokens` and at least 2.
    public init(tokenCounter: @escaping @Sendable (String) -> Int, targetTokens: Int = 200, maxTokens: Int = 250) {
        precondition(targetTokens >= 1, "targetTokens must be positive")
        precondition(maxTokens >= max(targetTokens, 2), "maxTokens must be at least targetTokens and 2")
        self.countTokens = tokenCounter
        self.targetTokens = targetTokens
        self.maxTokens = maxTokens
    }

    /// Counts MiniLM word pieces (`[CLS]`/`[SEP]` excluded).
    /// - Parameters:
    ///   - tokenizer: the embedder's tokenizer; `maxTokens` must leave room for `[CLS]` and `[SEP]` in its
    ///     `maxLength`, so no chunk is truncated by `encode`.
    ///   - targetTokens: size chunks are packed up to, title prefix included.
    ///   - maxTokens: hard limit per chunk, title prefix included; at most `tokenizer.maxLength - 2`.
    public init(tokenizer: WordPieceTokenizer, targetTokens: Int = 200, maxTokens: Int = 250) {
        precondition(maxTokens <= tokenizer.maxLength - 2, "chunks of \(maxTokens) tokens would be truncated")
        self.init(
            tokenCounter: { text in
                // Same pieces as `tokenize(_:).count`, without building a String per piece.
                var ids: [Int32] = []
                tokenizer.appendPieceIDs(of: text, to: &ids, limit: .max)
                return ids.count
            },
            targetTokens: targetTokens,
            maxTokens: maxTokens
        )
    }

    /// The chunks of one entry, in order, with ordinals from 0.
    ///
    /// Empty or whitespace-only content gives one chunk holding just the title, so the entry can still be
    /// found; an entry with neither title nor content gives no chunks.
    public func chunks(title: String, content: String) -> [KnowledgeChunk] {
        let prefix = titlePrefix(title)
        let paragraphs = Self.paragraphs(in: content)
        guard !paragraphs.isEmpty else {
            if prefix.text.isEmpty { return [] }
            return [KnowledgeChunk(ordinal: 0, text: prefix.text, body: "", tokenCount: prefix.tokens)]
        }

        let bodyMax = maxTokens - prefix.tokens  // ≥ maxTokens - titleBudget ≥ 1
        let bodyTarget = min(max(1, targetTokens - prefix.tokens), bodyMax)
        var segments: [Segment] = []
        for words in paragraphs {
            let text = words.joined(separator: " ")
            let tokens = countTokens(text)
            if tokens <= bodyMax {
                segments.append(Segment(text: text, tokens: tokens, startsParagraph: true))
                continue
            }
            var startsParagraph = true
            for sentence in Self.sentences(words) {
                let sentenceText = sentence.joined(separator: " ")
                let sentenceTokens = countTokens(sentenceText)
                if sentenceTokens <= bodyMax {
                    segments.append(Segment(text: sentenceText, tokens: sentenceTokens,
                                            startsParagraph: startsParagraph))
                } else {
                    for piece in wrap(sentence, target: bodyTarget, limit: bodyMax) {
                        segments.append(Segment(text: piece.text, tokens: piece.tokens,
                                                startsParagraph: startsParagraph))
                        startsParagraph = false
                    }
                }
                startsParagraph = false
            }
        }

        return pack(segments, target: bodyTarget, limit: bodyMax).enumerated().map { ordinal, body in
            let text = prefix.text.isEmpty ? body.text : prefix.text + "\n" + body.text
            return KnowledgeChunk(ordinal: ordinal, text: text, body: body.text,
                                  tokenCount: prefix.tokens + body.tokens)
        }
    }

    // MARK: - Packing

    /// A run of content kept together: a whole paragraph, a sentence, or a piece of a wrapped sentence.
    struct Segment {
        var text: String
        var tokens: Int
        /// Joined to what comes before with `"\n\n"` rather than `" "`.
        var startsParagraph: Bool
    }

    /// Greedily packs segments (each at most `limit` tokens) into bodies of at most `target` tokens, letting a
    /// body under half the target grow to `limit`, and folding a small last body into the one before.
    func pack(_ segments: [Segment], target: Int, limit: Int) -> [Segment] {
        let small = target / 2
        var bodies: [Segment] = []
        var current: Segment?
        for segment in segments {
            guard var body = current else {
                current = segment
                continue
            }
            let total = body.tokens + segment.tokens
            if total <= target || (body.tokens < small && total <= limit) {
                body.text += (segment.startsParagraph ? "\n\n" : " ") + segment.text
                body.tokens = total
                current = body
            } else {
                bodies.append(body)
                current = segment
            }
        }
        if let last = current {
            if var previous = bodies.last, last.tokens < small, previous.tokens + last.tokens <= limit {
                previous.text += (last.startsParagraph ? "\n\n" : " ") + last.text
                previous.tokens += last.tokens
                bodies[bodies.count - 1] = previous
            } else {
                bodies.append(last)
            }
        }
        return bodies
    }

    /// The title as it prefixes every chunk: whitespace collapsed, and cut to `titleBudget` tokens.
    func titlePrefix(_ title: String) -> (text: String, tokens: Int) {
        let words = Self.paragraphs(in: title).flatMap { $0 }
        let text = words.joined(separator: " ")
        let tokens = countTokens(text)
        if tokens <= titleBudget { return (text, tokens) }
        let first = wrap(words[...], target: titleBudget, limit: titleBudget)[0]
        return (first.text, first.tokens)
    }

    /// Wraps words at whitespace into pieces of at most `target` tokens; a word of more than `target` tokens
    /// is a piece of its own, and one of more than `limit` is cut between characters into pieces of at most
    /// `target`. Words are counted one by one: this runs only for sentences too long for a chunk.
    func wrap(_ words: ArraySlice<String>, target: Int, limit: Int) -> [(text: String, tokens: Int)] {
        var pieces: [(text: String, tokens: Int)] = []
        var current: [String] = []
        var currentTokens = 0
        func flush() {
            if !current.isEmpty { pieces.append((current.joined(separator: " "), currentTokens)) }
            current.removeAll(keepingCapacity: true)
            currentTokens = 0
        }
        for word in words {
            let tokens = countTokens(word)
            if tokens > limit {
                flush()
                pieces.append(contentsOf: cut(word, target: target))
                continue
            }
            if !current.isEmpty, currentTokens + tokens > target { flush() }
            current.append(word)
            currentTokens += tokens
        }
        flush()
        return pieces
    }

    /// Cuts one whitespace-free word into pieces of at most `target` tokens, each the longest prefix of the
    /// rest that fits (found by bisection, as WordPiece counts are not additive inside a word). A piece is at
    /// least one character, so a character that alone exceeds `target` still moves the cut forward.
    func cut(_ word: String, target: Int) -> [(text: String, tokens: Int)] {
        let characters = Array(word)
        var pieces: [(text: String, tokens: Int)] = []
        var start = 0
        while start < characters.count {
            // Bisect for the longest fitting end in start + 1 ... count; low only moves to ends that fit.
            var low = start + 1
            var high = characters.count
            if countTokens(String(characters[start...])) <= target { low = high }
            while low < high {
                let middle = (low + high + 1) / 2
                if countTokens(String(characters[start..<middle])) <= target { low = middle } else { high = middle - 1 }
            }
            let text = String(characters[start..<low])
            pieces.append((text, countTokens(text)))
            start = low
        }
        return pieces
    }
}
