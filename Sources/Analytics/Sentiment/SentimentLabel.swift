/// The three-way sentiment of a caller turn or a call.
public enum SentimentLabel: String, Sendable, Codable, CaseIterable, Hashable {
    case negative
    case neutral
    case positive

    /// The regression target a label trains towards: −1, 0 or +1.
    public var target: Double {
        switch self {
        case .negative: -1
        case .neutral: 0
        case .positive: 1
        }
    }

    /// The label of `score`: neutral inside the open band (−`neutralBand`, +`neutralBand`), else by sign.
    ///
    /// A band of 0 still calls an exact 0 (no evidence at all) neutral.
    public init(score: Double, neutralBand: Double) {
        if score >= neutralBand && score > 0 {
            self = .positive
        } else if score <= -neutralBand && score < 0 {
            self = .negative
        } else {
            self = .neutral
        }
    }
}
