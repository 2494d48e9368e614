import Testing
@testable import VectorIndex

/// The examples of Porter (1980), "An algorithm for suffix stripping", step by step, then whole words.
@Suite struct PorterStemmerTests {
    private func apply(_ step: (inout Word) -> Void, _ word: String) -> String {
        var w = Word(word)
        step(&w)
        return w.text
    }

    @Test func measureMatchesThePaper() {
        for (word, m) in [("tr", 0), ("ee", 0), ("tree", 0), ("y", 0), ("by", 0),
                          ("trouble", 1), ("oats", 1), ("trees", 1), ("ivy", 1),
                          ("troubles", 2), ("private", 2), ("oaten", 2), ("orrery", 2)] {
            let w = Word(word)
            #expect(w.measure(w.bytes.count) == m, "\(word)")
        }
    }

    @Test func step1aPlurals() {
        for (word, stem) in [("caresses", "caress"), ("ponies", "poni"), ("ties", "ti"), ("caress", "caress"),
                             ("cats", "cat")] {
            #expect(apply({ $0.step1a() }, word) == stem, "\(word)")
        }
    }

    @Test func step1bPastTenseAndGerunds() {
        for (word, stem) in [("feed", "feed"), ("agreed", "agree"), ("plastered", "plaster"), ("bled", "bled"),
                             ("motoring", "motor"), ("sing", "sing"),
                             // The tidying-up after -ed / -ing.
                             ("conflated", "conflate"), ("troubled", "trouble"), ("sized", "size"),
                             ("hopping", "hop"), ("tanned", "tan"), ("falling", "fall"), ("hissing", "hiss"),
                             ("fizzed", "fizz"), ("failing", "fail"), ("filing", "file")] {
            #expect(apply({ $0.step1b() }, word) == stem, "\(word)")
        }
    }

    @Test func step1cTerminalY() {
        #expect(apply({ $0.step1c() }, "happy") == "happi")
        #expect(apply({ $0.step1c() }, "sky") == "sky")
    }

    @Test func step2DoubleSuffixes() {
        for (word, stem) in [("relational", "relate"), ("conditional", "condition"), ("rational", "rational"),
                             ("valenci", "valence"), ("hesitanci", "hesitance"), ("digitizer", "digitize"),
                             ("conformabli", "conformable"), ("radicalli", "radical"), ("differentli", "different"),
                             ("vileli", "vile"), ("analogousli", "analogous"), ("vietnamization", "vietnamize"),
                             ("predication", "predicate"), ("operator", "operate"), ("feudalism", "feudal"),
                             ("decisiveness", "decisive"), ("hopefulness", "hopeful"), ("callousness", "callous"),
                             ("formaliti", "formal"), ("sensitiviti", "sensitive"), ("sensibiliti", "sensible"),
                             // Porter's later rules, which FTS5 uses too.
                             ("archaeologi", "archaeolog"), ("possibli", "possible")] {
            #expect(apply({ $0.step2() }, word) == stem, "\(word)")
        }
    }

    @Test func step3() {
        for (word, stem) in [("triplicate", "triplic"), ("formative", "form"), ("formalize", "formal"),
                             ("electriciti", "electric"), ("electrical", "electric"), ("hopeful", "hope"),
                             ("goodness", "good")] {
            #expect(apply({ $0.step3() }, word) == stem, "\(word)")
        }
    }

    @Test func step4() {
        for (word, stem) in [("revival", "reviv"), ("allowance", "allow"), ("inference", "infer"),
                             ("airliner", "airlin"), ("gyroscopic", "gyroscop"), ("adjustable", "adjust"),
                             ("defensible", "defens"), ("irritant", "irrit"), ("replacement", "replac"),
                             ("adjustment", "adjust"), ("dependent", "depend"), ("adoption", "adopt"),
                             ("homologou", "homolog"), ("communism", "commun"), ("activate", "activ"),
                             ("angulariti", "angular"), ("homologous", "homolog"), ("effective", "effect"),
                             ("bowdlerize", "bowdler"),
                             // -ion only after s or t; the longest suffix alone decides (-ement fails, -ment is not tried).
                             ("communion", "communion"), ("batement", "batement")] {
            #expect(apply({ $0.step4() }, word) == stem, "\(word)")
        }
    }

    @Test func step5() {
        for (word, stem) in [("probate", "probat"), ("rate", "rate"), ("cease", "ceas")] {
            #expect(apply({ $0.step5a() }, word) == stem, "\(word)")
        }
        #expect(apply({ $0.step5b() }, "controll") == "control")
        #expect(apply({ $0.step5b() }, "roll") == "roll")
    }

    /// Whole words: the paper's two worked examples, and the paper's step examples run through every step
    /// (expected values from SQLite FTS5's porter tokenizer).
    @Test func wholeWords() {
        let expected = [
            "generalizations": "gener", "oscillators": "oscil",
            "caresses": "caress", "ponies": "poni", "ties": "ti", "cats": "cat", "feed": "feed", "agreed": "agre",
            "plastered": "plaster", "motoring": "motor", "conflated": "conflat", "troubled": "troubl",
            "sized": "size", "hopping": "hop", "filing": "file", "happy": "happi", "sky": "sky",
            "relational": "relat", "conditional": "condit", "rational": "ration", "hesitanci": "hesit",
            "digitizer": "digit", "conformabli": "conform", "radicalli": "radic", "differentli": "differ",
            "vileli": "vile", "analogousli": "analog", "vietnamization": "vietnam", "predication": "predic",
            "operator": "oper", "decisiveness": "decis", "hopefulness": "hope", "sensitiviti": "sensit",
            "sensibiliti": "sensibl", "electriciti": "electr", "electrical": "electr", "goodness": "good",
            "revival": "reviv", "adoption": "adopt", "homologous": "homolog", "bowdlerize": "bowdler",
            "cease": "ceas", "controll": "control", "roll": "roll", "archaeology": "archaeolog",
            "ability": "abil", "abilities": "abil", "connection": "connect",
        ]
        for (word, stem) in expected {
            #expect(PorterStemmer.stem(word) == stem, "\(word)")
        }
    }

    @Test func nonASCIIBytesAreConsonantsAndSurvive() {
        // "ü" (two UTF-8 bytes) counts as a consonant: only the ASCII suffix is touched.
        #expect(PorterStemmer.stem("müllers") == "müller")
        #expect(PorterStemmer.stem("αβγ") == "αβγ")
        #expect(PorterStemmer.stem("") == "")
        #expect(PorterStemmer.stem("s") == "s")
    }
}
