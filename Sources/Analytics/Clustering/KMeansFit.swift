/// The result of ``KMeans``: `clusterCount` centroids and each point's cluster.
public struct KMeansFit: Sendable, Equatable {
    /// Centroids, row-major (clusterCount × dimension).
    public var centroids: [Float]
    /// Each point's cluster, 0..<clusterCount, in input order.
    public var assignments: [Int]
    /// Sum of squared Euclidean distances from each point to its centroid.
    public var inertia: Double
    /// Lloyd iterations run (the last one found nothing to change, unless the limit was hit).
    public var iterations: Int
    public var clusterCount: Int
    public var dimension: Int

    public init(centroids: [Float], assignments: [Int], inertia: Double, iterations: Int, clusterCount: Int,
                dimension: Int) {
        self.centroids = centroids
        self.assignments = assignments
        self.inertia = inertia
        self.iterations = iterations
        self.clusterCount = clusterCount
        self.dimension = dimension
    }

    /// Centroid `cluster` (dimension floats).
    public func centroid(_ cluster: Int) -> ArraySlice<Float> {
        centroids[cluster * dimension ..< (cluster + 1) * dimension]
    }

    /// Points per cluster.
    public var sizes: [Int] {
        var sizes = [Int](repeating: 0, count: clusterCount)
        for cluster in assignments { sizes[cluster] += 1 }
        return sizes
    }
}
