import CBLAS
import Foundation

/// Mean silhouette of a clustering (Rousseeuw 1987), Euclidean on unit vectors (‖a − b‖ = √(2 − 2 a·b)),
/// over up to `sampleSize` evenly spaced points (each against all points). The sample's distance matrix
/// (sample × count floats) is computed once with sgemm and reused for every k tried.
struct Silhouette {
    let sample: [Int]
    let count: Int
    /// distances (sample × count)
    let distances: [Float]

    init(vectors: [Float], count n: Int, dimension d: Int, sampleSize: Int) {
        let s = min(n, sampleSize)
        sample = (0..<s).map { $0 * n / s }
        count = n
        let rows = sample.flatMap { vectors[$0 * d ..< ($0 + 1) * d] }
        var products = [Float](repeating: 0, count: s * n)
        // products (s × n) = rows (s × d) · vectorsᵀ (d × n)
        rows.withUnsafeBufferPointer { a in
            vectors.withUnsafeBufferPointer { b in
                products.withUnsafeMutableBufferPointer { c in
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(s), Int32(n), Int32(d), 1,
                                a.baseAddress, Int32(d), b.baseAddress, Int32(d), 0, c.baseAddress, Int32(n))
                }
            }
        }
        distances = products.map { sqrt(max(0, 2 - 2 * $0)) }
    }

    /// Mean of s(i) = (b − a) / max(a, b) over the sample; a point alone in its cluster scores 0.
    func mean(assignments: [Int], clusterCount k: Int) -> Double {
        guard k > 1 else { return 0 }
        var sizes = [Int](repeating: 0, count: k)
        for cluster in assignments { sizes[cluster] += 1 }
        var total = 0.0
        var sums = [Double](repeating: 0, count: k)
        for (r, i) in sample.enumerated() {
            for j in 0..<k { sums[j] = 0 }
            for j in 0..<count { sums[assignments[j]] += Double(distances[r * count + j]) }
            let own = assignments[i]
            guard sizes[own] > 1 else { continue }
            let a = sums[own] / Double(sizes[own] - 1)
            var b = Double.infinity
            for j in 0..<k where j != own && sizes[j] > 0 { b = min(b, sums[j] / Double(sizes[j])) }
            guard b.isFinite else { continue }
            let scale = max(a, b)
            if scale > 0 { total += (b - a) / scale }
        }
        return total / Double(sample.count)
    }
}
