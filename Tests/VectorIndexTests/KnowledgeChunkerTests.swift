import Foundation
import Testing
@testable import VectorIndex

// MARK: - Helpers

/// Counts whitespace-separated words: additive like WordPiece, and easy to reason about in expectations.
private let countWords: @Sendable (String) -> Int = { text in
    text.unicodeScalars.split(whereSeparator: \.properties.isWhitespace).count
}

private func wordChunker(target: Int, max: Int) -> KnowledgeChunker {
    KnowledgeChunker(tokenCounter: countWords, targetTokens: target, maxTokens: max)
}

/// The whitespace-separated words of `text`, in order.
private func words(_ text: String) -> [String] {
    text.unicodeScalars.split(whereSeparator: \.properties.isWhitespace).map { String($0) }
}


private struct CorpusEntry: Decodable {
    let title: String
    let content: String
}

private func corpusEntries() throws -> [(corpus: String, entry: CorpusEntry)] {
    let corpora = TestPaths.repoRoot.appendingPathComponent("corpora", isDirectory: true)
    var entries: [(String, CorpusEntry)] = []
    for corpus in ["dental", "plumbing", "property"] {
        let url = corpora.appendingPathComponent("\(corpus)/knowledge.jsonl")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        for line in lines where !line.isEmpty {
            entries.append((corpus, try JSONDecoder().decode(CorpusEntry.self, from: Data(line.utf8))))
        }
    }
    return entries
}


private let syntheticWords = [
    "the", "boiler", "engineer", "will", "call", "you", "within", "two", "hours", "of", "booking", "and",
    "our", "callout", "fee", "is", "£1.50", "£85.00", "per", "visit", "e.g.", "Dr.", "Rao", "patients",
    "tenants", "landlord", "deposit", "inspection", "10:30am", "pre-booked", "(see", "below)", "emergencies,",
    "café", "naïve", "résumé", "https://example.com/book?ref=42", "supercalifragilisticexpialidocious",
    "i.e.", "St.", "approx.", "“quoted”", "don't", "24/7", "0800", "111", "999", "Gas", "Safe", "registered",
]

/// A text of `paragraphs` paragraphs of ordinary sentences, stopping early after `wordLimit` words; with
/// `monsters`, some paragraphs are one 300–700-word sentence with no full stop, and some one very long
/// whitespace-free "word". Breaks vary: double spaces, tabs, single newlines, CR LF, blank lines with spaces.
private func syntheticText(seed: UInt64, paragraphs: Int, monsters: Bool, wordLimit: Int = .max) -> String {
    var random = SplitMix64(seed: seed)
    let paragraphBreaks = ["\n\n", "\n \n", "\r\n\r\n", "\n\n\n"]
    let wordBreaks = [" ", " ", " ", " ", "  ", "\n", "\t"]
    var text = ""
    var wordCount = 0
    for paragraph in 0..<paragraphs where wordCount < wordLimit {
        if paragraph > 0 { text += paragraphBreaks.randomElement(using: &random)! }
        if monsters, Int.random(in: 0..<6, using: &random) == 0 {
            let count = Int.random(in: 300...700, using: &random)
            text += (0..<count).map { _ in syntheticWords.randomElement(using: &random)! }.joined(separator: " ")
            continue
        }
        if monsters, Int.random(in: 0..<10, using: &random) == 0 {
            text += String(repeating: "a,b.", count: Int.random(in: 100...400, using: &random)) + " end."
            continue
        }
        for sentence in 0..<Int.random(in: 1...12, using: &random) where wordCount < wordLimit {
            if sentence > 0 { text += wordBreaks.randomElement(using: &random)! }
            let count = min(Int.random(in: 3...28, using: &random), wordLimit - wordCount)
            for index in 0..<count {
                if index > 0 { text += wordBreaks.randomElement(using: &random)! }
                text += syntheticWords.randomElement(using: &random)!
            }
            wordCount += count
            text += [".", ".", ".", "?", "!"].randomElement(using: &random)!
        }
    }
    return text
}

/// Checks what must hold for every entry: every word kept in order, the title on every chunk, ordinals in
/// order, and the MiniLM word-piece count of every `text` matching `tokenCount` and within 250 ≤ 254.
/// A word too long for any chunk is cut into pieces, so with `hasOverlongWords` only the non-whitespace
/// characters are compared in order.
private func expectWellFormed(_ chunks: [KnowledgeChunk], title: String, content: String,
                              tokenizer: WordPieceTokenizer, hasOverlongWords: Bool = false,
                              sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!chunks.isEmpty, sourceLocation: sourceLocation)
    #expect(chunks.map(\.ordinal) == Array(chunks.indices), sourceLocation: sourceLocation)
    let bodyWords = words(chunks.map(\.body).joined(separator: " "))
    if hasOverlongWords {
        #expect(bodyWords.joined() == words(content).joined(), sourceLocation: sourceLocation)
    } else {
        #expect(bodyWords == words(content), sourceLocation: sourceLocation)
    }
    for chunk in chunks {
        #expect(chunk.text == title + "\n" + chunk.body, sourceLocation: sourceLocation)
        let pieces = tokenizer.tokenize(chunk.text).count
        #expect(pieces == chunk.tokenCount, sourceLocation: sourceLocation)
        #expect(pieces <= 250, sourceLocation: sourceLocation)
        #expect(tokenizer.encode(chunk.text).count == pieces + 2, "truncated", sourceLocation: sourceLocation)
    }
}

