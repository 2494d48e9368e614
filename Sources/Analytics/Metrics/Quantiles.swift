/// Nearest-rank quantiles: the p-th percentile of n sorted values is the value at rank ⌈p·n/100⌉ (1-based).
/// It is always an observed value (a "p90 call duration" is a real call's duration), exact — no interpolation
/// and no sketch error — and p50 of an even count is the lower middle value: p50 of [1, 2, 3, 4] is 2.
public enum Quantiles {
    /// The `percent`-th percentile (1…100) of `sorted` (ascending); nil when empty.
    public static func nearestRank(_ sorted: [Double], percent: Int) -> Double? {
        precondition((1...100).contains(percent), "percent must be 1…100")
        guard !sorted.isEmpty else { return nil }
        let rank = (percent * sorted.count + 99) / 100   // ⌈percent · n / 100⌉ in integers: no 0.9·10 rounding
        return sorted[max(rank, 1) - 1]
    }
}
