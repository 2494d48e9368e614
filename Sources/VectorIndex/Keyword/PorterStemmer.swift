/// The Porter stemming algorithm (M. F. Porter, "An algorithm for suffix stripping", Program 14(3), 1980).
///
/// Works on lower-case ASCII letters; any other byte counts as a consonant, so a UTF-8 word passes through with
/// at most an ASCII suffix rewritten (suffixes are ASCII, so a multi-byte character is never cut). Two rules of
/// step 2 follow Porter's own later reference implementation, as SQLite FTS5's `porter` tokenizer does, because
/// keyword search must stem exactly like the FTS5 index it replaced: `bli → ble` (the paper's `abli → able`,
/// which it generalises) and the added `logi → log`.
///
/// Notation as in the paper: a word is `[C](VC){m}[V]`, `m` its *measure*; `*v*` "the stem contains a vowel",
/// `*d` "ends with a double consonant", `*o` "ends consonant–vowel–consonant, the last not w, x or y". A suffix
/// only matches when something is left before it (`nBuf > suffix length` in FTS5), and within a step the longest
/// matching suffix is the only candidate: if its condition fails, the step does nothing.
public enum PorterStemmer {
    /// The stem of `word` (lower-case; see the type's notes for other input).
    public static func stem(_ word: String) -> String {
        var bytes = Array(word.utf8)
        stem(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Stems UTF-8 bytes in place.
    public static func stem(_ bytes: inout [UInt8]) {
        var word = Word(bytes: bytes)
        word.step1a()
        word.step1b()
        word.step1c()
        word.step2()
        word.step3()
        word.step4()
        word.step5a()
        word.step5b()
        bytes = word.bytes
    }
}

/// A word being stemmed, with the paper's predicates. Internal so the tests can run each step on its own.
struct Word {
    var bytes: [UInt8]

    init(bytes: [UInt8]) { self.bytes = bytes }
    init(_ text: String) { bytes = Array(text.utf8) }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    // MARK: Predicates (on the prefix `bytes[0..<end]`)

    /// A consonant is a letter other than a, e, i, o, u, and other than y preceded by a consonant.
    func isConsonant(_ i: Int) -> Bool {
        switch bytes[i] {
        case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "o"), UInt8(ascii: "u"): false
        case UInt8(ascii: "y"): i == 0 ? true : !isConsonant(i - 1)
        default: true
        }
    }

    /// m of `[C](VC){m}[V]` for the first `end` letters.
    func measure(_ end: Int) -> Int {
        var m = 0
        var i = 0
        while i < end, isConsonant(i) { i += 1 }
        while i < end {
            while i < end, !isConsonant(i) { i += 1 }
            guard i < end else { break }
            m += 1
            while i < end, isConsonant(i) { i += 1 }
        }
        return m
    }

    /// `*v*`: the first `end` letters contain a vowel.
    func containsVowel(_ end: Int) -> Bool {
        (0..<end).contains { !isConsonant($0) }
    }

    /// `*d`: the first `end` letters end with a double consonant.
    func endsWithDoubleConsonant(_ end: Int) -> Bool {
        end >= 2 && bytes[end - 1] == bytes[end - 2] && isConsonant(end - 1)
    }

    /// `*o`: the first `end` letters end consonant–vowel–consonant, the last consonant not w, x or y.
    func endsCVC(_ end: Int) -> Bool {
        guard end >= 3, isConsonant(end - 3), !isConsonant(end - 2), isConsonant(end - 1) else { return false }
        let last = bytes[end - 1]
        return last != UInt8(ascii: "w") && last != UInt8(ascii: "x") && last != UInt8(ascii: "y")
    }

    /// Whether the word ends with `suffix` and has at least one letter before it.
    func ends(with suffix: StaticString) -> Bool {
        let n = suffix.utf8CodeUnitCount
        guard bytes.count > n else { return false }
        return suffix.withUTF8Buffer { suffix in
            var i = 0
            let start = bytes.count - n
            while i < n {
                if bytes[start + i] != suffix[i] { return false }
                i += 1
            }
            return true
        }
    }

    /// Replaces the last `suffixLength` letters with `replacement`.
    mutating func replaceSuffix(length suffixLength: Int, with replacement: StaticString) {
        bytes.removeLast(suffixLength)
        replacement.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Applies the rule of `rules` with the longest matching suffix, if its stem passes `condition`.
    mutating func applyLongest(_ rules: [(suffix: StaticString, replacement: StaticString)], if condition: (Word, Int) -> Bool) {
        var best: (suffix: StaticString, replacement: StaticString)?
        for rule in rules where ends(with: rule.suffix) {
            if best == nil || rule.suffix.utf8CodeUnitCount > best!.suffix.utf8CodeUnitCount { best = rule }
        }
        guard let best else { return }
        let stemLength = bytes.count - best.suffix.utf8CodeUnitCount
        if condition(self, stemLength) { replaceSuffix(length: best.suffix.utf8CodeUnitCount, with: best.replacement) }
    }

    // MARK: Steps

    /// Plurals: sses → ss, ies → i, ss → ss, s → (nothing).
    mutating func step1a() {
        if ends(with: "sses") || ends(with: "ies") {
            bytes.removeLast(2)
        } else if ends(with: "ss") {
            return
        } else if ends(with: "s") {
            bytes.removeLast()
        }
    }

    /// Past tense and gerunds: (m>0) eed → ee; (*v*) ed → ; (*v*) ing → ; then tidy the stem up.
    mutating func step1b() {
        if ends(with: "eed") {
            if measure(bytes.count - 3) > 0 { bytes.removeLast() }
            return
        }
        let removed: Int
        if ends(with: "ed"), containsVowel(bytes.count - 2) {
            removed = 2
        } else if ends(with: "ing"), containsVowel(bytes.count - 3) {
            removed = 3
        } else {
            return
        }
        bytes.removeLast(removed)
        if ends(with: "at") || ends(with: "bl") || ends(with: "iz") {
            bytes.append(UInt8(ascii: "e"))
        } else if endsWithDoubleConsonant(bytes.count),
                  ![UInt8(ascii: "l"), UInt8(ascii: "s"), UInt8(ascii: "z")].contains(bytes[bytes.count - 1]) {
            bytes.removeLast()
        } else if measure(bytes.count) == 1, endsCVC(bytes.count) {
            bytes.append(UInt8(ascii: "e"))
        }
    }

    /// (*v*) y → i.
    mutating func step1c() {
        if ends(with: "y"), containsVowel(bytes.count - 1) {
            bytes[bytes.count - 1] = UInt8(ascii: "i")
        }
    }

    /// (m>0) double suffixes to single ones: ational → ate, …
    mutating func step2() {
        applyLongest(Self.step2Rules) { word, stem in word.measure(stem) > 0 }
    }

    /// (m>0) -ic-, -full, -ness etc.: icate → ic, ative → , …
    mutating func step3() {
        applyLongest(Self.step3Rules) { word, stem in word.measure(stem) > 0 }
    }

    /// (m>1) strips a last suffix: al, ance, …; ion only after s or t.
    mutating func step4() {
        applyLongest(Self.step4Rules) { word, stem in
            guard word.measure(stem) > 1 else { return false }
            // The only rule with a second condition: (m>1 and (*S or *T)) ION →
            if word.bytes.count - stem == 3, word.ends(with: "ion") {
                let last = word.bytes[stem - 1]
                return last == UInt8(ascii: "s") || last == UInt8(ascii: "t")
            }
            return true
        }
    }

    /// (m>1) e → ; (m=1 and not *o) e → .
    mutating func step5a() {
        guard ends(with: "e") else { return }
        let stem = bytes.count - 1
        let m = measure(stem)
        if m > 1 || (m == 1 && !endsCVC(stem)) { bytes.removeLast() }
    }

    /// (m>1 and *d and *L) → single letter.
    mutating func step5b() {
        if bytes.count >= 2, bytes[bytes.count - 1] == UInt8(ascii: "l"), endsWithDoubleConsonant(bytes.count),
           measure(bytes.count) > 1 {
            bytes.removeLast()
        }
    }

    static let step2Rules: [(suffix: StaticString, replacement: StaticString)] = [
        ("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("izer", "ize"),
        ("bli", "ble"), ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous"), ("ization", "ize"),
        ("ation", "ate"), ("ator", "ate"), ("alism", "al"), ("iveness", "ive"), ("fulness", "ful"),
        ("ousness", "ous"), ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"), ("logi", "log"),
    ]

    static let step3Rules: [(suffix: StaticString, replacement: StaticString)] = [
        ("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"), ("ful", ""), ("ness", ""),
    ]

    static let step4Rules: [(suffix: StaticString, replacement: StaticString)] = [
        ("al", ""), ("ance", ""), ("ence", ""), ("er", ""), ("ic", ""), ("able", ""), ("ible", ""), ("ant", ""),
        ("ement", ""), ("ment", ""), ("ent", ""), ("ion", ""), ("ou", ""), ("ism", ""), ("ate", ""), ("iti", ""),
        ("ous", ""), ("ive", ""), ("ize", ""),
    ]
}
