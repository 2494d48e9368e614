import Foundation

// BERT's "basic tokenizer": cleaning, CJK and whitespace splitting, lowercasing, accent stripping and
// punctuation splitting, feeding each resulting piece to WordPiece. Everything works on Unicode scalars,
// like Python's per-code-point `str` handling, never on grapheme clusters.

extension WordPieceTokenizer {
    /// Appends the WordPiece ids of `text` to `ids`, stopping early once `ids.count >= limit`
    /// (so `ids` may then hold a few more than `limit`; the caller trims).
    func appendPieceIDs(of text: String, to ids: inout [Int32], limit: Int) {
        var splitter = PieceSplitter(limit: limit)
        guard ids.count < limit else { return }

        // Literal special tokens are matched case-sensitively in the raw text before any normalisation.
        var segmentStart = text.startIndex
        let utf8 = text.utf8
        if !literalSpecialTokens.isEmpty, utf8.contains(UInt8(ascii: "[")) {
            var index = utf8.startIndex
            while index < utf8.endIndex, !splitter.isDone {
                guard utf8[index] == UInt8(ascii: "["),
                      let special = literalSpecialTokens.first(where: { utf8[index...].starts(with: $0.bytes) })
                else {
                    index = utf8.index(after: index)
                    continue
                }
                splitter.split(text[segmentStart..<index].unicodeScalars, tokenizer: self, into: &ids)
                guard !splitter.isDone else { return }
                ids.append(special.id)
                splitter.checkLimit(ids)
                index = utf8.index(index, offsetBy: special.bytes.count)
                segmentStart = index
            }
        }
        guard !splitter.isDone else { return }
        splitter.split(text[segmentStart...].unicodeScalars, tokenizer: self, into: &ids)
    }
}

/// Reusable buffers for splitting one text into pieces.
private struct PieceSplitter {
    let limit: Int
    private(set) var isDone = false
    /// Scalars of the current whitespace-delimited word, as written.
    private var word: [Unicode.Scalar] = []
    /// The word lowercased, decomposed and without nonspacing marks.
    private var normalized: [Unicode.Scalar] = []
    /// UTF-8 of the current piece (a run of `normalized` between punctuation).
    private var piece: [UInt8] = []
    private var pieceScalarCount = 0

    init(limit: Int) {
        self.limit = limit
    }

    mutating func checkLimit(_ ids: [Int32]) {
        if ids.count >= limit { isDone = true }
    }

    /// Splits `scalars` into words and appends their pieces' ids.
    mutating func split(_ scalars: Substring.UnicodeScalarView, tokenizer: WordPieceTokenizer,
                        into ids: inout [Int32]) {
        for scalar in scalars {
            switch ScalarClass(scalar) {
            case .removed:
                continue
            case .whitespace:
                flushWord(tokenizer: tokenizer, into: &ids)
            case .ideograph:
                flushWord(tokenizer: tokenizer, into: &ids)
                word.append(scalar)
                flushWord(tokenizer: tokenizer, into: &ids)
            case .other:
                word.append(scalar)
            }
            if isDone { return }
        }
        flushWord(tokenizer: tokenizer, into: &ids)
    }

    /// Lowercases, decomposes and strips the current word, then splits it at punctuation into pieces.
    private mutating func flushWord(tokenizer: WordPieceTokenizer, into ids: inout [Int32]) {
        guard !word.isEmpty, !isDone else { return }
        normalized.removeAll(keepingCapacity: true)
        // Nothing below U+00C0 decomposes or is a combining mark, so ASCII-and-Latin-1-symbol words skip NFD.
        var needsDecomposition = false
        for scalar in word {
            if scalar.isASCII {
                let value = scalar.value
                let lowered = (0x41...0x5A).contains(value) ? value + 0x20 : value
                normalized.append(Unicode.Scalar(UInt8(lowered)))
                continue
            }
            if scalar.value >= 0xC0 { needsDecomposition = true }
            // Per scalar, like Python's str.lower() in HF's pre-lowercasing and Rust's char::to_lowercase():
            // full mappings (İ → i + U+0307), no context (a final Σ becomes σ, not ς).
            if scalar.properties.changesWhenLowercased {
                normalized.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            } else {
                normalized.append(scalar)
            }
        }
        word.removeAll(keepingCapacity: true)

        if needsDecomposition {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: normalized)
            let decomposed = String(view).decomposedStringWithCanonicalMapping
            normalized.removeAll(keepingCapacity: true)
            for scalar in decomposed.unicodeScalars
            where scalar.properties.generalCategory != .nonspacingMark {
                normalized.append(scalar)
            }
        }

