import Testing
@testable import VectorIndex

@Suite struct FlatIndexSearchTests {
    @Test func resultsOrderedByScoreThenID() throws {
        let index = FlatIndex(dimension: 2)
        try index.upsert([(id: "c", vector: [1, 0], category: nil),
                          (id: "a", vector: [2, 0], category: nil),
                          (id: "b", vector: [5, 0], category: nil),
                          (id: "far", vector: [0, 1], category: nil),
                          (id: "near", vector: [1, 0.1], category: nil)])
        for kernel in ScanKernel.allCases {
            let hits = try index.search([1, 0], k: 4, kernel: kernel)
            #expect(hits.map(\.id) == ["a", "b", "c", "near"])
            #expect(hits[0].score == 1 && hits[1].score == 1 && hits[2].score == 1)
        }
        // A k that cuts through the tie keeps the smallest ids.
        #expect(try index.search([1, 0], k: 2).map(\.id) == ["a", "b"])
        #expect(try index.search(batch: Array(repeating: [1, 0], count: 5), k: 2).allSatisfy { $0.map(\.id) == ["a", "b"] })
        #expect(try index.bruteForceSearch([1, 0], k: 2).map(\.id) == ["a", "b"])
    }

    @Test func tiesResolvedByIDRegardlessOfInsertionOrder() throws {
        var rng = SplitMix64(seed: 11)
        var ids = (0..<200).map { "t\($0)" }
        ids.shuffle(using: &rng)
        let index = FlatIndex(dimension: 8)
        for id in ids { try index.upsert(id: id, vector: [1, 1, 1, 1, 1, 1, 1, 1]) }
        let expected = ids.sorted().prefix(10)
        for kernel in ScanKernel.allCases {
            #expect(try index.search([1, 1, 1, 1, 1, 1, 1, 1], k: 10, kernel: kernel).map(\.id) == Array(expected))
        }
    }

    @Test func kLargerThanCountReturnsAllRows() throws {
        let index = try makeRandomIndex(count: 7, dimension: 4, seed: 1)
        #expect(try index.search([1, 0, 0, 0], k: 100).count == 7)
        #expect(try index.search([1, 0, 0, 0], k: 100, kernel: .sgemv).count == 7)
        #expect(try index.search(batch: Array(repeating: [1, 0, 0, 0], count: 6), k: 100).allSatisfy { $0.count == 7 })
        #expect(try FlatIndex(dimension: 4).search([1, 0, 0, 0], k: 3).isEmpty)
        #expect(try FlatIndex(dimension: 4).search(batch: [[1, 0, 0, 0]], k: 3) == [[]])
        #expect(try index.search(batch: [], k: 3).isEmpty)
    }

    @Test func queryIsNormalised() throws {
        let index = try makeRandomIndex(count: 100, dimension: 8, seed: 2)
        var rng = SplitMix64(seed: 3)
        let query = rng.vector(8)
        #expect(try index.search(query, k: 5) == index.search(query.map { $0 * 1000 }, k: 5))
        let top = try #require(try index.search(query, k: 1).first)
        #expect(top.score <= 1.00001 && top.score >= -1.00001)
    }

    @Test func filterReturnsKWhenKRowsMatchAndRespectsCategories() throws {
        // 1000 rows; only every 10th is "rare", and those point away from the query, so a filter applied
        // after the search would come back short.
        let index = FlatIndex(dimension: 4)
        var items: [(id: String, vector: [Float], category: String?)] = []
        for i in 0..<1000 {
            let rare = i % 10 == 0
            items.append((id: "r\(i)", vector: rare ? [-1, Float(i), 0, 1] : [1, Float(i) / 1000, 0, 0],
                          category: rare ? "rare" : (i % 2 == 0 ? "common" : nil)))
        }
        try index.upsert(items)
        let filter = SearchFilter(categories: ["rare"])
        for kernel in ScanKernel.allCases {
            let hits = try index.search([1, 0, 0, 0], k: 25, filter: filter, kernel: kernel)
            #expect(hits.count == 25)
            #expect(hits.allSatisfy { $0.category == "rare" })
        }
        let batch = try index.search(batch: Array(repeating: [1, 0, 0, 0], count: 8), k: 25, filter: filter)
        #expect(batch.allSatisfy { $0.count == 25 && $0.allSatisfy { $0.category == "rare" } })
        #expect(try index.search([1, 0, 0, 0], k: 500, filter: filter).count == 100)
        let two = try index.search([1, 0, 0, 0], k: 1000, filter: SearchFilter(categories: ["rare", "common"]))
        #expect(two.count == 100 + 400)  // "common" = even rows not divisible by 10
        #expect(try index.search([1, 0, 0, 0], k: 5, filter: SearchFilter(categories: ["nope"])).isEmpty)
        #expect(try index.search([1, 0, 0, 0], k: 5, filter: SearchFilter(categories: [])).isEmpty)
        let brute = try index.bruteForceSearch([1, 0, 0, 0], k: 25, filter: filter)
        #expect(brute.map(\.id) == (try index.search([1, 0, 0, 0], k: 25, filter: filter)).map(\.id))
    }

