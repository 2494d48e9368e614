import Testing
@testable import VectorIndex

@Suite struct FlatIndexBasicTests {
    @Test func upsertGetCountContains() throws {
        let index = FlatIndex(dimension: 3)
        #expect(index.count == 0)
        try index.upsert(id: "a", vector: [3, 0, 4], category: "faq")
        try index.upsert(id: "b", vector: [0, 2, 0])
        #expect(index.count == 2)
        #expect(index.contains(id: "a"))
        #expect(!index.contains(id: "z"))
        #expect(Set(index.ids) == ["a", "b"])
        let a = try #require(index.get(id: "a"))
        #expect(a.vector == [0.6, 0, 0.8])  // stored normalised
        #expect(a.category == "faq")
        #expect(index.get(id: "b")?.category == nil)
        #expect(index.get(id: "z") == nil)
    }

    @Test func upsertReplacesVectorAndCategory() throws {
        let index = FlatIndex(dimension: 2)
        try index.upsert(id: "a", vector: [1, 0], category: "faq")
        try index.upsert(id: "a", vector: [0, 5], category: "hours")
        #expect(index.count == 1)
        let a = try #require(index.get(id: "a"))
        #expect(a.vector == [0, 1])
        #expect(a.category == "hours")
        try index.upsert(id: "a", vector: [0, 5], category: nil)
        #expect(index.get(id: "a")?.category == nil)
    }

    @Test func deleteRemovesAndReportsWhetherPresent() throws {
        let index = FlatIndex(dimension: 2)
        try index.upsert([(id: "a", vector: [1, 0], category: nil),
                          (id: "b", vector: [0, 1], category: "x"),
                          (id: "c", vector: [1, 1], category: nil)])
        #expect(index.delete(id: "a"))
        #expect(!index.delete(id: "a"))
        #expect(index.count == 2)
        #expect(index.get(id: "a") == nil)
        // "c" was swapped into the hole and must still be found with its own data.
        let c = try #require(index.get(id: "c"))
        #expect(abs(c.vector[0] - 0.70710677) < 1e-7)
        #expect(index.get(id: "b")?.category == "x")
        #expect(try index.search([1, 1], k: 1).first?.id == "c")
    }

