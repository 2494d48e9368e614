extension SentimentAnalyzer {
    /// k-fold cross-validation of all three methods on `examples`: each fold is scored by an analyzer trained
    /// (with its own inner cross-validation) on the other folds only. The way to report figures for a
    /// dataset that is also trained on.
    ///
    /// - Returns: one evaluation per method over all out-of-fold predictions. Binary data is labelled by sign.
    public static func crossValidate(_ examples: [EmbeddedSentence], lexicon: SentimentLexicon = .callCentre,
                                     folds: Int = 5, seed: UInt64 = 7) throws -> [Method: SentimentEvaluation] {
        let gold = examples.map(\.sentence.label)
        let binary = !gold.contains(.neutral)
        let split = SentimentFolds.assign(gold, folds: folds, seed: seed)
        var predicted = Dictionary(uniqueKeysWithValues: Method.allCases.map {
            ($0, [SentimentLabel](repeating: .neutral, count: examples.count))
        })
        for fold in 0..<folds {
            let train = examples.indices.filter { split[$0] != fold }.map { examples[$0] }
            let (analyzer, _) = try SentimentAnalyzer.train(on: train, lexicon: lexicon, folds: folds, seed: seed)
            for i in examples.indices where split[i] == fold {
                for method in Method.allCases {
                    let score = analyzer.rawScore(examples[i].sentence.text, vector: examples[i].vector, method: method)
                    predicted[method]![i] = SentimentLabel(score: score,
                                                           neutralBand: binary ? 0 : analyzer.settings.band(method))
                }
            }
        }
        return predicted.mapValues { SentimentEvaluation(gold: gold, predicted: $0) }
    }
}
