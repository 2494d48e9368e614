import Testing
import VectorIndex
@testable import Analytics

/// The textbook algorithm with the same rules (ties to the lower cluster, empty cluster takes the farthest point
/// of a cluster with two or more), distances computed directly in Double: the reference the BLAS path must match.
enum NaiveKMeans {
    static func lloyd(_ points: [[Double]], centroids initial: [[Double]], maxIterations: Int) -> (assignments: [Int], centroids: [[Double]], inertia: Double) {
        var centroids = initial
        let k = centroids.count
        var assignments = [Int](repeating: -1, count: points.count)
        var distances = [Double](repeating: 0, count: points.count)
        for _ in 0..<maxIterations {
            var changed = false
            for (i, point) in points.enumerated() {
                let all = centroids.map { squaredDistance(point, $0) }
                let best = all.indices.min { all[$0] < all[$1] || (all[$0] == all[$1] && $0 < $1) }!
                distances[i] = all[best]
                if assignments[i] != best { assignments[i] = best; changed = true }
            }
            if !changed { break }
            var counts = [Int](repeating: 0, count: k)
            for a in assignments { counts[a] += 1 }
            for empty in 0..<k where counts[empty] == 0 {
                let candidates = points.indices.filter { counts[assignments[$0]] > 1 }
                guard let far = candidates.max(by: { distances[$0] < distances[$1] || (distances[$0] == distances[$1] && $0 > $1) }) else { break }
                counts[assignments[far]] -= 1
                assignments[far] = empty
                counts[empty] = 1
                distances[far] = 0
            }
            for j in 0..<k where counts[j] > 0 {
                let members = points.indices.filter { assignments[$0] == j }
                centroids[j] = (0..<points[0].count).map { t in members.reduce(0) { $0 + points[$1][t] } / Double(members.count) }
            }
        }
        let inertia = points.indices.reduce(0) { $0 + squaredDistance(points[$1], centroids[assignments[$1]]) }
        return (assignments, centroids, inertia)
    }

    static func squaredDistance(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    }
}

/// Gaussian-ish test data from a seeded generator.
struct TestPoints {
    var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    /// Approximately normal (sum of four uniforms, centred), standard deviation ~0.58·scale.
    mutating func noise(_ scale: Double) -> Double {
        (generator.unit() + generator.unit() + generator.unit() + generator.unit() - 2) * scale
    }

    /// `perCluster` points around each centre.
    mutating func blobs(_ centres: [[Double]], perCluster: Int, spread: Double) -> [[Double]] {
        var points: [[Double]] = []
        for _ in 0..<perCluster {
            for centre in centres { points.append(centre.map { $0 + noise(spread) }) }
        }
        return points
    }
}

@Suite struct KMeansTests {
    static func flat(_ points: [[Double]]) -> [Float] { points.flatMap { $0.map(Float.init) } }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func matchesTheNaiveReference(seed: UInt64) {
        var data = TestPoints(seed: seed)
        let d = 8, n = 400, k = 6
        // Overlapping random points: many reassignments before convergence.
        let points = (0..<n).map { _ in (0..<d).map { _ in data.noise(1) } }
        let initial = Array(points.prefix(k))
        let fast = KMeans(clusters: k).fit(Self.flat(points), dimension: d, initialCentroids: Self.flat(initial))
        let naive = NaiveKMeans.lloyd(points, centroids: initial, maxIterations: 100)
        #expect(fast.assignments == naive.assignments)
        #expect(abs(fast.inertia - naive.inertia) <= 1e-4 * naive.inertia)
        for j in 0..<k {
            #expect(zip(fast.centroid(j), naive.centroids[j]).allSatisfy { abs(Double($0) - $1) < 1e-4 })
        }
        #expect(fast.iterations > 2)
    }

