import Testing
import VectorIndex
@testable import Analytics

@Suite struct RidgeRegressionTests {
    /// Solves min ‖Xw + b − y‖² + λ‖w‖² the plain way: the (d+1) × (d+1) normal equations with an unpenalised
    /// intercept column, by Gaussian elimination with partial pivoting.
    static func naiveRidge(_ x: [[Double]], _ y: [Double], lambda: Double) -> (weights: [Double], intercept: Double) {
        let d = x[0].count
        let rows = x.map { $0 + [1] }
        let m = d + 1
        var a = (0..<m).map { i in (0..<m).map { j in zip(rows, rows).reduce(0) { $0 + $1.0[i] * $1.1[j] } } }
        var b = (0..<m).map { i in zip(rows, y).reduce(0) { $0 + $1.0[i] * $1.1 } }
        for i in 0..<d { a[i][i] += lambda }
        for column in 0..<m {
            let pivot = (column..<m).max { abs(a[$0][column]) < abs(a[$1][column]) }!
            a.swapAt(column, pivot)
            b.swapAt(column, pivot)
            for row in (column + 1)..<m {
                let factor = a[row][column] / a[column][column]
                for k in column..<m { a[row][k] -= factor * a[column][k] }
                b[row] -= factor * b[column]
            }
        }
        var solution = [Double](repeating: 0, count: m)
        for row in stride(from: m - 1, through: 0, by: -1) {
            let rest = ((row + 1)..<m).reduce(0) { $0 + a[row][$1] * solution[$1] }
            solution[row] = (b[row] - rest) / a[row][row]
        }
        return (Array(solution[0..<d]), solution[d])
    }

    static func randomProblem(n: Int, d: Int, seed: UInt64) -> ([[Double]], [Double]) {
        var generator = SplitMix64(seed: seed)
        let x = (0..<n).map { _ in (0..<d).map { _ in Double.random(in: -1...1, using: &generator) } }
        let truth = (0..<d).map { _ in Double.random(in: -2...2, using: &generator) }
        let y = x.map { row in zip(row, truth).reduce(0.5) { $0 + $1.0 * $1.1 } + Double.random(in: -0.1...0.1, using: &generator) }
        return (x, y)
    }

    @Test(arguments: [0.01, 1.0, 25.0])
    func matchesTheNaiveSolver(lambda: Double) throws {
        let (x, y) = Self.randomProblem(n: 40, d: 7, seed: 3)
        let fast = try RidgeRegression(rows: x.flatMap { $0 }, dimension: 7, targets: y, lambda: lambda)
        let naive = Self.naiveRidge(x, y, lambda: lambda)
        for (a, b) in zip(fast.weights, naive.weights) { #expect(abs(a - b) < 1e-8) }
        #expect(abs(fast.intercept + zip(fast.weights, fast.featureMeans).reduce(0) { $0 - $1.0 * $1.1 } - naive.intercept) < 1e-8)
        for row in x.prefix(5) {
            let expected = zip(row, naive.weights).reduce(naive.intercept) { $0 + $1.0 * $1.1 }
            #expect(abs(fast.predict(row) - expected) < 1e-8)
        }
    }

    @Test func moreRowsThanFeaturesWithTinyPenaltyRecoversAnExactLine() throws {
        // y = 2a − b + 3, no noise.
        let x: [[Double]] = [[0, 0], [1, 0], [0, 1], [2, 3], [4, 1]]
        let y = x.map { 2 * $0[0] - $0[1] + 3 }
        let fit = try RidgeRegression(rows: x.flatMap { $0 }, dimension: 2, targets: y, lambda: 1e-9)
        #expect(abs(fit.weights[0] - 2) < 1e-6 && abs(fit.weights[1] + 1) < 1e-6)
        #expect(abs(fit.predict([10, 10]) - 13) < 1e-6)
    }

    @Test func rejectsBadShapes() {
        #expect(throws: RidgeRegression.Failure.empty) {
            try RidgeRegression(rows: [], dimension: 3, targets: [], lambda: 1)
        }
        #expect(throws: RidgeRegression.Failure.self) {
            try RidgeRegression(rows: [1, 2, 3], dimension: 2, targets: [1, 2], lambda: 1)
        }
    }

    @Test func modelExplanationIsAnExactDecompositionOverTrainingSentences() throws {
        // Small unit vectors; the dual terms plus intercept must equal the primal prediction.
        var generator = SplitMix64(seed: 11)
        func unit() -> [Float] {
            let v = (0..<6).map { _ in Float.random(in: -1...1, using: &generator) }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return v.map { $0 / norm }
        }
        let labels: [SentimentLabel] = [.positive, .negative, .neutral]
        let examples = (0..<30).map { EmbeddedSentence(LabelledSentence(text: "s\($0)", label: labels[$0 % 3]), vector: unit()) }
        let model = try EmbeddingSentimentModel(training: examples, lambda: 0.5)
        for _ in 0..<5 {
            let query = unit()
            let raw = model.rawScore(query)
            let explained = model.score(query, explanations: 4)
            #expect(abs(explained.score - min(1, max(-1, raw))) < 1e-4)
            let sum = explained.drivers.reduce(0) { $0 + $1.contribution }
            #expect(abs(sum - explained.score) < 1e-4)
            #expect(explained.drivers.filter { if case .trainingSentence = $0.source { true } else { false } }.count == 4)
        }
    }
}
