// Placeholder until the eval branch lands the measured implementation.
public enum RankFusion: Sendable, Equatable { case reciprocalRank(k: Double = 60), weighted(denseWeight: Double) }
public struct HybridFusion {
    public static func fuse(dense: [(id: String, score: Float)], keyword: [(id: String, score: Double)], method: RankFusion, limit: Int) -> [(id: String, score: Double)] {
        var scores: [String: Double] = [:]
        for (rank, hit) in dense.enumerated() { scores[hit.id, default: 0] += 1 / (60 + Double(rank + 1)) }
        for (rank, hit) in keyword.enumerated() { scores[hit.id, default: 0] += 1 / (60 + Double(rank + 1)) }
        return scores.map { (id: $0.key, score: $0.value) }.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }.prefix(limit).map { $0 }
    }
}
