/// Whether a caller's mood rose or fell during a call.
public enum SentimentTrend: String, Sendable, Hashable, Codable {
    case improving, worsening, steady
}

/// The sentiment of a whole call from its caller turns.
public struct CallSentimentSummary: Sendable, Hashable {
    /// Weighted mean of the turn scores, later turns weighing more; in [−1, 1].
    public var score: Double
    public var label: SentimentLabel
    public var trend: SentimentTrend
    /// Least-squares slope of turn score against position in the call scaled to 0…1: the change in score
    /// from the first turn to the last along the fitted line. Positive is improving.
    public var change: Double
    /// Scores of the first and last turns.
    public var opening: Double
    public var closing: Double
    /// Indices of the lowest- and highest-scoring turns (nil for a call without turns).
    public var lowestTurn: Int?
    public var highestTurn: Int?
    public var turnCount: Int
}

/// Sums caller turn scores up into one call figure.
public enum CallSentiment {
    /// The last turn weighs `endWeight` times the first, linearly in between: how a call ends is what the
    /// caller remembers and what the business needs to act on.
    public static let endWeight = 3.0
    /// |change| below this is steady.
    public static let trendThreshold = 0.25

    /// Summarises `turns` (caller turns in call order).
    /// - Parameter neutralBand: the call's score strictly inside (−band, +band) is neutral.
    public static func aggregate(_ turns: [SentimentScore], neutralBand: Double = 0.2) -> CallSentimentSummary {
        let scores = turns.map(\.score)
        guard !scores.isEmpty else {
            return CallSentimentSummary(score: 0, label: .neutral, trend: .steady, change: 0, opening: 0, closing: 0,
                                        lowestTurn: nil, highestTurn: nil, turnCount: 0)
        }
        let n = scores.count
        // Position of each turn in the call, 0 (first) … 1 (last).
        let positions = (0..<n).map { n == 1 ? 1.0 : Double($0) / Double(n - 1) }
        let weights = positions.map { 1 + (endWeight - 1) * $0 }
        let score = zip(weights, scores).reduce(0) { $0 + $1.0 * $1.1 } / weights.reduce(0, +)

        var change = 0.0
        if n >= 2 {
            let meanX = positions.reduce(0, +) / Double(n)
            let meanY = scores.reduce(0, +) / Double(n)
            let covariance = zip(positions, scores).reduce(0) { $0 + ($1.0 - meanX) * ($1.1 - meanY) }
            let variance = positions.reduce(0) { $0 + ($1 - meanX) * ($1 - meanX) }
            change = covariance / variance
        }
        let trend: SentimentTrend = change >= trendThreshold ? .improving : change <= -trendThreshold ? .worsening : .steady
        return CallSentimentSummary(
            score: score, label: SentimentLabel(score: score, neutralBand: neutralBand), trend: trend, change: change,
            opening: scores[0], closing: scores[n - 1],
            lowestTurn: scores.indices.min { scores[$0] < scores[$1] },
            highestTurn: scores.indices.max { scores[$0] < scores[$1] }, turnCount: n)
    }
}
