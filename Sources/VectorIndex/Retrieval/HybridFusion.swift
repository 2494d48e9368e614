/// Combines a dense (vector) ranking and a keyword (BM25) ranking of the same documents into one.
///
/// Pure and deterministic: the same inputs give the same output, ties in the fused score go to the smaller id
/// (String order), so results never depend on dictionary iteration order.
public struct HybridFusion {
    /// The fusion the knowledge service uses: RRF with k = 30, the middle of a flat plateau on BEIR SciFact
    /// (k 10…60 and depths 50…200 all within 0.01 nDCG@10), and scale-free, unlike weighted fusion whose best
    /// weight depends on which list is stronger for a corpus. docs/retrieval.md has the figures.
    public static let defaultMethod: RankFusion = .reciprocalRank(k: 30)
    /// Candidates taken from each of dense and keyword search before fusing.
    public static let defaultCandidateDepth = 100

    /// Fuses two rankings.
    /// - Parameters:
    ///   - dense: vector-search hits, best first (the order given is the rank; scores are cosine similarities).
    ///   - keyword: keyword-search hits, best first (scores are BM25, higher is better).
    ///   - method: reciprocal rank or weighted score fusion (see `RankFusion`).
    ///   - limit: at most this many results; ≤ 0 gives none.
    /// - Returns: documents by fused score descending, ties by id ascending. A document listed twice in one
    ///   input counts once, at its first (best) position. With `.weighted`, a list whose weight is 0
    ///   contributes no documents, so weights 1 and 0 give exactly the dense and the keyword list.
    public static func fuse(
        dense: [(id: String, score: Float)],
        keyword: [(id: String, score: Double)],
        method: RankFusion,
        limit: Int
    ) -> [(id: String, score: Double)] {
        guard limit > 0 else { return [] }
        let denseList = unique(dense.map { (id: $0.id, score: Double($0.score)) })
        let keywordList = unique(keyword)
        var fused: [String: Double] = [:]
        switch method {
        case let .reciprocalRank(k):
            for list in [denseList, keywordList] {
                for (index, item) in list.enumerated() {
                    fused[item.id, default: 0] += 1 / (k + Double(index + 1))
                }
            }
        case let .weighted(denseWeight):
            let w = min(1, max(0, denseWeight))
            for (list, weight) in [(denseList, w), (keywordList, 1 - w)] where weight > 0 {
                for (id, score) in normalised(list) {
                    fused[id, default: 0] += weight * score
                }
            }
        }
        let ranked = fused.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        return ranked.prefix(limit).map { (id: $0.key, score: $0.value) }
    }

    /// `list` without repeated ids (the first occurrence is kept), in order.
    private static func unique(_ list: [(id: String, score: Double)]) -> [(id: String, score: Double)] {
        var seen = Set<String>()
        return list.filter { seen.insert($0.id).inserted }
    }

    /// Min-max normalisation to [0, 1]; when every score is equal (a list of one included) each maps to 1.
    private static func normalised(_ list: [(id: String, score: Double)]) -> [(id: String, score: Double)] {
        guard let low = list.map(\.score).min(), let high = list.map(\.score).max() else { return [] }
        let range = high - low
        return list.map { (id: $0.id, score: range > 0 ? ($0.score - low) / range : 1) }
    }
}
