import Foundation

/// The BERT uncased WordPiece tokenizer used by all-MiniLM-L6-v2.
///
/// Matches HuggingFace `BertTokenizer` (`BasicTokenizer(do_lower_case: true, tokenize_chinese_chars: true)`
/// followed by `WordpieceTokenizer`) and the `tokenizers` `BertWordPieceTokenizer` built from the same
/// `vocab.txt`, code point for code point:
///
/// 1. The literal special tokens `[PAD] [UNK] [CLS] [SEP] [MASK]` in the input (case-sensitive) map straight
///    to their ids, as HuggingFace's added-token splitting does.
/// 2. Clean: drop U+0000, U+FFFD and every scalar of general category C* except tab, LF and CR; whitespace
///    (tab, LF, CR, Zs, Zl, Zp) separates words.
/// 3. Each CJK ideograph is a word of its own.
/// 4. Per word: lowercase each scalar (full mapping, no context), NFD, drop nonspacing marks (Mn), then split
///    off punctuation (ASCII symbols and category P*) as one-scalar pieces.
/// 5. WordPiece: greedy longest match first, continuation pieces prefixed `##`; a piece longer than 100
///    scalars, or one with any part not in the vocabulary, becomes `[UNK]`.
///
/// Safe to share between threads: it is an immutable value.
public struct WordPieceTokenizer: Sendable {
    /// Why a vocabulary could not be loaded.
    public enum LoadError: Error, CustomStringConvertible {
        /// The vocabulary file could not be read (missing, unreadable or not UTF-8).
        case unreadable(path: String, underlying: String)
        /// One of `[CLS]`, `[SEP]`, `[PAD]`, `[UNK]` is not in the vocabulary.
        case missingSpecialToken(String)
        /// The vocabulary has no tokens.
        case empty

        public var description: String {
            switch self {
            case let .unreadable(path, underlying):
                return "cannot read WordPiece vocabulary at \(path): \(underlying)"
            case let .missingSpecialToken(token):
                return "WordPiece vocabulary has no \(token) token"
            case .empty:
                return "WordPiece vocabulary is empty"
            }
        }
    }

    /// Largest number of ids `encode` returns, `[CLS]` and `[SEP]` included.
    public let maxLength: Int
    public let clsID: Int32
    public let sepID: Int32
    public let padID: Int32
    public let unkID: Int32

    /// Number of ids, i.e. lines of `vocab.txt`.
    public var vocabularySize: Int { vocabulary.count }

    /// A word longer than this many scalars is `[UNK]` (HuggingFace's `max_input_chars_per_word`).
    static let maxScalarsPerWord = 100

    /// Token strings by id.
    let vocabulary: [String]
    /// Every token, for the first piece of a word.
    let wordStarts: VocabularyTrie
    /// Tokens that start with `##`, without the `##`, for the pieces after the first.
    let continuations: VocabularyTrie
    /// Special tokens matched literally in the input, as UTF-8, with their ids.
    let literalSpecialTokens: [(bytes: [UInt8], id: Int32)]