        for scalar in normalized {
            if scalar.isBertPunctuation {
                emitPiece(tokenizer: tokenizer, into: &ids)
                appendToPiece(scalar)
                emitPiece(tokenizer: tokenizer, into: &ids)
            } else {
                appendToPiece(scalar)
            }
        }
        emitPiece(tokenizer: tokenizer, into: &ids)
    }

    private mutating func appendToPiece(_ scalar: Unicode.Scalar) {
        if scalar.isASCII {
            piece.append(UInt8(scalar.value))
        } else {
            UTF8.encode(scalar) { piece.append($0) }
        }
        pieceScalarCount += 1
    }

    private mutating func emitPiece(tokenizer: WordPieceTokenizer, into ids: inout [Int32]) {
        guard !piece.isEmpty, !isDone else { return }
        piece.withUnsafeBufferPointer { bytes in
            tokenizer.appendWordPieces(of: bytes, scalarCount: pieceScalarCount, to: &ids)
        }
        piece.removeAll(keepingCapacity: true)
        pieceScalarCount = 0
        checkLimit(ids)
    }
}

/// How BERT's cleaning and splitting treats a scalar of the raw text.
private enum ScalarClass {
    /// NUL, U+FFFD and category C* other than tab/LF/CR (HF `_is_control`): deleted, joining its neighbours.
    case removed
    /// Tab, LF, CR, space and categories Zs/Zl/Zp: separates words.
    case whitespace
    /// A CJK ideograph: a word on its own.
    case ideograph
    case other

    init(_ scalar: Unicode.Scalar) {
        let value = scalar.value
        if value < 0x80 {
            switch value {
            case 0x09, 0x0A, 0x0D, 0x20: self = .whitespace
            case 0x00..<0x20, 0x7F: self = .removed
            default: self = .other
            }
            return
        }
        if value == 0xFFFD {
            self = .removed
            return
        }
        if scalar.isCJKIdeograph {
            self = .ideograph
            return
        }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned:
            self = .removed
        case .spaceSeparator, .lineSeparator, .paragraphSeparator:
            // Python's _is_whitespace only knows Zs, but str.split() then splits on Zl/Zp too.
            self = .whitespace
        default:
            self = .other
        }
    }
}

extension Unicode.Scalar {
    /// HF `_is_chinese_char`: the CJK Unified Ideographs blocks and their extensions.
    ///
    /// These are the ranges of transformers' Python `BasicTokenizer`. The Rust `tokenizers` crate has
    /// 0x2B920 where Python has 0x2B820, so the two differ on U+2B820–U+2B91F (none of which is in the
    /// MiniLM vocabulary; the only effect is whether such a scalar splits from adjacent letters).
    fileprivate var isCJKIdeograph: Bool {
        switch value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }

    /// HF `_is_punctuation`: all non-alphanumeric printable ASCII, and any Unicode category P*.
    fileprivate var isBertPunctuation: Bool {
        switch value {
        case 33...47, 58...64, 91...96, 123...126:
            return true
        case 0..<0x80:
            return false
        default:
            switch properties.generalCategory {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
                 .initialPunctuation, .finalPunctuation, .otherPunctuation:
                return true
            default:
                return false
            }
        }
    }
}