    /// Both fast kernels against the naive reference on random data large enough to take the multi-core path.
    @Test func kernelsAgreeWithBruteForce() throws {
        let dimension = 384
        let index = try makeRandomIndex(count: 5000, dimension: dimension, seed: 42)
        #expect(5000 * dimension >= FlatIndex.parallelScanFloats)
        var rng = SplitMix64(seed: 43)
        for q in 0..<10 {
            let query = rng.vector(dimension)
            let filter: SearchFilter? = q % 3 == 0 ? SearchFilter(categories: ["faq", "pricing"]) : nil
            let reference = try index.bruteForceSearch(query, k: 10, filter: filter)
            for kernel in ScanKernel.allCases {
                let hits = try index.search(query, k: 10, filter: filter, kernel: kernel)
                #expect(recall(hits, reference) == 1.0, "\(kernel)")
                #expect(hits.count == 10)
                for (h, r) in zip(hits, reference) {
                    #expect(abs(h.score - r.score) <= 1e-5, "\(kernel)")
                    #expect(h.category == r.category || h.id != r.id)
                }
            }
        }
    }

    @Test func batchMatchesSingleQueries() throws {
        let dimension = 48
        let index = try makeRandomIndex(count: 5000, dimension: dimension, seed: 5)
        var rng = SplitMix64(seed: 6)
        let queries = (0..<37).map { _ in rng.vector(dimension) }
        // 5000 rows end in a partial 256-row block; 37 queries are not a whole number of 6-query tiles.
        for filter in [nil, SearchFilter(categories: ["hours"])] {
            for (batchSize, kernel) in [(1, BatchKernel.simd), (2, .simd), (3, .simd), (37, .simd), (37, .sgemm)] {
                let batch = try index.search(batch: Array(queries.prefix(batchSize)), k: 10, filter: filter,
                                             kernel: kernel)
                #expect(batch.count == batchSize)
                for (query, hits) in zip(queries, batch) {
                    let single = try index.search(query, k: 10, filter: filter)
                    #expect(hits.map(\.id) == single.map(\.id))
                    #expect(hits.map(\.category) == single.map(\.category))
                    for (b, s) in zip(hits, single) { #expect(abs(b.score - s.score) <= 1e-5) }
                }
            }
        }
    }

    /// More queries than one tiled pass holds (1020), against fewer rows than one block.
    @Test func largeBatchOverSmallIndex() throws {
        let index = try makeRandomIndex(count: 300, dimension: 8, seed: 12)
        var rng = SplitMix64(seed: 13)
        let queries = (0..<1100).map { _ in rng.vector(8) }
        for kernel in BatchKernel.allCases {
            let batch = try index.search(batch: queries, k: 3, kernel: kernel)
            #expect(batch.count == 1100)
            for (query, hits) in zip(queries, batch) where Int(query[0] * 1000) % 10 == 0 {
                #expect(hits.map(\.id) == (try index.search(query, k: 3)).map(\.id))
            }
            #expect(batch.last?.map(\.id) == (try index.search(queries[1099], k: 3)).map(\.id))
        }
    }

    /// A row must score bit-identically whether the SIMD kernel meets it in a block of four or alone, and
    /// whatever core's slice it falls into, so results never depend on where deletes moved it.
    @Test func simdScoreIndependentOfRowPosition() throws {
        let dimension = 37  // exercises the scalar tail
        var rng = SplitMix64(seed: 9)
        let query = rng.vector(dimension)
        let rows = (0..<7).flatMap { _ in rng.vector(dimension) }
        try query.withUnsafeBufferPointer { q in
            try rows.withUnsafeBufferPointer { r in
                let (s0, s1, s2, s3) = ScanKernels.dot4(q.baseAddress!, r.baseAddress! + dimension, dimension)
                let singles = (1...4).map { ScanKernels.dot(q.baseAddress!, r.baseAddress! + $0 * dimension, dimension) }
                #expect([s0, s1, s2, s3] == singles)
                let expected = try #require(singles.first)
                #expect(abs(expected - zip(query, rows[dimension..<2 * dimension]).map(*).reduce(0, +)) < 1e-5)
            }
        }
    }
}
