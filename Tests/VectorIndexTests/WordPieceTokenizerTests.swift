import Foundation
import Testing
@testable import VectorIndex

// MARK: - Tiny hand-made vocabulary

/// ids: [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4, then the words below in order.
private let tinyVocabulary = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "un", "unaff", "aff", "##aff", "##able", "able", "x", "##x", "a", "##a",
    "hello", "world", ",", "!", "$", ".", "[", "]", "sep",
    "cafe", "resume", "i", "##stanbul", "一", "二", "©",
    "가", "ᄀ", "##ᅡ",  // precomposed Hangul syllable vs. its decomposed jamo
]

private func tiny(maxLength: Int = 256) throws -> WordPieceTokenizer {
    try WordPieceTokenizer(vocabulary: tinyVocabulary, maxLength: maxLength)
}

@Suite("WordPieceTokenizer on a tiny vocabulary")
struct WordPieceTokenizerUnitTests {
    @Test func specialTokenIDs() throws {
        let tokenizer = try tiny()
        #expect(tokenizer.padID == 0)
        #expect(tokenizer.unkID == 1)
        #expect(tokenizer.clsID == 2)
        #expect(tokenizer.sepID == 3)
        #expect(tokenizer.vocabularySize == tinyVocabulary.count)
        #expect(tokenizer.maxLength == 256)
    }

    @Test func greedyLongestMatchFirst() throws {
        // "un" and "unaff" both match the start; the longer wins, then "##able".
        #expect(try tiny().tokenize("unaffable") == ["unaff", "##able"])
    }

    @Test func continuationPiecesNeedTheHashPrefix() throws {
        let tokenizer = try tiny()
        #expect(tokenizer.tokenize("affable") == ["aff", "##able"])
        #expect(tokenizer.tokenize("xaff") == ["x", "##aff"])
        // After the first piece only "##" entries count: "hello" exists, "##hello" does not.
        #expect(tokenizer.tokenize("xhello") == ["[UNK]"])
    }

    @Test func wordWithAnUnmatchedPartIsOneUnknown() throws {
        let tokenizer = try tiny()
        // "unaff" matches, but nothing matches "q": the whole word is [UNK], not ["unaff", "[UNK]"].
        #expect(tokenizer.tokenize("unaffq") == ["[UNK]"])
        #expect(tokenizer.encode("hello unaffq world") == [2, 15, 1, 16, 3])
    }

    @Test func wordsOfMoreThan100ScalarsAreUnknown() throws {
        let tokenizer = try tiny()
        let hundred = tokenizer.tokenize(String(repeating: "a", count: 100))
        #expect(hundred.count == 100)
        #expect(hundred.first == "a")
        #expect(hundred.dropFirst().allSatisfy { $0 == "##a" })
        #expect(tokenizer.tokenize(String(repeating: "a", count: 101)) == ["[UNK]"])
        // Counted in scalars after accent stripping: 101 × "á" (a + U+0301) is 101 scalars, not 202.
        #expect(tokenizer.tokenize(String(repeating: "a\u{301}", count: 100)).count == 100)
        #expect(tokenizer.tokenize(String(repeating: "a\u{301}", count: 101)) == ["[UNK]"])
    }

    @Test func punctuationIsSplitOff() throws {
        let tokenizer = try tiny()
        #expect(tokenizer.tokenize("hello,world!") == ["hello", ",", "world", "!"])
        // ASCII symbols count as punctuation even though Unicode calls them Sc/Sm; "©" (So) does not split.
        #expect(tokenizer.tokenize("$x.") == ["$", "x", "."])
        #expect(tokenizer.tokenize("x©") == ["[UNK]"])
        #expect(tokenizer.tokenize("x ©") == ["x", "©"])
    }

    @Test func lowercasesAndStripsAccents() throws {
        let tokenizer = try tiny()
        #expect(tokenizer.tokenize("Café RÉSUMÉ") == ["cafe", "resume"])
        // Decomposed input behaves like precomposed.
        #expect(tokenizer.tokenize("cafe\u{301} Re\u{301}sume\u{301}") == ["cafe", "resume"])
        // Per-scalar lowercasing: İ (U+0130) → i + U+0307 → i.
        #expect(tokenizer.tokenize("İstanbul") == ["i", "##stanbul"])
        // A lone combining mark vanishes.
        #expect(tokenizer.tokenize("\u{301}") == [])
    }

