import CBLAS
import VectorIndex

extension KMeans {
    /// k-means++ (Arthur & Vassilvitskii 2007): the first centroid is a uniformly chosen point, each next one a
    /// point drawn with probability proportional to its squared distance to the nearest chosen centroid. When
    /// every remaining point coincides with a chosen one, the lowest-index unchosen point is taken.
    /// - Returns: `clusters` centroids, row-major (clusters × dimension).
    static func seedPlusPlus(_ points: [Float], norms: [Float], dimension d: Int, clusters k: Int,
                             using generator: inout SplitMix64) -> [Float] {
        let n = norms.count
        var chosen = [Int(generator.next() % UInt64(n))]
        var nearest = [Float](repeating: .infinity, count: n)
        var products = [Float](repeating: 0, count: n)
        while true {
            let last = chosen[chosen.count - 1]
            // products (n) = points (n × d) · point[last] (d)
            points.withUnsafeBufferPointer { x in
                products.withUnsafeMutableBufferPointer { p in
                    cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(n), Int32(d), 1, x.baseAddress, Int32(d),
                                x.baseAddress! + last * d, 1, 0, p.baseAddress, 1)
                }
            }
            for i in 0..<n { nearest[i] = min(nearest[i], max(0, norms[i] - 2 * products[i] + norms[last])) }
            for i in chosen { nearest[i] = 0 }
            guard chosen.count < k else { break }
            let total = nearest.reduce(0.0) { $0 + Double($1) }
            var pick = -1
            if total > 0 {
                let target = generator.unit() * total
                var cumulative = 0.0
                for i in 0..<n where nearest[i] > 0 {
                    cumulative += Double(nearest[i])
                    pick = i
                    if cumulative > target { break }
                }
            }
            if pick < 0 { pick = (0..<n).first { !chosen.contains($0) }! }
            chosen.append(pick)
        }
        var centroids = [Float](repeating: 0, count: k * d)
        for (j, i) in chosen.enumerated() {
            for t in 0..<d { centroids[j * d + t] = points[i * d + t] }
        }
        return centroids
    }
}
