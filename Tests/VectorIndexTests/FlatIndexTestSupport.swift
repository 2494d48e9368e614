import Foundation
@testable import VectorIndex

/// Deterministic RNG (SplitMix64) so every test sees the same data on every machine.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

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
