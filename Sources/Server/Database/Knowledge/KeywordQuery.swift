/// Turns what a caller said or typed into a safe FTS5 MATCH expression.
///
/// Raw user text is never passed to MATCH: FTS5 query syntax gives meaning to quotes, colons (column filters),
/// hyphens, parentheses, `*`, `^` and the words AND/OR/NOT/NEAR, so "what's your 24/7 re-key price?" would be a
/// syntax error or a different query. Instead the text is cut into lower-cased runs of letters and digits, each
/// run is double-quoted (a quoted string is always a plain phrase) and the runs are OR-joined, leaving ranking
/// to BM25. English stop words are left out (unless the text has nothing else): in an OR query they match
/// nearly every chunk, so BM25 must score the whole business for terms whose weight is close to zero — 4× the
/// cost of the query without them on 10,000 chunks, for no gain in ranking.
public enum KeywordQuery {
    /// At most this many distinct terms are kept, bounding the cost of one query.
    public static let maximumTerms = 32

    /// Lucene's classic English stop words.
    public static let stopWords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not",
        "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was",
        "will", "with",
    ]

    /// The terms of `text`: lower-cased, letters and digits only, duplicates dropped, in order of appearance.
    public static func terms(_ text: String) -> [String] {
        var seen = Set<String>()
        var terms: [String] = []
        let runs = text.lowercased().split { !($0.isLetter || $0.isNumber) }
        for run in runs {
            // isLetter/isNumber hold for a Character whose first scalar is alphanumeric; keep only such scalars
            // so nothing FTS5 could read as syntax (a quote, a combining emoji sequence) survives.
            let term = String(String.UnicodeScalarView(run.unicodeScalars.filter {
                $0.properties.isAlphabetic || $0.properties.numericType != nil
            }))
            guard !term.isEmpty, seen.insert(term).inserted else { continue }
            terms.append(term)
            if terms.count == maximumTerms { break }
        }
        return terms
    }

    /// The MATCH expression for `text` (`"term1" OR "term2"`), or nil when it has no searchable term.
    public static func matchExpression(_ text: String) -> String? {
        let all = terms(text)
        let content = all.filter { !stopWords.contains($0) }
        let terms = content.isEmpty ? all : content
        guard !terms.isEmpty else { return nil }
        return terms.map { "\"\($0)\"" }.joined(separator: " OR ")
    }
}
