import Foundation

/// Cuts text into the terms keyword search indexes, exactly as SQLite FTS5's
/// `tokenize='porter unicode61 remove_diacritics 2'` does, so BM25 ranks the same as it did on FTS5.
///
/// - **unicode61**: a token is a run of letters (L*), numbers (N*) and private-use characters (Co); everything
///   else separates. Inside a token (not at its start) the combining diacritics U+0300–U+0331 that FTS5 lists
///   are kept and then dropped, so decomposed "e\u{301}" reads as "e"; other marks (Mn, Mc) separate.
/// - **Folding**: ASCII and Basic Multilingual Plane letters are lower-cased (Unicode simple case folding, which
///   also maps ς → σ, µ → μ, ſ → s), then a letter whose canonical decomposition is an ASCII letter plus marks
///   becomes that letter (`remove_diacritics 2`: é, ǖ, ḗ → e, u, e); ø, ł, ß, which do not decompose, stay.
/// - **porter**: tokens of 3 to 64 UTF-8 bytes go through `PorterStemmer`; shorter and longer ones stay as they are.
public enum KeywordTokenizer {
    /// FTS5's porter tokenizer passes longer tokens (in bytes) through unstemmed.
    static let maximumStemmedBytes = 64
    /// … and shorter ones.
    static let minimumStemmedBytes = 3

    /// The index terms of `text`: folded and stemmed tokens in order, repeats kept.
    public static func terms(_ text: String) -> [String] {
        var terms: [String] = []
        forEachToken(text) { token in
            stemIfEligible(&token)
            terms.append(String(decoding: token, as: UTF8.self))
        }
        return terms
    }

    /// The folded tokens of `text` before stemming, in order, repeats kept.
    public static func foldedTokens(_ text: String) -> [String] {
        var tokens: [String] = []
        forEachToken(text) { tokens.append(String(decoding: $0, as: UTF8.self)) }
        return tokens
    }

    /// The stem of one folded token, as the index stores it.
    public static func stemmed(_ token: String) -> String {
        var bytes = Array(token.utf8)
        stemIfEligible(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func stemIfEligible(_ token: inout [UInt8]) {
        if token.count >= minimumStemmedBytes, token.count <= maximumStemmedBytes { PorterStemmer.stem(&token) }
    }

    /// Calls `body` with the UTF-8 bytes of each folded token (a reused buffer the body may modify).
    static func forEachToken(_ text: String, _ body: (inout [UInt8]) -> Void) {
        var token: [UInt8] = []
        token.reserveCapacity(32)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                let byte = UInt8(value)
                if asciiIsTokenCharacter[Int(byte)] {
                    token.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
                } else if !token.isEmpty {
                    body(&token)
                    token.removeAll(keepingCapacity: true)
                }
                continue
            }
            switch classify(scalar) {
            case .token(let folded):
                appendUTF8(folded, to: &token)
            case .diacritic:
                // Continues a token (and is dropped); at the start of one it is a separator, as in FTS5.
                continue
            case .separator:
                if !token.isEmpty {
                    body(&token)
                    token.removeAll(keepingCapacity: true)
                }
            }
        }
        if !token.isEmpty { body(&token) }
    }

    // MARK: Character classes

    enum ScalarClass: Equatable {
        /// A token character, folded.
        case token(Unicode.Scalar)
        /// One of FTS5's combining diacritics: continues a token, contributes nothing.
        case diacritic
        case separator
    }

    private static let asciiIsTokenCharacter: [Bool] = (0..<128).map { byte in
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    /// Classes of U+0080…U+07FF (Latin, Greek, Cyrillic, Hebrew, Arabic…), worked out once: SciFact-like text
    /// is full of é, ü, α, β, μ, and decomposing them one by one would dominate tokenising.
    private static let lowTable: [ScalarClass] = (0..<0x800).map { value in
        computeClass(Unicode.Scalar(UInt32(value))!)
    }

    static func classify(_ scalar: Unicode.Scalar) -> ScalarClass {
        scalar.value < 0x800 ? lowTable[Int(scalar.value)] : computeClass(scalar)
    }

    /// FTS5's diacritic set (`sqlite3Fts5UnicodeIsdiacritic`): these combining marks of U+0300–U+0331.
    static func isFTS5Diacritic(_ value: UInt32) -> Bool {
        switch value {
        case 0x300...0x304, 0x306...0x30C, 0x30F, 0x311, 0x31B, 0x323...0x328, 0x32D...0x32E, 0x330...0x331: true
        default: false
        }
    }

    static func computeClass(_ scalar: Unicode.Scalar) -> ScalarClass {
        if isFTS5Diacritic(scalar.value) { return .diacritic }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber, .privateUse:
            return .token(fold(scalar))
        default:
            return .separator
        }
    }

    /// Case folding and diacritic removal of one token character.
    static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let value = scalar.value
        if value >= 0x10000 {
            // FTS5 folds only the Deseret capitals above the Basic Multilingual Plane.
            return (0x10400..<0x10428).contains(value) ? Unicode.Scalar(value + 40)! : scalar
        }
        var folded = scalar
        if let special = foldingNotLowercasing[value] {
            folded = Unicode.Scalar(special)!
        } else if scalar.properties.changesWhenLowercased {
            let lower = scalar.properties.lowercaseMapping.unicodeScalars
            // Simple folding only: a character whose lower case is several characters (İ) stays itself.
            if lower.count == 1 { folded = lower.first! }
        }
        guard folded.value >= 0x80 else { return folded }
        // remove_diacritics 2: a letter that decomposes to an ASCII letter plus combining marks → that letter.
        let decomposed = String(folded).decomposedStringWithCanonicalMapping.unicodeScalars
        guard let base = decomposed.first, base.isASCII, base.properties.isAlphabetic, decomposed.count > 1,
              decomposed.dropFirst().allSatisfy({ $0.properties.generalCategory == .nonspacingMark })
        else { return folded }
        let lowered = base.value >= 0x41 && base.value <= 0x5A ? base.value + 0x20 : base.value
        return Unicode.Scalar(lowered)!
    }

    /// Simple case foldings (Unicode CaseFolding.txt, status C) that differ from the lower-case mapping.
    private static let foldingNotLowercasing: [UInt32: UInt32] = [
        0x00B5: 0x03BC, 0x017F: 0x0073, 0x0345: 0x03B9, 0x03C2: 0x03C3, 0x03D0: 0x03B2, 0x03D1: 0x03B8,
        0x03D5: 0x03C6, 0x03D6: 0x03C0, 0x03F0: 0x03BA, 0x03F1: 0x03C1, 0x03F5: 0x03B5, 0x1E9B: 0x1E61,
        0x1FBE: 0x03B9,
    ]

    private static func appendUTF8(_ scalar: Unicode.Scalar, to bytes: inout [UInt8]) {
        let value = scalar.value
        switch value {
        case ..<0x80:
            bytes.append(UInt8(value))
        case ..<0x800:
            bytes.append(0xC0 | UInt8(value >> 6))
            bytes.append(0x80 | UInt8(value & 0x3F))
        case ..<0x10000:
            bytes.append(0xE0 | UInt8(value >> 12))
            bytes.append(0x80 | UInt8((value >> 6) & 0x3F))
            bytes.append(0x80 | UInt8(value & 0x3F))
        default:
            bytes.append(0xF0 | UInt8(value >> 18))
            bytes.append(0x80 | UInt8((value >> 12) & 0x3F))
            bytes.append(0x80 | UInt8((value >> 6) & 0x3F))
            bytes.append(0x80 | UInt8(value & 0x3F))
        }
    }
}