// MARK: - Splitting rules, counted in words

@Suite("KnowledgeChunker rules")
struct KnowledgeChunkerRuleTests {
    @Test func shortEntryIsOneChunkWithTheTitlePrefix() {
        let chunks = wordChunker(target: 20, max: 25).chunks(title: "Office hours", content: "Open 9 to 5.")
        #expect(chunks == [KnowledgeChunk(ordinal: 0, text: "Office hours\nOpen 9 to 5.", body: "Open 9 to 5.",
                                          tokenCount: 6)])
    }

    @Test func whitespaceIsNormalised() {
        let content = "  One  two\nthree\t four \r\n\r\n\n five\u{2029}six \n \n seven  "
        let chunks = wordChunker(target: 100, max: 120).chunks(title: " Big \n title ", content: content)
        #expect(chunks.map(\.body) == ["One two three four\n\nfive\n\nsix\n\nseven"])
        #expect(chunks.map(\.text) == ["Big title\nOne two three four\n\nfive\n\nsix\n\nseven"])
        #expect(chunks.map(\.tokenCount) == [9])
    }

    @Test(arguments: ["", " ", "\n\n \t\r\n"])
    func emptyContentGivesTheTitleAlone(content: String) {
        let chunks = wordChunker(target: 20, max: 25).chunks(title: "Parking", content: content)
        #expect(chunks == [KnowledgeChunk(ordinal: 0, text: "Parking", body: "", tokenCount: 1)])
    }

    @Test func nothingAtAllGivesNoChunks() {
        #expect(wordChunker(target: 20, max: 25).chunks(title: " ", content: "\n").isEmpty)
    }

    @Test func emptyTitleGivesTheBodyAlone() {
        let chunks = wordChunker(target: 20, max: 25).chunks(title: "", content: "Just this.")
        #expect(chunks.map(\.text) == ["Just this."])
    }

    @Test func paragraphsThatFitAreNeverSplit() {
        // Title 1 word: bodies pack to 9, grow to 14 only while under half the target.
        let first = "one two three four five six."
        let second = "seven eight nine ten eleven twelve."
        let third = "a b c."
        let chunks = wordChunker(target: 10, max: 15).chunks(
            title: "T", content: [first, second, third].joined(separator: "\n\n"))
        #expect(chunks.map(\.body) == [first, second + "\n\n" + third])
        #expect(chunks.map(\.tokenCount) == [7, 10])
    }

    @Test func smallParagraphsArePackedTogether() {
        let chunks = wordChunker(target: 20, max: 25).chunks(title: "T", content: "a b.\n\nc d.\n\ne f.")
        #expect(chunks.map(\.body) == ["a b.\n\nc d.\n\ne f."])
    }

    @Test func aHeadingIsNotLeftAlone() {
        // "Prices:" (1) + the 12-word paragraph is over the target of 10 but within max, and 1 < 10 / 2.
        let paragraph = (1...12).map { "w\($0)" }.joined(separator: " ")
        let chunks = wordChunker(target: 11, max: 15).chunks(title: "T", content: "Prices:\n\n" + paragraph)
        #expect(chunks.map(\.body) == ["Prices:\n\n" + paragraph])
    }

    @Test func longParagraphIsSplitAtSentences() {
        let sentences = [
            "Call Dr. Rao on Monday, e.g. before noon.",
            "Parking costs £1.50 an hour (approx. 2 hours max.)",
            "Is that far?",
            "No, it is i.e. right next door to us.",
        ]
        let chunks = wordChunker(target: 10, max: 12).chunks(title: "T", content: sentences.joined(separator: " "))
        #expect(chunks.map(\.body) == sentences)
    }

    @Test func sentenceBoundaries() {
        let words = "He said “Stop.” Then J. Smith paid £1.50. Wait... what? See www.example.com. Done"
            .split(separator: " ").map(String.init)
        let sentences = KnowledgeChunker.sentences(words).map { $0.joined(separator: " ") }
        #expect(sentences == ["He said “Stop.”", "Then J. Smith paid £1.50.", "Wait...", "what?",
                              "See www.example.com.", "Done"])
        for abbreviation in ["e.g.", "Dr.", "i.e.", "(e.g.", "a.m.", "St.", "MRS."] {
            #expect(!KnowledgeChunker.endsSentence(abbreviation), "\(abbreviation)")
        }
        for end in ["£1.50.", "done.", "done!", "done?", "done.)", "2.5?"] {
            #expect(KnowledgeChunker.endsSentence(end), "\(end)")
        }
    }

    @Test func longSingleSentenceIsHardWrapped() {
        let sentenceWords = (0..<95).map { "w\($0)" }
        let chunks = wordChunker(target: 20, max: 25).chunks(
            title: "Two words", content: sentenceWords.joined(separator: " "))
        // Pieces of 18 words (target 20 minus the 2-word title); the 5-word tail joins the piece before.
        #expect(chunks.map(\.tokenCount) == [20, 20, 20, 20, 25])
        #expect(words(chunks.map(\.body).joined(separator: " ")) == sentenceWords)
    }

    @Test func wordsTooLongForAChunkAreCut() {
        let counter: @Sendable (String) -> Int = { text in
            // One token per 3 characters of each word, so a 40-character word is 14 tokens.
            text.split(whereSeparator: \.isWhitespace).reduce(0) { $0 + ($1.count + 2) / 3 }
        }
        let chunker = KnowledgeChunker(tokenCounter: counter, targetTokens: 8, maxTokens: 10)
        let word = String(repeating: "abcdefghij", count: 4)
        let chunks = chunker.chunks(title: "T", content: "before " + word + " after")
        #expect(chunks.map(\.body).joined().replacingOccurrences(of: " ", with: "") == "before" + word + "after")
        #expect(chunks.allSatisfy { $0.tokenCount <= 10 })
    }

    @Test func longTitleIsCutToHalfTheBudget() {
        let title = (0..<40).map { "t\($0)" }.joined(separator: " ")
        let chunks = wordChunker(target: 16, max: 20).chunks(title: title, content: "some content here.")
        #expect(chunks.count == 1)
        #expect(chunks[0].text.hasPrefix("t0 t1 t2 t3 t4 t5 t6 t7 t8 t9\n"))
        #expect(chunks[0].tokenCount == 13)
    }

    @Test func chunkingIsDeterministic() {
        let text = syntheticText(seed: 7, paragraphs: 30, monsters: true)
        let chunker = wordChunker(target: 50, max: 60)
        #expect(chunker.chunks(title: "Same", content: text) == chunker.chunks(title: "Same", content: text))
    }
}