    @Test func emptyClusterTakesTheFarthestPointLikeTheReference() {
        // Two initial centroids on the same spot: the second starts empty.
        let points: [[Double]] = [[0, 0], [0.1, 0], [0, 0.1], [10, 10], [10.2, 10], [30, 0]]
        let initial: [[Double]] = [[0, 0], [0, 0], [10, 10]]
        let fast = KMeans(clusters: 3).fit(Self.flat(points), dimension: 2, initialCentroids: Self.flat(initial))
        let naive = NaiveKMeans.lloyd(points, centroids: initial, maxIterations: 100)
        #expect(fast.assignments == naive.assignments)
        #expect(Set(fast.assignments).count == 3)
        #expect(abs(fast.inertia - naive.inertia) < 1e-3)
    }

    @Test func findsClearlySeparatedClusters() {
        var data = TestPoints(seed: 7)
        let centres: [[Double]] = [[0, 0, 0, 0], [20, 0, 0, 0], [0, 20, 0, 0], [0, 0, 20, 0], [0, 0, 0, 20]]
        let points = data.blobs(centres, perCluster: 40, spread: 1)
        let fit = KMeans(clusters: 5, restarts: 3).fit(points.map { $0.map(Float.init) })
        #expect(fit.clusterCount == 5)
        #expect(fit.sizes == [40, 40, 40, 40, 40])
        // Points generated around the same centre (same index mod 5) share a cluster, and only they do.
        for i in points.indices {
            #expect(fit.assignments[i] == fit.assignments[i % 5])
        }
        #expect(Set(fit.assignments.prefix(5)).count == 5)
        for j in 0..<5 {
            let centre = centres[fit.assignments.firstIndex(of: j)! % 5]
            #expect(zip(fit.centroid(j), centre).allSatisfy { abs(Double($0) - $1) < 0.5 })
        }
    }

    @Test func deterministicForASeedAndDifferentAcrossSeeds() {
        var data = TestPoints(seed: 11)
        let points = Self.flat((0..<300).map { _ in (0..<5).map { _ in data.noise(1) } })
        let a = KMeans(clusters: 7, restarts: 2, seed: 99).fit(points, dimension: 5)
        let b = KMeans(clusters: 7, restarts: 2, seed: 99).fit(points, dimension: 5)
        #expect(a == b)
        let seeds = (0..<4).map { KMeans(clusters: 7, seed: UInt64($0)).fit(points, dimension: 5).assignments }
        #expect(Set(seeds).count > 1)
    }

    @Test func moreRestartsNeverRaiseInertia() {
        var data = TestPoints(seed: 5)
        let points = Self.flat((0..<200).map { _ in (0..<3).map { _ in data.noise(1) } })
        let one = KMeans(clusters: 8, restarts: 1, seed: 3).fit(points, dimension: 3)
        let five = KMeans(clusters: 8, restarts: 5, seed: 3).fit(points, dimension: 3)
        #expect(five.inertia <= one.inertia)
    }

    @Test func seedingPicksDistinctPointsEvenWithDuplicates() {
        let points: [Float] = [1, 1, 1, 1, 1, 1, 5, 5]   // three copies of (1, 1) and (5, 5)
        let fit = KMeans(clusters: 4).fit(points, dimension: 2)
        #expect(fit.clusterCount == 4)
        #expect(fit.inertia == 0)
        var generator = SplitMix64(seed: 1)
        let seeds = KMeans.seedPlusPlus(points, norms: KMeans.squaredNorms(points, dimension: 2), dimension: 2,
                                        clusters: 2, using: &generator)
        #expect(Set([seeds[0], seeds[2]]) == [1, 5])   // k-means++ never picks a coinciding point while others remain
    }

    @Test func edgeCases() {
        #expect(KMeans(clusters: 3).fit([], dimension: 2).assignments.isEmpty)
        let two = KMeans(clusters: 5).fit([0, 0, 3, 4], dimension: 2)   // k clamped to n
        #expect(two.clusterCount == 2 && Set(two.assignments) == [0, 1] && two.inertia == 0)
        let one = KMeans(clusters: 1).fit([0, 0, 2, 0], dimension: 2)
        #expect(one.assignments == [0, 0] && Array(one.centroid(0)) == [1, 0] && one.inertia == 2)
    }
}
