import Dispatch
import Testing
@testable import VectorIndex

@Suite struct FlatIndexConcurrencyTests {
    /// Readers search (single, batch and filtered) while a writer upserts, replaces and deletes. Every
    /// result must be well-formed: k hits, ordered, no duplicates.
    @Test func concurrentReadersAndWriter() throws {
        let dimension = 32
        let index = try makeRandomIndex(count: 2000, dimension: dimension, seed: 51)
        DispatchQueue.concurrentPerform(iterations: 5) { worker in
            var rng = SplitMix64(seed: UInt64(100 + worker))
            do {
                for step in 0..<150 {
                    if worker == 0 {
                        let id = "row-\(Int(rng.next() % 3000))"
                        if step % 3 == 0 {
                            index.delete(id: id)
                        } else {
                            try index.upsert(id: id, vector: rng.vector(dimension), category: step % 2 == 0 ? "faq" : nil)
                        }
                        continue
                    }
                    let query = rng.vector(dimension)
                    let results: [[SearchHit]]
                    switch step % 3 {
                    case 0: results = [try index.search(query, k: 10, kernel: worker % 2 == 0 ? .simd : .sgemv)]
                    case 1: results = try index.search(batch: [query, query, query, query, query], k: 10)
                    default: results = [try index.search(query, k: 10, filter: SearchFilter(categories: ["faq"]))]
                    }
                    for hits in results {
                        #expect(hits.count == 10)
                        #expect(Set(hits.map(\.id)).count == hits.count)
                        #expect(zip(hits, hits.dropFirst()).allSatisfy { $0.score >= $1.score })
                    }
                    _ = index.count
                    _ = index.memoryFootprintBytes
                }
            } catch {
                Issue.record("worker \(worker): \(error)")
            }
        }
        #expect(index.count == Set(index.ids).count)
    }
}
