import Foundation

/// Per-query ranking metrics with the definitions of BEIR / pytrec_eval (trec_eval's `ndcg_cut`,
/// `recall` and P@1 on a binary threshold).
///
/// `relevant` maps document ids to graded relevance judgements (qrels). A grade ≥ 1 counts as relevant;
/// 0 or below is judged not relevant. `ranked` is the system's ranking, best first; a repeated id counts once,
/// at its first position. Average the per-query values over the queries that have judgements.
public enum RetrievalMetrics {
    /// Normalised discounted cumulative gain at cut-off `k`.
    ///
    /// `DCG@k = Σ_{i=1…k} gain(ranked[i]) / log2(i + 1)` with gain = the relevance grade (not `2^grade − 1`,
    /// as trec_eval); the ideal DCG ranks the judged documents by grade. 0 when nothing is relevant or `k` ≤ 0.
    public static func ndcg(at k: Int, ranked: [String], relevant: [String: Int]) -> Double {
        guard k > 0 else { return 0 }
        let dcg = topK(ranked, k).enumerated().reduce(0.0) { sum, item in
            sum + gain(relevant[item.element]) / log2(Double(item.offset + 2))
        }
        let ideal = relevant.values.filter { $0 > 0 }.sorted(by: >).prefix(k).enumerated().reduce(0.0) { sum, item in
            sum + Double(item.element) / log2(Double(item.offset + 2))
        }
        return ideal > 0 ? dcg / ideal : 0
    }

    /// Recall at cut-off `k`: relevant documents among the first `k`, over all relevant documents.
    /// 0 when nothing is relevant.
    public static func recall(at k: Int, ranked: [String], relevant: [String: Int]) -> Double {
        let total = relevant.values.filter { $0 > 0 }.count
        guard total > 0, k > 0 else { return 0 }
        let found = topK(ranked, k).filter { (relevant[$0] ?? 0) > 0 }.count
        return Double(found) / Double(total)
    }

    /// 1 when the first result is relevant, else 0 (precision at 1, or success@1).
    public static func hitAtOne(ranked: [String], relevant: [String: Int]) -> Double {
        guard let first = ranked.first else { return 0 }
        return (relevant[first] ?? 0) > 0 ? 1 : 0
    }

    private static func gain(_ grade: Int?) -> Double {
        Double(max(0, grade ?? 0))
    }

    /// The first `k` distinct ids of `ranked`.
    private static func topK(_ ranked: [String], _ k: Int) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for id in ranked where seen.insert(id).inserted {
            result.append(id)
            if result.count == k { break }
        }
        return result
    }
}
