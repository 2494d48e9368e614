import Foundation
@testable import VectorIndex

/// Test data from the deterministic `SplitMix64`, so every test sees the same data on every machine.
extension SplitMix64 {
    /// Uniform in [-1, 1).
    mutating func nextFloat() -> Float {
        Float(next() >> 40) / Float(1 << 23) - 1
    }

    mutating func vector(_ dimension: Int) -> [Float] {
        (0..<dimension).map { _ in nextFloat() }
    }
}

/// An index of `count` random rows with ids "row-0…" and categories cycling through `categories`.
func makeRandomIndex(count: Int, dimension: Int, seed: UInt64,
                     categories: [String?] = ["faq", "hours", "pricing", nil]) throws -> FlatIndex {
    var rng = SplitMix64(seed: seed)
    let index = FlatIndex(dimension: dimension)
    index.reserveCapacity(count)
    try index.upsert((0..<count).map { i in
        (id: "row-\(i)", vector: rng.vector(dimension), category: categories[i % categories.count])
    })
    return index
}

/// A fresh empty directory under the system temp dir.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("FlatIndexTests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Fraction of `expected` ids found in `actual`.
func recall(_ actual: [SearchHit], _ expected: [SearchHit]) -> Double {
    guard !expected.isEmpty else { return 1 }
    let found = Set(actual.map(\.id))
    return Double(expected.filter { found.contains($0.id) }.count) / Double(expected.count)
}
