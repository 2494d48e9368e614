/// Scores caller turns with the lexicon, the embedding model, or a blend of the two.
///
/// Values in, values out: the caller embeds the text (with the same embedder the model was trained on) and
/// passes the vector; the lexicon reads the text.
public struct SentimentAnalyzer: Sendable {
    public enum Method: String, Sendable, CaseIterable, Hashable {
        case lexicon, model, combined
    }

    /// Chosen by cross-validation on the training data (`train(on:)`).
    public struct Settings: Sendable, Hashable {
        /// Share of the lexicon in the combined score; the model gets the rest.
        public var lexiconWeight: Double
        /// Neutral band of each method's score.
        public var lexiconBand: Double
        public var modelBand: Double
        public var combinedBand: Double

        public init(lexiconWeight: Double, lexiconBand: Double, modelBand: Double, combinedBand: Double) {
            self.lexiconWeight = lexiconWeight
            self.lexiconBand = lexiconBand
            self.modelBand = modelBand
            self.combinedBand = combinedBand
        }

        public func band(_ method: Method) -> Double {
            switch method {
            case .lexicon: lexiconBand
            case .model: modelBand
            case .combined: combinedBand
            }
        }
    }

    public var lexicon: SentimentLexicon
    public var model: EmbeddingSentimentModel
    public var settings: Settings

    public init(lexicon: SentimentLexicon, model: EmbeddingSentimentModel, settings: Settings) {
        var lexicon = lexicon
        lexicon.neutralBand = settings.lexiconBand
        var model = model
        model.neutralBand = settings.modelBand
        self.lexicon = lexicon
        self.model = model
        self.settings = settings
    }

    /// Scores `text`, whose embedding is `vector`, explaining the result with its drivers.
    /// - Parameter explanations: training sentences listed for the model's part.
    public func score(_ text: String, vector: [Float], method: Method = .combined,
                      explanations: Int = 5) -> SentimentScore {
        switch method {
        case .lexicon:
            return lexicon.score(text)
        case .model:
            return model.score(vector, explanations: explanations)
        case .combined:
            let w = settings.lexiconWeight
            let fromLexicon = lexicon.score(text)
            let fromModel = model.score(vector, explanations: explanations)
            let score = w * fromLexicon.score + (1 - w) * fromModel.score
            let drivers = fromLexicon.drivers.map { scaled($0, by: w) } + fromModel.drivers.map { scaled($0, by: 1 - w) }
            return SentimentScore(
                score: score, label: SentimentLabel(score: score, neutralBand: settings.combinedBand),
                drivers: drivers.filter { $0.contribution != 0 }.sorted { abs($0.contribution) > abs($1.contribution) })
        }
    }

    /// The score alone, without building explanations (for evaluation sweeps).
    public func rawScore(_ text: String, vector: [Float], method: Method) -> Double {
        switch method {
        case .lexicon: lexicon.score(text).score
        case .model: Self.clamp(model.rawScore(vector))
        case .combined: blend(lexicon: lexicon.score(text).score, model: Self.clamp(model.rawScore(vector)),
                              weight: settings.lexiconWeight)
        }
    }

    func blend(lexicon: Double, model: Double, weight: Double) -> Double {
        weight * lexicon + (1 - weight) * model
    }

    static func clamp(_ value: Double) -> Double { min(1, max(-1, value)) }

    private func scaled(_ driver: SentimentDriver, by factor: Double) -> SentimentDriver {
        var driver = driver
        driver.contribution *= factor
        return driver
    }
}