    @Test func comparesCodePointsNotCanonicalEquivalence() throws {
        // NFD turns the syllable 가 into the jamo ᄀ + ᅡ. Swift String equality would find "가" for them;
        // the reference (a Python dict) matches code points, so the jamo pieces win.
        #expect(try tiny().tokenize("가") == ["ᄀ", "##ᅡ"])
    }

    @Test func cjkIdeographsAreWordsOfTheirOwn() throws {
        let tokenizer = try tiny()
        #expect(tokenizer.tokenize("x一二x") == ["x", "一", "二", "x"])
        #expect(tokenizer.tokenize("一,二") == ["一", ",", "二"])
    }

    @Test func controlCharactersAreRemovedAndWhitespaceSplits() throws {
        let tokenizer = try tiny()
        // NUL, U+FFFD, DEL, zero-width space (Cf) and private use (Co) vanish and join their neighbours.
        #expect(tokenizer.tokenize("hel\u{0}lo wo\u{FFFD}r\u{7F}l\u{200B}d\u{E000}") == ["hello", "world"])
        // Tab, newline, CR, NBSP, ideographic space and line separator split.
        #expect(tokenizer.tokenize("hello\tworld\nx\r\na\u{A0}x\u{3000}a\u{2028}x") ==
            ["hello", "world", "x", "a", "x", "a", "x"])
        // Other C0 controls (vertical tab, form feed) are removed, not whitespace.
        #expect(tokenizer.tokenize("x\u{0B}x\u{0C}a") == ["x", "##x", "##a"])
    }

    @Test func literalSpecialTokensAreKept() throws {
        let tokenizer = try tiny()
        #expect(tokenizer.encode("x[SEP]a") == [2, 11, 3, 13, 3])
        #expect(tokenizer.tokenize("[MASK]x") == ["[MASK]", "x"])
        // Matched case-sensitively on the raw text, as HuggingFace's added tokens are.
        #expect(tokenizer.tokenize("[sep]") == ["[", "sep", "]"])
    }

    @Test func truncationKeepsSeparator() throws {
        let tokenizer = try tiny(maxLength: 5)
        let ids = tokenizer.encode("hello world x a hello world")
        #expect(ids == [2, 15, 16, 11, 3])
        #expect(ids.count == tokenizer.maxLength)
        // Truncation can cut inside a word's pieces.
        #expect(tokenizer.encode("unaffable unaffable") == [2, 6, 9, 6, 3])
        // Exactly full: nothing dropped.
        #expect(tokenizer.encode("x a x") == [2, 11, 13, 11, 3])
        // tokenize is never truncated.
        #expect(tokenizer.tokenize("hello world x a hello world").count == 6)
        // The smallest possible length keeps only the special tokens.
        #expect(try tiny(maxLength: 2).encode("hello") == [2, 3])
    }

    @Test func emptyTextIsJustTheSpecialTokens() throws {
        let tokenizer = try tiny()
        #expect(tokenizer.encode("") == [2, 3])
        #expect(tokenizer.encode(" \t\n\u{0}") == [2, 3])
        #expect(tokenizer.tokenize("") == [])
    }

    @Test func repeatedTokenTakesItsLastID() throws {
        let tokenizer = try WordPieceTokenizer(vocabulary: tinyVocabulary + ["hello"])
        #expect(tokenizer.encode("hello") == [2, Int32(tinyVocabulary.count), 3])
    }
}

// MARK: - Loading

@Suite("WordPieceTokenizer loading")
struct WordPieceTokenizerLoadTests {
    private func temporaryFile(_ contents: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("wordpiece-\(UUID().uuidString).txt")
        try Data(contents.utf8).write(to: url)
        return url
    }

