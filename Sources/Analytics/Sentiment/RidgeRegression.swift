import CBLAS
import CLAPACKE

/// Ridge-regularised linear least squares: minimises ‖X·w + b − y‖² + λ‖w‖² with the intercept b unpenalised.
///
/// Solved through the normal equations (XcᵀXc + λI)·w = Xcᵀ·yc on centred data with LAPACKE `dposv`
/// (Cholesky; the matrix is symmetric positive definite for λ > 0). With d = 384 features that is one d × d
/// factorisation, a few milliseconds for any number of rows.
public struct RidgeRegression: Sendable, Hashable {
    /// d weights.
    public var weights: [Double]
    public var intercept: Double
    /// Mean of the training rows (d values): predictions and explanations centre on it.
    public var featureMeans: [Double]

    public enum Failure: Error, Equatable {
        case empty
        case shapeMismatch(rows: Int, targets: Int)
        /// LAPACKE's `info`: the system was not positive definite (λ ≤ 0 with collinear features).
        case notPositiveDefinite(info: Int32)
    }

    /// Fits `rows` (n rows of d features, row-major) to `targets` (n values).
    /// - Parameter lambda: the ridge penalty λ ≥ 0, in the units of the summed squared error.
    public init(rows x: [Double], dimension d: Int, targets y: [Double], lambda: Double) throws {
        let n = y.count
        guard n > 0, d > 0 else { throw Failure.empty }
        guard x.count == n * d else { throw Failure.shapeMismatch(rows: x.count / d, targets: n) }
        let (xc, means) = Self.centred(x, n: n, d: d)
        let yMean = y.reduce(0, +) / Double(n)
        let yc = y.map { $0 - yMean }

        // A (d × d) = Xcᵀ (d × n) · Xc (n × d) + λI; only the upper triangle is filled and read.
        var a = [Double](repeating: 0, count: d * d)
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(d), Int32(n), 1, xc, Int32(d), 0, &a, Int32(d))
        for i in 0..<d { a[i * d + i] += lambda }
        // b (d) = Xcᵀ (d × n) · yc (n)
        var b = [Double](repeating: 0, count: d)
        cblas_dgemv(CblasRowMajor, CblasTrans, Int32(n), Int32(d), 1, xc, Int32(d), yc, 1, 0, &b, 1)
        let info = LAPACKE_dposv(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "U")), Int32(d), 1, &a, Int32(d),
                                 &b, 1)
        guard info == 0 else { throw Failure.notPositiveDefinite(info: info) }
        weights = b
        featureMeans = means
        intercept = yMean
    }

    /// ŵ·(x − mean) + b for one row of d features.
    public func predict(_ row: [Double]) -> Double {
        var sum = intercept
        for i in weights.indices { sum += weights[i] * (row[i] - featureMeans[i]) }
        return sum
    }

    /// Rows minus their column means (n × d) and the means (d).
    static func centred(_ x: [Double], n: Int, d: Int) -> ([Double], [Double]) {
        var means = [Double](repeating: 0, count: d)
        for r in 0..<n { for c in 0..<d { means[c] += x[r * d + c] } }
        for c in 0..<d { means[c] /= Double(n) }
        var xc = x
        for r in 0..<n { for c in 0..<d { xc[r * d + c] -= means[c] } }
        return (xc, means)
    }
}