// MARK: - Properties with the real MiniLM tokenizer

@Suite("KnowledgeChunker with the MiniLM tokenizer")
struct KnowledgeChunkerMiniLMTests {
    @Test func corporaEntriesKeepEveryWordAndFit() throws {
        let tokenizer = try miniLMTokenizer()
        let chunker = KnowledgeChunker(tokenizer: tokenizer)
        let entries = try corpusEntries()
        #expect(entries.count == 148)
        var chunkCount = 0
        for (corpus, entry) in entries {
            let chunks = chunker.chunks(title: entry.title, content: entry.content)
            expectWellFormed(chunks, title: entry.title, content: entry.content, tokenizer: tokenizer)
            #expect(chunks.count <= 2, "\(corpus): \(entry.title)")
            chunkCount += chunks.count
        }
        // Entries are 40–250 words: nearly all fit one chunk.
        #expect(chunkCount < entries.count + entries.count / 10)
    }

    @Test(arguments: 1...12)
    func syntheticTextsKeepEveryWordAndFit(seed: UInt64) throws {
        let tokenizer = try miniLMTokenizer()
        let chunker = KnowledgeChunker(tokenizer: tokenizer)
        let title = seed.isMultiple(of: 3) ? "A much longer title about boiler servicing, e.g. annual checks" : "Fees"
        let content = syntheticText(seed: seed, paragraphs: Int(seed % 5) * 6 + 1, monsters: true)
        expectWellFormed(chunker.chunks(title: title, content: content), title: title, content: content,
                         tokenizer: tokenizer, hasOverlongWords: content.contains("a,b.a,b."))
    }

    @Test func twoThousandWordsMakeChunksNearTheTarget() throws {
        let tokenizer = try miniLMTokenizer()
        let chunker = KnowledgeChunker(tokenizer: tokenizer)
        let content = syntheticText(seed: 2026, paragraphs: 100, monsters: false, wordLimit: 2_000)
        #expect(words(content).count == 2_000)
        let chunks = chunker.chunks(title: "Price list", content: content)
        expectWellFormed(chunks, title: "Price list", content: content, tokenizer: tokenizer)
        let counts = chunks.map(\.tokenCount)
        #expect(chunks.count >= 10, "\(counts)")
        // Paragraphs that fit are kept whole, so a chunk can close early when a whole paragraph does not fit
        // beside it; none is tiny, though.
        #expect(counts.dropLast().allSatisfy { $0 >= chunker.targetTokens / 3 }, "\(counts)")
        let nearTarget = counts.filter { (150...250).contains($0) }.count
        #expect(nearTarget * 4 >= counts.count * 3, "\(counts)")
    }
}
