/// Accuracy, macro-F1 and the confusion matrix of predicted scores against gold labels.
///
/// Three-class data (any gold label neutral): a score is labelled with the neutral band and all three
/// classes count in macro-F1. Binary data (no neutral gold label, e.g. the UCI review sentences): the label is
/// the sign of the score, the band is ignored, and a score of exactly 0 (no evidence) is predicted neutral,
/// which is always wrong; macro-F1 averages positive and negative only.
public struct SentimentEvaluation: Sendable, Hashable {
    /// Rows are gold labels, columns predictions, both in `SentimentLabel.allCases` order.
    public var confusion: [[Int]]
    public var isBinary: Bool
    public var count: Int { confusion.joined().reduce(0, +) }

    /// Scores labelled with `neutralBand` (or by sign, for binary data).
    public init(gold: [SentimentLabel], scores: [Double], neutralBand: Double) {
        precondition(gold.count == scores.count, "one score per gold label")
        let binary = !gold.contains(.neutral)
        self.init(gold: gold, predicted: scores.map { SentimentLabel(score: $0, neutralBand: binary ? 0 : neutralBand) })
    }

    /// Predicted labels as they are: for binary data, predict with a band of 0 (by sign).
    public init(gold: [SentimentLabel], predicted: [SentimentLabel]) {
        precondition(gold.count == predicted.count, "one prediction per gold label")
        var confusion = Array(repeating: Array(repeating: 0, count: 3), count: 3)
        for (label, guess) in zip(gold, predicted) { confusion[Self.index(label)][Self.index(guess)] += 1 }
        self.confusion = confusion
        self.isBinary = !gold.contains(.neutral)
    }

    public var accuracy: Double {
        guard count > 0 else { return 0 }
        return Double((0..<3).reduce(0) { $0 + confusion[$1][$1] }) / Double(count)
    }

    /// Mean F1 over the scored classes (all three, or positive and negative for binary data).
    public var macroF1: Double {
        let classes: [SentimentLabel] = isBinary ? [.negative, .positive] : SentimentLabel.allCases
        let f1s = classes.map { f1(of: $0) }
        return f1s.reduce(0, +) / Double(f1s.count)
    }

    public func f1(of label: SentimentLabel) -> Double {
        let c = Self.index(label)
        let truePositives = Double(confusion[c][c])
        let predicted = Double((0..<3).reduce(0) { $0 + confusion[$1][c] })
        let actual = Double(confusion[c].reduce(0, +))
        guard predicted + actual > 0 else { return 0 }
        return 2 * truePositives / (predicted + actual)
    }

    static func index(_ label: SentimentLabel) -> Int { SentimentLabel.allCases.firstIndex(of: label)! }
}