    @Test func missingFileIsUnreadable() throws {
        let url = URL(fileURLWithPath: "/nonexistent/vocab-\(UUID().uuidString).txt")
        #expect {
            try WordPieceTokenizer(vocabularyFile: url)
        } throws: { error in
            guard case let .unreadable(path, _)? = error as? WordPieceTokenizer.LoadError else { return false }
            return path == url.path && "\(error)".contains(url.path)
        }
    }

    @Test func emptyFileIsEmpty() throws {
        let url = try temporaryFile("")
        defer { try? FileManager.default.removeItem(at: url) }
        #expect {
            try WordPieceTokenizer(vocabularyFile: url)
        } throws: { error in
            guard case .empty? = error as? WordPieceTokenizer.LoadError else { return false }
            return true
        }
    }

    @Test func missingSpecialTokenIsNamed() throws {
        #expect {
            try WordPieceTokenizer(vocabulary: ["[PAD]", "[CLS]", "[SEP]", "hello"])
        } throws: { error in
            guard case let .missingSpecialToken(token)? = error as? WordPieceTokenizer.LoadError else { return false }
            return token == "[UNK]"
        }
    }

    @Test func fileLinesAreIDsWithLFOrCRLF() throws {
        for newline in ["\n", "\r\n"] {
            let url = try temporaryFile(tinyVocabulary.joined(separator: newline) + newline)
            defer { try? FileManager.default.removeItem(at: url) }
            let tokenizer = try WordPieceTokenizer(vocabularyFile: url, maxLength: 16)
            #expect(tokenizer.vocabularySize == tinyVocabulary.count)
            #expect(tokenizer.maxLength == 16)
            #expect(tokenizer.tokenize("Hello, unaffable world!") == ["hello", ",", "unaff", "##able", "world", "!"])
        }
    }
}

// MARK: - The real MiniLM vocabulary against HuggingFace

private struct MiniLMReference: Decodable {
    struct Item: Decodable {
        let text: String
        let tokenIDs: [Int32]
        enum CodingKeys: String, CodingKey {
            case text
            case tokenIDs = "token_ids"
        }
    }
    let items: [Item]
}


@Suite("WordPieceTokenizer with the MiniLM vocabulary")
struct WordPieceTokenizerMiniLMTests {
    @Test func matchesHuggingFaceReferenceIDs() throws {
        let tokenizer = try miniLMTokenizer()
        #expect(tokenizer.vocabularySize == 30522)
        #expect((tokenizer.padID, tokenizer.unkID, tokenizer.clsID, tokenizer.sepID) == (0, 100, 101, 102))

        let url = try #require(
            Bundle.module.url(forResource: "minilm_reference", withExtension: "json", subdirectory: "Fixtures"))
        let reference = try JSONDecoder().decode(MiniLMReference.self, from: Data(contentsOf: url))
        #expect(reference.items.count == 21)
        for (index, item) in reference.items.enumerated() {
            let ids = tokenizer.encode(item.text)
            #expect(ids == item.tokenIDs, "item \(index): \(item.text.debugDescription)")
        }
        // The set includes the 256-token truncation case.
        #expect(reference.items.contains { $0.tokenIDs.count == 256 })
    }

    /// Extra cases, ids from `tokenizers` 0.23.3 `BertWordPieceTokenizer(vocab.txt, lowercase=True)`
    /// with `add_special_tokens=False`.
    @Test(arguments: [
        ("a[SEP]b [cls] [MASK]x", [1037, 102, 1038, 1031, 18856, 2015, 1033, 103, 1060]),
        ("İstanbul", [9960]),
        ("ΟΔΟΣ οδος ς", [1169, 29722, 29730, 29733, 1169, 29722, 15297, 1172]),  // no final-sigma rule
        ("a\u{E000}b\u{200B}c", [5925]),
        ("a\u{2028}b\u{3000}c\u{A0}d", [1037, 1038, 1039, 1040]),
        ("가 한국어", [1455, 30006, 1469, 30006, 30021, 29991, 30014, 30020, 29999, 30008]),
        ("x\u{85}y\u{0B}z", [1060, 2100, 2480]),
        ("ﬁ ß ẞ K Å Ω", [1984, 1096, 1096, 1047, 1037, 1179]),
        ("\u{1F469}\u{200D}\u{1F4BB} e\u{301} \u{1F1EC}\u{1F1E7}", [100, 1041, 100]),
        ("\u{2B920}x", [100, 1060]),
        ("Ⅻ ½ ² ™", [100, 1092, 1082, 1580]),
        ("naïve—«quoted»…", [15743, 1517, 1077, 9339, 1090, 1529]),
        ("ǅungla ǈ", [100, 100]),
        ("\u{301}abc", [5925]),
    ] as [(String, [Int32])])
    func matchesHuggingFaceOnEdgeCases(text: String, expected: [Int32]) throws {
        let tokenizer = try miniLMTokenizer()
        #expect(tokenizer.encode(text) == [101] + expected + [102])
    }

    @Test func tokenizeGivesPieceStrings() throws {
        let tokenizer = try miniLMTokenizer()
        #expect(tokenizer.tokenize("Unaffable café!") == ["una", "##ffa", "##ble", "cafe", "!"])
    }
}
