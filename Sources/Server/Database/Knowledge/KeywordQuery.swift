/// Turns what a caller said or typed into a safe FTS5 MATCH expression.
///
/// Raw user text is never passed to MATCH: FTS5 query syntax gives meaning to quotes, colons (column filters),
/// hyphens, parentheses, `*`, `^` and the words AND/OR/NOT/NEAR, so "what's your 24/7 re-key price?" would be a
/// syntax error or a different query. Instead the text is cut into lower-cased runs of letters and digits, each
/// run is double-quoted (a quoted string is always a plain phrase) and the runs are OR-joined, leaving ranking
/// to BM25.
public enum KeywordQuery {
    /// At most this many distinct terms are kept, bounding the cost of one query.
    public static let maximumTerms = 32

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
        let terms = terms(text)
        guard !terms.isEmpty else { return nil }
        return terms.map { "\"\($0)\"" }.joined(separator: " OR ")
    }
}
