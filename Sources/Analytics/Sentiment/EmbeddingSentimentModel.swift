import CBLAS

/// A linear sentiment model on sentence embeddings: ridge regression from a vector to the targets −1 / 0 / +1
/// of its training labels.
///
/// Values in, values out: it takes vectors and never calls an embedder. It keeps its training sentences so
/// every score can be explained exactly: for ridge regression the prediction equals
/// `mean target + Σᵢ αᵢ · (xᵢ − x̄)·(x − x̄)` with αᵢ = (yᵢ − ŷᵢ)/λ, one term per training sentence, and the
/// largest terms are the drivers.
public struct EmbeddingSentimentModel: Sendable {
    public let dimension: Int
    /// The ridge penalty it was trained with.
    public let lambda: Double
    public let regression: RidgeRegression
    /// Scores strictly inside (−band, +band) are neutral.
    public var neutralBand: Double

    let sentences: [LabelledSentence]
    /// Training vectors, n × d row-major.
    let vectors: [Float]
    /// Dual coefficients αᵢ (n).
    let dualWeights: [Double]
    /// (xᵢ · x̄) for each training row (n), and x̄ · x̄: to centre dot products without centring the rows.
    let rowDotMean: [Float]
    let meanDotMean: Float
    let means: [Float]

    public enum Failure: Error, Equatable {
        case noTrainingData
        case dimensionMismatch(expected: Int, found: Int)
    }

    /// Trains on `examples` (a few milliseconds for hundreds of sentences).
    /// - Parameter lambda: the ridge penalty λ > 0; 1–10 suits a few hundred 384-d MiniLM vectors.
    public init(training examples: [EmbeddedSentence], lambda: Double, neutralBand: Double = 0.3) throws {
        guard let d = examples.first?.vector.count, d > 0 else { throw Failure.noTrainingData }
        if let bad = examples.first(where: { $0.vector.count != d }) {
            throw Failure.dimensionMismatch(expected: d, found: bad.vector.count)
        }
        let n = examples.count
        let rows = examples.flatMap { $0.vector.map(Double.init) }
        let targets = examples.map(\.sentence.label.target)
        let regression = try RidgeRegression(rows: rows, dimension: d, targets: targets, lambda: lambda)
        self.dimension = d
        self.lambda = lambda
        self.regression = regression
        self.neutralBand = neutralBand
        self.sentences = examples.map(\.sentence)
        self.vectors = examples.flatMap(\.vector)
        self.means = regression.featureMeans.map(Float.init)
        var alphas = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let fitted = regression.predict(Array(rows[(i * d)..<((i + 1) * d)]))
            alphas[i] = (targets[i] - fitted) / lambda
        }
        self.dualWeights = alphas
        var rowDotMean = [Float](repeating: 0, count: n)
        // (n) = X (n × d) · x̄ (d)
        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(n), Int32(d), 1, vectors, Int32(d), means, 1, 0, &rowDotMean, 1)
        self.rowDotMean = rowDotMean
        self.meanDotMean = means.reduce(0) { $0 + $1 * $1 }
    }

    /// The prediction, unclamped (≈ −1…+1): for sweeps and evaluation, where explanations are not needed.
    public func rawScore(_ vector: [Float]) -> Double {
        var sum = regression.intercept
        for i in 0..<dimension { sum += regression.weights[i] * Double(vector[i] - means[i]) }
        return sum
    }

    /// Scores one vector and lists the `explanations` training sentences that moved it most.
    public func score(_ vector: [Float], explanations: Int = 5) -> SentimentScore {
        precondition(vector.count == dimension, "vector has \(vector.count) values, model expects \(dimension)")
        let n = sentences.count
        // cosines (n) = X (n × d) · x (d); vectors are L2-normalised so dot products are cosines.
        var cosines = [Float](repeating: 0, count: n)
        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(n), Int32(dimension), 1, vectors, Int32(dimension), vector, 1, 0,
                    &cosines, 1)
        var meanDotX: Float = 0
        for i in 0..<dimension { meanDotX += means[i] * vector[i] }
        // (xᵢ − x̄)·(x − x̄) = xᵢ·x − xᵢ·x̄ − x̄·x + x̄·x̄
        let terms = (0..<n).map { i in
            dualWeights[i] * Double(cosines[i] - rowDotMean[i] - meanDotX + meanDotMean)
        }
        let raw = regression.intercept + terms.reduce(0, +)
        let score = min(1, max(-1, raw))
        let scale = raw == 0 ? 0 : score / raw
        let top = terms.indices.sorted { abs(terms[$0]) > abs(terms[$1]) }.prefix(max(0, explanations))
        var drivers = top.map { i in
            SentimentDriver(text: sentences[i].text, contribution: terms[i] * scale,
                            source: .trainingSentence(label: sentences[i].label, similarity: Double(cosines[i])))
        }
        // The rest, summed per training label, and the intercept: together with the listed sentences they add
        // up to the score.
        let listed = Set(top)
        for label in SentimentLabel.allCases {
            let rest = terms.indices.filter { !listed.contains($0) && sentences[$0].label == label }
            guard !rest.isEmpty else { continue }
            drivers.append(SentimentDriver(
                text: "other \(label.rawValue) training sentences",
                contribution: rest.reduce(0) { $0 + terms[$1] } * scale,
                source: .trainingGroup(label: label, count: rest.count)))
        }
        drivers.append(SentimentDriver(text: "mean training target", contribution: regression.intercept * scale,
                                       source: .modelBaseline))
        drivers.sort { abs($0.contribution) > abs($1.contribution) }
        return SentimentScore(score: score, label: SentimentLabel(score: score, neutralBand: neutralBand),
                              drivers: drivers)
    }
}