    @Test func batchUpsertIsAllOrNothing() throws {
        let index = FlatIndex(dimension: 2)
        try index.upsert(id: "keep", vector: [1, 0])
        #expect(throws: IndexError.nonFiniteValue(id: "bad")) {
            try index.upsert([(id: "new", vector: [1, 1], category: nil),
                              (id: "keep", vector: [0, 1], category: "x"),
                              (id: "bad", vector: [.nan, 1], category: nil)])
        }
        #expect(index.count == 1)
        #expect(index.get(id: "keep")?.vector == [1, 0])
        #expect(!index.contains(id: "new"))
    }

    @Test func batchUpsertWithRepeatedIDKeepsLast() throws {
        let index = FlatIndex(dimension: 2)
        try index.upsert([(id: "a", vector: [1, 0], category: "x"), (id: "a", vector: [0, 1], category: "y")])
        #expect(index.count == 1)
        #expect(index.get(id: "a")?.vector == [0, 1])
        #expect(index.get(id: "a")?.category == "y")
    }

    @Test func invalidInputsThrowTypedErrors() throws {
        let index = FlatIndex(dimension: 3)
        try index.upsert(id: "a", vector: [1, 2, 3])
        #expect(throws: IndexError.dimensionMismatch(expected: 3, got: 2)) { try index.upsert(id: "b", vector: [1, 2]) }
        #expect(throws: IndexError.nonFiniteValue(id: "b")) { try index.upsert(id: "b", vector: [1, .nan, 3]) }
        #expect(throws: IndexError.nonFiniteValue(id: "b")) { try index.upsert(id: "b", vector: [1, .infinity, 3]) }
        #expect(throws: IndexError.zeroVector(id: "b")) { try index.upsert(id: "b", vector: [0, 0, 0]) }
        #expect(throws: IndexError.emptyID) { try index.upsert(id: "", vector: [1, 2, 3]) }

        #expect(throws: IndexError.dimensionMismatch(expected: 3, got: 4)) { try index.search([1, 2, 3, 4], k: 1) }
        #expect(throws: IndexError.nonFiniteValue(id: "<query>")) { try index.search([1, -.infinity, 3], k: 1) }
        #expect(throws: IndexError.zeroVector(id: "<query>")) { try index.search([0, 0, 0], k: 1) }
        for k in [0, -1] {
            #expect(throws: IndexError.invalidK(k)) { try index.search([1, 2, 3], k: k) }
            #expect(throws: IndexError.invalidK(k)) { try index.search(batch: [[1, 2, 3]], k: k) }
            #expect(throws: IndexError.invalidK(k)) { try index.bruteForceSearch([1, 2, 3], k: k) }
        }
        #expect(throws: IndexError.dimensionMismatch(expected: 3, got: 1)) {
            try index.search(batch: [[1, 2, 3], [1]], k: 1)
        }
        #expect(index.count == 1)
    }

    @Test func extremeButFiniteValuesNormalise() throws {
        let index = FlatIndex(dimension: 2)
        try index.upsert(id: "huge", vector: [.greatestFiniteMagnitude, .greatestFiniteMagnitude])
        try index.upsert(id: "tiny", vector: [.leastNonzeroMagnitude, 0])
        #expect(index.get(id: "tiny")?.vector == [1, 0])
        let huge = try #require(index.get(id: "huge")).vector
        #expect(abs(huge[0] - 0.70710677) < 1e-7 && huge[0] == huge[1])
    }

    @Test func swapRemoveStaysConsistentAfterManyRandomDeletes() throws {
        let dimension = 16
        let index = try makeRandomIndex(count: 3000, dimension: dimension, seed: 7)
        var rng = SplitMix64(seed: 8)
        var live = Set((0..<3000).map { "row-\($0)" })
        for _ in 0..<2000 {
            let id = "row-\(Int(rng.next() % 3000))"
            #expect(index.delete(id: id) == live.contains(id))
            live.remove(id)
        }
        #expect(index.count == live.count)
        #expect(Set(index.ids) == live)
        for _ in 0..<20 {
            let query = rng.vector(dimension)
            let fast = try index.search(query, k: 10)
            let slow = try index.bruteForceSearch(query, k: 10)
            #expect(fast.map(\.id) == slow.map(\.id))
            for (f, s) in zip(fast, slow) { #expect(abs(f.score - s.score) < 1e-5) }
        }
        // Every remaining row is still found by its own vector.
        for id in live.prefix(50) {
            let stored = try #require(index.get(id: id))
            #expect(try index.search(stored.vector, k: 1).first?.id == id)
        }
    }

    @Test func footprintShrinksAfterManyDeletes() throws {
        let index = try makeRandomIndex(count: 10_000, dimension: 32, seed: 3)
        let before = index.memoryFootprintBytes
        for i in 0..<9_000 { index.delete(id: "row-\(i)") }
        let after = index.memoryFootprintBytes
        #expect(after < before / 4)
        #expect(index.count == 1_000)
        let query = try #require(index.get(id: "row-9999")).vector
        #expect(try index.search(query, k: 1).first?.id == "row-9999")
    }

    /// The target in the brief: an index built by single upserts at N = 100k, d = 384 holds at most 1.1× the
    /// raw vector bytes.
    @Test func memoryFootprintWithinTenPercentOfRawVectors() throws {
        let (count, dimension) = (100_000, 384)
        let index = FlatIndex(dimension: dimension)
        var vector = [Float](repeating: 0, count: dimension)
        for i in 0..<count {
            vector[i % dimension] = Float(i + 1)
            vector[(i * 7) % dimension] += 1
            try index.upsert(id: "doc-\(i)", vector: vector, category: i % 2 == 0 ? "faq" : nil)
        }
        let raw = count * dimension * MemoryLayout<Float>.size
        let ratio = Double(index.memoryFootprintBytes) / Double(raw)
        #expect(ratio >= 1.0)
        #expect(ratio <= 1.1, "footprint ratio \(ratio)")
    }
}
