import VectorIndex

/// Training: the ridge penalty, the lexicon/model blend and the neutral bands are chosen by k-fold
/// cross-validation on the training sentences, then the model is fitted on all of them.
extension SentimentAnalyzer {
    public static let lambdaCandidates: [Double] = [0.3, 1, 3, 10, 30]
    public static let weightCandidates: [Double] = stride(from: 0.0, through: 1.0, by: 0.05).map { $0 }
    public static let bandCandidates: [Double] = stride(from: 0.0, through: 0.6, by: 0.025).map { $0 }

    /// What cross-validation chose, and its out-of-fold figures, for reports.
    public struct TrainingReport: Sendable, Hashable {
        public var lambda: Double
        public var settings: Settings
        /// Macro-F1 (3-class data) or accuracy by sign (data without neutral sentences) of the out-of-fold
        /// combined scores at the chosen settings.
        public var crossValidatedObjective: Double
    }

    /// Trains an analyzer on `examples`; a few milliseconds per fold for hundreds of sentences.
    ///
    /// Data with neutral sentences tunes everything for 3-class macro-F1. Data without them (binary review
    /// sets) tunes for accuracy by sign, and its bands stay at 0.
    public static func train(on examples: [EmbeddedSentence], lexicon: SentimentLexicon = .callCentre,
                             folds: Int = 5, seed: UInt64 = 1) throws -> (SentimentAnalyzer, TrainingReport) {
        let gold = examples.map(\.sentence.label)
        let threeClass = gold.contains(.neutral)
        let split = SentimentFolds.assign(gold, folds: folds, seed: seed)
        let lexiconScores = examples.map { lexicon.score($0.sentence.text).score }

        // Out-of-fold model scores for each λ; keep the λ with the lowest squared error.
        var best: (lambda: Double, error: Double, scores: [Double])?
        for lambda in lambdaCandidates {
            var scores = [Double](repeating: 0, count: examples.count)
            for fold in 0..<folds {
                let train = examples.indices.filter { split[$0] != fold }.map { examples[$0] }
                let model = try EmbeddingSentimentModel(training: train, lambda: lambda)
                for i in examples.indices where split[i] == fold { scores[i] = clamp(model.rawScore(examples[i].vector)) }
            }
            let error = zip(scores, gold).reduce(0) { $0 + ($1.0 - $1.1.target) * ($1.0 - $1.1.target) }
            if best == nil || error < best!.error { best = (lambda, error, scores) }
        }
        let (lambda, _, modelScores) = best!

        func objective(_ scores: [Double], band: Double) -> Double {
            let evaluation = SentimentEvaluation(gold: gold, scores: scores, neutralBand: band)
            return threeClass ? evaluation.macroF1 : evaluation.accuracy
        }
        func bestBand(_ scores: [Double]) -> (band: Double, value: Double) {
            guard threeClass else { return (0, objective(scores, band: 0)) }
            return bandCandidates.map { ($0, objective(scores, band: $0)) }.max { $0.1 < $1.1 }!
        }
        var chosen: (weight: Double, band: Double, value: Double) = (0, 0, -1)
        for weight in weightCandidates {
            let blended = zip(lexiconScores, modelScores).map { weight * $0 + (1 - weight) * $1 }
            let (band, value) = bestBand(blended)
            if value > chosen.value + 1e-12 { chosen = (weight, band, value) }
        }
        let settings = Settings(lexiconWeight: chosen.weight, lexiconBand: bestBand(lexiconScores).band,
                                modelBand: bestBand(modelScores).band, combinedBand: chosen.band)
        let model = try EmbeddingSentimentModel(training: examples, lambda: lambda)
        return (SentimentAnalyzer(lexicon: lexicon, model: model, settings: settings),
                TrainingReport(lambda: lambda, settings: settings, crossValidatedObjective: chosen.value))
    }
}

/// Stratified k-fold assignment: each label's sentences are shuffled (seeded) and dealt round-robin.
public enum SentimentFolds {
    /// - Returns: the fold (0..<folds) of each sentence, in input order.
    public static func assign(_ labels: [SentimentLabel], folds: Int, seed: UInt64) -> [Int] {
        precondition(folds >= 2, "cross-validation needs at least 2 folds")
        var generator = SplitMix64(seed: seed)
        var fold = [Int](repeating: 0, count: labels.count)
        var next = 0
        for label in SentimentLabel.allCases {
            var members = labels.indices.filter { labels[$0] == label }
            members.shuffle(using: &generator)
            for index in members {
                fold[index] = next % folds
                next += 1
            }
        }
        return fold
    }
}
