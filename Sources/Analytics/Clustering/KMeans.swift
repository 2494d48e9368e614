import CBLAS
import VectorIndex

/// Deterministic k-means: k-means++ seeding from a seeded generator, then Lloyd iterations whose
/// point-to-centroid distances come from one `cblas_sgemm` per iteration (‖x‖² − 2 x·c + ‖c‖²).
///
/// Deterministic: the same points, `clusters`, `seed` and `restarts` give the same fit on every run and
/// platform (ties go to the lower cluster or point index). An empty cluster takes the point farthest from its
/// centroid among clusters of two or more points, so every cluster of the fit has at least one point
/// (when there are at least `clusters` points).
public struct KMeans: Sendable {
    /// k: clusters wanted; at most the number of points is used.
    public var clusters: Int
    /// Lloyd iterations per run at most.
    public var maxIterations: Int
    /// Seedings tried; the fit with the least inertia is kept (ties: the earliest).
    public var restarts: Int
    /// Seed of the k-means++ generator.
    public var seed: UInt64

    public init(clusters: Int, maxIterations: Int = 100, restarts: Int = 1, seed: UInt64 = 0x5EED) {
        precondition(clusters >= 1 && maxIterations >= 1 && restarts >= 1)
        self.clusters = clusters
        self.maxIterations = maxIterations
        self.restarts = restarts
        self.seed = seed
    }

    /// Clusters `points`.
    /// - Parameters:
    ///   - points: row-major (n × dimension) floats.
    ///   - dimension: floats per point.
    public func fit(_ points: [Float], dimension: Int) -> KMeansFit {
        precondition(dimension > 0 && points.count % dimension == 0, "points must be n × dimension")
        let n = points.count / dimension
        let k = min(clusters, n)
        guard k > 0 else {
            return KMeansFit(centroids: [], assignments: [], inertia: 0, iterations: 0, clusterCount: 0,
                             dimension: dimension)
        }
        let norms = Self.squaredNorms(points, dimension: dimension)
        var generator = SplitMix64(seed: seed)  // seedable, so clustering is reproducible everywhere
        var best: KMeansFit?
        for _ in 0..<restarts {
            let initial = Self.seedPlusPlus(points, norms: norms, dimension: dimension, clusters: k, using: &generator)
            let fit = lloyd(points, norms: norms, dimension: dimension, centroids: initial)
            if best == nil || fit.inertia < best!.inertia { best = fit }
        }
        return best!
    }

    /// Convenience for points as arrays (all of one length).
    public func fit(_ vectors: [[Float]]) -> KMeansFit {
        guard let dimension = vectors.first?.count, dimension > 0 else {
            return KMeansFit(centroids: [], assignments: [], inertia: 0, iterations: 0, clusterCount: 0, dimension: 0)
        }
        precondition(vectors.allSatisfy { $0.count == dimension }, "vectors must share one dimension")
        return fit(vectors.flatMap { $0 }, dimension: dimension)
    }

    /// Lloyd iterations from given centroids (row-major, c × dimension), without seeding: for tests and for
    /// callers with their own seeds.
    public func fit(_ points: [Float], dimension: Int, initialCentroids: [Float]) -> KMeansFit {
        precondition(dimension > 0 && points.count % dimension == 0 && initialCentroids.count % dimension == 0)
        precondition(!initialCentroids.isEmpty || points.isEmpty)
        return lloyd(points, norms: Self.squaredNorms(points, dimension: dimension), dimension: dimension,
                     centroids: initialCentroids)
    }

    // MARK: - Lloyd

    func lloyd(_ points: [Float], norms: [Float], dimension d: Int, centroids initial: [Float]) -> KMeansFit {
        let n = norms.count
        let k = initial.count / d
        var centroids = initial
        var assignments = [Int](repeating: -1, count: n)
        var distances = [Float](repeating: 0, count: n)
        var products = [Float](repeating: 0, count: n * k)
        var iterations = 0
        while iterations < maxIterations {
            iterations += 1
            let centroidNorms = Self.squaredNorms(centroids, dimension: d)
            // products (n × k) = points (n × d) · centroidsᵀ (d × k)
            points.withUnsafeBufferPointer { x in
                centroids.withUnsafeBufferPointer { c in
                    products.withUnsafeMutableBufferPointer { g in
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(k), Int32(d),
                                    1, x.baseAddress, Int32(d), c.baseAddress, Int32(d), 0, g.baseAddress, Int32(k))
                    }
                }
            }
            var changed = false
            for i in 0..<n {
                // ‖x − c‖² = ‖x‖² − 2 x·c + ‖c‖²; ‖x‖² is the same for every c, so only the rest decides.
                var bestCluster = 0
                var bestValue = Float.infinity
                for j in 0..<k {
                    let value = centroidNorms[j] - 2 * products[i * k + j]
                    if value < bestValue { bestValue = value; bestCluster = j }
                }
                distances[i] = max(0, norms[i] + bestValue)
                if assignments[i] != bestCluster { assignments[i] = bestCluster; changed = true }
            }
            if !changed { break }
            centroids = Self.means(points, dimension: d, assignments: &assignments, distances: &distances,
                                   previous: centroids, clusterCount: k)
        }
        return KMeansFit(centroids: centroids, assignments: assignments,
                         inertia: Self.inertia(points, dimension: d, centroids: centroids, assignments: assignments),
                         iterations: iterations, clusterCount: k, dimension: d)
    }

    /// New centroids as the means of their points; an empty cluster first takes the point farthest from its
    /// centroid among clusters with two or more points (ties: the lower index), which is then moved.
    static func means(_ points: [Float], dimension d: Int, assignments: inout [Int], distances: inout [Float],
                      previous: [Float], clusterCount k: Int) -> [Float] {
        var counts = [Int](repeating: 0, count: k)
        for cluster in assignments { counts[cluster] += 1 }
        for empty in 0..<k where counts[empty] == 0 {
            var farthest = -1
            for i in assignments.indices where counts[assignments[i]] > 1 {
                if farthest < 0 || distances[i] > distances[farthest] { farthest = i }
            }
            guard farthest >= 0 else { break }   // fewer distinct owners than clusters: leave it be
            counts[assignments[farthest]] -= 1
            assignments[farthest] = empty
            counts[empty] = 1
            distances[farthest] = 0
        }
        var sums = [Double](repeating: 0, count: k * d)
        for (i, cluster) in assignments.enumerated() {
            for t in 0..<d { sums[cluster * d + t] += Double(points[i * d + t]) }
        }
        var centroids = previous
        for j in 0..<k where counts[j] > 0 {
            let scale = 1 / Double(counts[j])
            for t in 0..<d { centroids[j * d + t] = Float(sums[j * d + t] * scale) }
        }
        return centroids
    }

    static func inertia(_ points: [Float], dimension d: Int, centroids: [Float], assignments: [Int]) -> Double {
        var total = 0.0
        for (i, cluster) in assignments.enumerated() {
            for t in 0..<d {
                let difference = Double(points[i * d + t]) - Double(centroids[cluster * d + t])
                total += difference * difference
            }
        }
        return total
    }

    static func squaredNorms(_ rows: [Float], dimension d: Int) -> [Float] {
        (0..<rows.count / d).map { i in
            var sum: Float = 0
            for t in 0..<d { sum += rows[i * d + t] * rows[i * d + t] }
            return sum
        }
    }
}
