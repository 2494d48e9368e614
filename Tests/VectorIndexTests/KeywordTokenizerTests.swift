import Testing
@testable import VectorIndex

/// `KeywordTokenizer` against what SQLite FTS5's `porter unicode61 remove_diacritics 2` returns for the same
/// text (expected values taken from FTS5 via its `fts5vocab` table; ServerTests compares the two live).
@Suite struct KeywordTokenizerTests {
    @Test(arguments: [
        ("Hello, World! It's 24/7 re-key", ["hello", "world", "it", "s", "24", "7", "re", "kei"]),
        ("running runs ran", ["run", "run", "ran"]),
        // Diacritics go, precomposed or combining; letters that do not decompose stay.
        ("Café naïve résumé Ångström", ["cafe", "naiv", "resum", "angstrom"]),
        ("cafe\u{301} e\u{301}te\u{301}", ["cafe", "et"]),
        ("a\u{308}b", ["ab"]),
        ("Ǖ ǖ Ḗ", ["u", "u", "e"]),
        ("Straße Łódź Øresund", ["straß", "łodz", "øresund"]),
        ("İstanbul", ["istanbul"]),
        ("\u{212A} \u{212B}", ["k", "a"]),
        // Case folding beyond ASCII, including foldings that are not lower-casings (ς → σ, µ → μ, ſ → s).
        ("ΣΟΦΊΑ σοφίας ς µ ſ", ["σοφία", "σοφίασ", "σ", "μ", "s"]),
        ("ǅemal ǲ", ["ǆemal", "ǳ"]),
        ("ＡＢＣ", ["ａｂｃ"]),
        ("Ⅻ ⅻ", ["ⅻ", "ⅻ"]),
        ("Deseret \u{10400}\u{10401}", ["deseret", "\u{10428}\u{10429}"]),
        // Separators: punctuation, symbols, emoji, marks outside FTS5's diacritic list (and at a token's start).
        ("TGF-β1 🚰 water", ["tgf", "β1", "water"]),
        ("\u{301}abc", ["abc"]),
        ("x\u{332}y", ["x", "y"]),
        ("हिन्दी", ["ह", "न", "द"]),
        ("ﬁne", ["ﬁne"]),
        // Numbers and private-use characters are token characters.
        ("\u{BD} \u{2460} x\u{E000}y", ["\u{BD}", "\u{2460}", "x\u{E000}y"]),
        ("", []),
        (" \n\t.,;", []),
    ])
    func cutsLikeFTS5(_ text: String, _ expected: [String]) {
        #expect(KeywordTokenizer.terms(text) == expected)
    }

    @Test func stemsOnlyTokensOfThreeToSixtyFourBytes() {
        // "is" would stem to "i" and "as" to "a"; FTS5 leaves tokens under 3 bytes alone.
        #expect(KeywordTokenizer.terms("is as us") == ["is", "as", "us"])
        #expect(KeywordTokenizer.terms("its") == ["it"])
        let stem = String(repeating: "ab", count: 30)
        #expect(KeywordTokenizer.terms(stem + "bing") == [stem]) // 64 bytes: stemmed
        #expect(KeywordTokenizer.terms(stem + "bings") == [stem + "bings"]) // 65: not
    }

    @Test func foldedTokensAreNotStemmed() {
        #expect(KeywordTokenizer.foldedTokens("Running CAFÉS") == ["running", "cafes"])
        #expect(KeywordTokenizer.stemmed("cafes") == "cafe")
    }

    @Test func queryDropsStopWordsAndDuplicates() {
        #expect(KeywordQuery(#"Price: "AND" re-key?"#).tokens == ["price", "re", "key"])
        #expect(KeywordQuery(#"Price: "AND" re-key?"#).terms == ["price", "re", "kei"])
        // Stop words are dropped unless nothing else is left.
        #expect(KeywordQuery("Is there a callout fee at the weekend").tokens == ["callout", "fee", "weekend"])
        #expect(KeywordQuery("what is it").tokens == ["what"])
        #expect(KeywordQuery("to be or not to be").tokens == ["to", "be", "or", "not"])
        #expect(KeywordQuery("🚰 ... ::").isEmpty)
        #expect(KeywordQuery("a a A b").tokens == ["b"])
        // Two words with one stem stay two terms (as two OR-ed FTS5 phrases did).
        #expect(KeywordQuery("heater heaters HEATER").terms == ["heater", "heater"])
        let many = String(repeating: "w ", count: 10) + (0..<100).map { "t\($0)" }.joined(separator: " ")
        #expect(KeywordQuery(many).terms.count == KeywordQuery.maximumTerms)
    }
}
