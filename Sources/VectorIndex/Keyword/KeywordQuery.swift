/// What a caller said or typed, reduced to the terms BM25 scores.
///
/// The text is cut like an indexed document (`KeywordTokenizer`); the folded tokens are deduplicated in order of
/// appearance and capped at `maximumTerms`; English stop words are dropped unless nothing else is left (in an
/// OR query they match nearly every chunk, so scoring the whole business for terms whose weight is close to
/// zero costs a lot and ranks nothing); then each token is stemmed. Two different words with one stem ("heater
/// heaters") stay two terms, so the stem counts twice — as the OR of two FTS5 phrases did.
public struct KeywordQuery: Sendable, Equatable {
    /// At most this many distinct tokens are kept, bounding the cost of one query.
    public static let maximumTerms = 32

    /// Lucene's classic English stop words.
    public static let stopWords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not",
        "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was",
        "will", "with",
    ]

    /// The folded, deduplicated tokens kept (before stemming).
    public let tokens: [String]
    /// Their stems, one per token: what the index is searched for.
    public let terms: [String]

    public init(_ text: String) {
        var seen = Set<String>()
        var all: [String] = []
        for token in KeywordTokenizer.foldedTokens(text) where seen.insert(token).inserted {
            all.append(token)
            if all.count == Self.maximumTerms { break }
        }
        let content = all.filter { !Self.stopWords.contains($0) }
        tokens = content.isEmpty ? all : content
        terms = tokens.map(KeywordTokenizer.stemmed)
    }

    /// Whether nothing in the text can match.
    public var isEmpty: Bool { terms.isEmpty }
}