    /// Loads `vocab.txt`: one token per line, the line index (from 0) is the id.
    /// - Parameters:
    ///   - vocabularyFile: path of a UTF-8 text file; LF or CRLF line ends.
    ///   - maxLength: largest number of ids `encode` returns, `[CLS]` and `[SEP]` included; at least 2.
    public init(vocabularyFile: URL, maxLength: Int = 256) throws {
        let data: Data
        do {
            data = try Data(contentsOf: vocabularyFile)
        } catch {
            throw LoadError.unreadable(path: vocabularyFile.path, underlying: String(describing: error))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw LoadError.unreadable(path: vocabularyFile.path, underlying: "not valid UTF-8")
        }
        // Split scalars, not Characters: "\r\n" is one Character and would never equal "\n".
        var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            String(String.UnicodeScalarView(line.last == "\r" ? line.dropLast() : line))
        }
        if lines.last == "" { lines.removeLast() }
        try self.init(vocabulary: lines, maxLength: maxLength)
    }

    /// - Parameters:
    ///   - vocabulary: tokens by id. When a token repeats, its last id wins.
    ///   - maxLength: largest number of ids `encode` returns, `[CLS]` and `[SEP]` included; at least 2.
    public init(vocabulary: [String], maxLength: Int = 256) throws {
        precondition(maxLength >= 2, "maxLength must leave room for [CLS] and [SEP]")
        guard !vocabulary.isEmpty else { throw LoadError.empty }

        var ids: [String: Int32] = [:]  // only for the special tokens; exact spelling, so String is fine
        var wordStartEntries: [(bytes: [UInt8], id: Int32)] = []
        var continuationEntries: [(bytes: [UInt8], id: Int32)] = []
        wordStartEntries.reserveCapacity(vocabulary.count)
        for (index, token) in vocabulary.enumerated() {
            let id = Int32(index)
            let bytes = Array(token.utf8)
            wordStartEntries.append((bytes, id))
            if bytes.count > 2, bytes[0] == UInt8(ascii: "#"), bytes[1] == UInt8(ascii: "#") {
                continuationEntries.append((Array(bytes[2...]), id))
            }
            if token.hasPrefix("["), token.hasSuffix("]") { ids[token] = id }
        }
        func special(_ token: String) throws -> Int32 {
            guard let id = ids[token] else { throw LoadError.missingSpecialToken(token) }
            return id
        }

        self.maxLength = maxLength
        self.vocabulary = vocabulary
        clsID = try special("[CLS]")
        sepID = try special("[SEP]")
        padID = try special("[PAD]")
        unkID = try special("[UNK]")
        literalSpecialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].compactMap { token in
            ids[token].map { (Array(token.utf8), $0) }
        }
        wordStarts = VocabularyTrie(entries: wordStartEntries)
        continuations = VocabularyTrie(entries: continuationEntries)
    }

    /// Token ids for the model: `[CLS]`, the word pieces of `text`, `[SEP]`.
    ///
    /// When there are more than `maxLength - 2` pieces the last ones are dropped, so the result has at most
    /// `maxLength` ids and always ends with `[SEP]`.
    public func encode(_ text: String) -> [Int32] {
        var ids: [Int32] = [clsID]
        appendPieceIDs(of: text, to: &ids, limit: maxLength - 1)
        if ids.count > maxLength - 1 { ids.removeSubrange((maxLength - 1)...) }
        ids.append(sepID)
        return ids
    }

    /// The word pieces of `text` as strings (continuations start with `##`), without `[CLS]`/`[SEP]` and
    /// without truncation. For debugging and `frontdesk embed`.
    public func tokenize(_ text: String) -> [String] {
        var ids: [Int32] = []
        appendPieceIDs(of: text, to: &ids, limit: .max)
        return ids.map { vocabulary[Int($0)] }
    }

    /// Appends the WordPiece ids of one piece (a word already lowercased, stripped and split at punctuation).
    /// - Parameters:
    ///   - piece: the piece's UTF-8 bytes.
    ///   - scalarCount: number of Unicode scalars in `piece`.
    func appendWordPieces(of piece: UnsafeBufferPointer<UInt8>, scalarCount: Int, to ids: inout [Int32]) {
        guard scalarCount <= Self.maxScalarsPerWord else {
            ids.append(unkID)
            return
        }
        let firstOfPiece = ids.count
        var start = 0
        while start < piece.count {
            let match = start == 0
                ? wordStarts.longestMatch(in: piece, from: start)
                : continuations.longestMatch(in: piece, from: start)
            guard let match else {
                // Part of the word is not in the vocabulary: the whole word is [UNK].
                ids.removeSubrange(firstOfPiece...)
                ids.append(unkID)
                return
            }
            ids.append(match.id)
            start = match.end
        }
    }
}
