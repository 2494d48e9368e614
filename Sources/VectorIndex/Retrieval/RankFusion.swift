/// How `HybridFusion` combines a dense (vector) and a keyword (BM25) ranking.
public enum RankFusion: Sendable, Equatable, Hashable {
    /// Reciprocal rank fusion (Cormack et al., 2009): a document scores `Σ 1 / (k + rank)` over the lists it
    /// appears in, with 1-based ranks. Scores are ignored, so the two lists' scales never need reconciling;
    /// a smaller `k` lets the top ranks dominate more.
    case reciprocalRank(k: Double = 60)
    /// Each list's scores are min-max normalised to [0, 1] (a list whose scores are all equal, such as a list
    /// of one, maps to 1), then combined as `denseWeight · dense + (1 − denseWeight) · keyword`; a document
    /// missing from a list gets 0 from it. `denseWeight` is in [0, 1].
    case weighted(denseWeight: Double)
}

extension RankFusion: CustomStringConvertible {
    /// `rrf:60` or `weighted:0.6`, the form `init(parsing:)` reads.
    public var description: String {
        switch self {
        case let .reciprocalRank(k): "rrf:\(Self.format(k))"
        case let .weighted(w): "weighted:\(Self.format(w))"
        }
    }

    /// Reads `rrf`, `rrf:K`, `weighted` (0.5) or `weighted:W`; nil for anything else, a `K` ≤ 0 or a
    /// `W` outside [0, 1].
    public init?(parsing text: String) {
        let parts = text.lowercased().split(separator: ":", maxSplits: 1).map(String.init)
        guard let name = parts.first else { return nil }
        let value = parts.count > 1 ? Double(parts[1]) : nil
        if parts.count > 1, value == nil { return nil }
        switch name {
        case "rrf":
            let k = value ?? 60
            guard k > 0, k.isFinite else { return nil }
            self = .reciprocalRank(k: k)
        case "weighted":
            let w = value ?? 0.5
            guard (0...1).contains(w) else { return nil }
            self = .weighted(denseWeight: w)
        default:
            return nil
        }
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(value)
    }
}
