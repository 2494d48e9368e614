import Foundation
import Testing
@testable import VectorIndex

/// BM25 from its definition, over a plain list of documents: every statistic counted again and every document
/// scored, for each query. The reference `KeywordIndex` is checked against.
private struct NaiveBM25 {
    let documents: [(id: Int64, tokens: [String], category: String?)]

    init(_ documents: [Int64: (text: String, category: String?)]) {
        self.documents = documents.map { (id: $0.key, tokens: KeywordTokenizer.terms($0.value.text), category: $0.value.category) }
    }

    func search(_ query: String, k: Int, categories: Set<String>? = nil) -> [KeywordIndex.Hit] {
        let n = Double(documents.count)
        guard n > 0 else { return [] }
        let averageLength = Double(documents.reduce(0) { $0 + $1.tokens.count }) / n
        let terms = KeywordQuery(query).terms
        let containing = terms.map { term in Double(documents.filter { $0.tokens.contains(term) }.count) }
        var hits: [KeywordIndex.Hit] = []
        for document in documents {
            if let categories, !(document.category.map(categories.contains) ?? false) { continue }
            var score = 0.0
            var matched = false
            for (term, containing) in zip(terms, containing) {
                let f = Double(document.tokens.filter { $0 == term }.count)
                guard f > 0 else { continue }
                matched = true
                var idf = log((n - containing + 0.5) / (containing + 0.5))
                if idf <= 0 { idf = 1e-6 }
                let d = Double(document.tokens.count)
                score += idf * ((f * (1.2 + 1.0)) / (f + 1.2 * (1 - 0.75 + 0.75 * d / averageLength)))
            }
            if matched { hits.append(KeywordIndex.Hit(id: document.id, score: score)) }
        }
        return Array(hits.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }.prefix(k))
    }
}

private func expectSame(_ fast: [KeywordIndex.Hit], _ naive: [KeywordIndex.Hit], _ context: String) {
    #expect(fast.map(\.id) == naive.map(\.id), "\(context)")
    for (a, b) in zip(fast, naive) {
        #expect(abs(a.score - b.score) <= 1e-12 * max(1, b.score), "\(context): \(a) vs \(b)")
    }
}

/// Words with shared stems (connect/connected/connection), stop words and rare terms, drawn with a skew so some
/// terms are in most documents (idf clamped to 1e-6) and others in one.
private let vocabulary = [
    "the", "a", "pipe", "pipes", "piping", "leak", "leaking", "leaks", "boiler", "boilers", "connect", "connected",
    "connection", "heater", "heaters", "heating", "emergency", "emergencies", "drain", "drains", "blocked",
    "call", "callout", "fee", "fees", "price", "pricing", "weekend", "night", "gas", "smell", "valve", "valves",
    "radiator", "bleed", "bleeding", "tap", "taps", "dripping", "café", "naïve", "β", "24", "7", "zq1", "zq2",
]

private func randomText(_ rng: inout SplitMix64, words: ClosedRange<Int>) -> String {
    let count = Int.random(in: words, using: &rng)
    return (0..<count).map { _ in
        // Squaring a uniform draw favours the front of the list.
        let u = rng.unit()
        return vocabulary[Int(u * u * Double(vocabulary.count))]
    }.joined(separator: Bool.random(using: &rng) ? " " : ", ")
}

@Suite struct KeywordIndexTests {
    @Test func matchesTheNaiveReferenceThroughLiveAddsRemovesAndReplaces() throws {
        var rng = SplitMix64(seed: 7)
        let categories = ["billing", "emergencies", "hours"]
        let index = KeywordIndex()
        var documents: [Int64: (text: String, category: String?)] = [:]
        var nextId: Int64 = 1
        let queries = (0..<40).map { _ in randomText(&rng, words: 1...6) } + ["the a", "zq1", "unknownword", "boiler 🚰"]

        for round in 0..<6 {
            // Add 80, remove ~20, replace ~10 (same id, new text and category).
            for _ in 0..<80 {
                let document = (text: randomText(&rng, words: 0...40), category: Bool.random(using: &rng) ? categories.randomElement(using: &rng) : nil)
                documents[nextId] = document
                index.upsert(id: nextId, text: document.text, category: document.category)
                nextId += 1
            }
            for id in documents.keys.sorted().shuffled(using: &rng).prefix(20) {
                documents[id] = nil
                #expect(index.remove(id: id))
            }
            for id in documents.keys.sorted().shuffled(using: &rng).prefix(10) {
                let document = (text: randomText(&rng, words: 1...30), category: categories.randomElement(using: &rng))
                documents[id] = document
                index.upsert(id: id, text: document.text, category: document.category)
            }

            #expect(index.count == documents.count)
            #expect(index.ids == documents.keys.sorted())
            #expect(index.tokenCount == documents.values.reduce(0) { $0 + KeywordTokenizer.terms($1.text).count })
            let naive = NaiveBM25(documents)
            for query in queries {
                expectSame(try index.search(query, k: 20), naive.search(query, k: 20), "round \(round) '\(query)'")
                let filter: Set<String> = ["billing", "hours"]
                expectSame(try index.search(query, k: 7, categories: filter),
                           naive.search(query, k: 7, categories: filter), "round \(round) '\(query)' filtered")
            }
        }
    }

    @Test func scoreIsFTS5sBM25WorkedByHand() throws {
        let index = KeywordIndex()
        index.upsert(id: 1, text: "pipe pipe leak")       // |D| = 3
        index.upsert(id: 2, text: "boiler service")       // |D| = 2
        index.upsert(id: 3, text: "pipes and a boiler")   // |D| = 4 ("and", "a" count: FTS5 has no stop words)
        // N = 3, avgdl = 9/3 = 3; "pipe" is in 2 documents: idf = ln((3 − 2 + 0.5) / (2 + 0.5)) < 0 → 1e-6.
        // "leak" is in 1: idf = ln(2.5 / 1.5).
        let leakIdf = log(2.5 / 1.5)
        let doc1 = 1e-6 * (2 * 2.2) / (2 + 1.2 * (0.25 + 0.75 * 3 / 3)) + leakIdf * 2.2 / (1 + 1.2 * (0.25 + 0.75))
        let doc3 = 1e-6 * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 4 / 3))
        let hits = try index.search("leaking pipes", k: 10)
        #expect(hits.map(\.id) == [1, 3])
        #expect(abs(hits[0].score - doc1) < 1e-12)
        #expect(abs(hits[1].score - doc3) < 1e-15)
    }

    @Test func statisticsFollowRemovalsAndTermsAreFreed() throws {
        let index = KeywordIndex()
        index.upsert([(id: 10, text: "Gutter cleaning", category: nil), (id: 11, text: "Gutter repairs", category: "x")])
        #expect(index.documentFrequency(of: "gutter") == 2)
        #expect(index.termCount == 3)
        #expect(index.tokenCount == 4)
        #expect(index.remove(id: 10))
        #expect(!index.remove(id: 10))
        #expect(index.documentFrequency(of: "gutter") == 1)
        #expect(index.documentFrequency(of: "clean") == 0)
        #expect(index.termCount == 2)
        #expect(index.tokenCount == 2)
        #expect(try index.search("cleaning", k: 5).isEmpty)
        // The freed slot and term id are reused.
        index.upsert(id: 12, text: "Downspout cleaning")
        #expect(index.ids == [11, 12])
        #expect(try index.search("cleaning gutter", k: 5).map(\.id).sorted() == [11, 12])
        // Replacing a document replaces its terms.
        index.upsert(id: 12, text: "Fascia boards")
        #expect(try index.search("downspout", k: 5).isEmpty)
        #expect(try index.search("boards", k: 5).map(\.id) == [12])
        #expect(index.tokenCount == 4)
    }

    @Test func filtersTiesAndLimits() throws {
        let index = KeywordIndex()
        for id in Int64(1)...5 { index.upsert(id: 6 - id, text: "same words here", category: id == 2 ? "b" : "a") }
        // Identical documents tie: ids ascending.
        #expect(try index.search("words", k: 3).map(\.id) == [1, 2, 3])
        #expect(try index.search("words", k: 10, categories: ["b"]).map(\.id) == [4])
        #expect(try index.search("words", k: 10, categories: []).isEmpty)
        #expect(try index.search("words", k: 10, categories: ["unknown"]).isEmpty)
        #expect(try index.search("", k: 10).isEmpty)
        #expect(throws: IndexError.invalidK(0)) { try index.search("words", k: 0) }
        #expect(try KeywordIndex().search("words", k: 3).isEmpty)
    }

    @Test func concurrentSearchesSeeWholeDocuments() async throws {
        let index = KeywordIndex()
        index.upsert((0..<200).map { (id: Int64($0), text: "alpha beta gamma \($0)", category: nil) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for round in 0..<200 {
                    index.upsert(id: Int64(1000 + round), text: "alpha delta", category: nil)
                    index.remove(id: Int64(1000 + round))
                }
            }
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<200 {
                        let hits = try index.search("alpha", k: 300)
                        // 200 documents, plus at most the one in flight.
                        #expect(hits.count == 200 || hits.count == 201)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(index.count == 200)
    }

    @Test func memoryFootprintGrowsWithPostings() {
        let index = KeywordIndex()
        let empty = index.memoryFootprintBytes
        var rng = SplitMix64(seed: 3)
        let texts = (0..<1000).map { _ in randomText(&rng, words: 20...40) }
        index.upsert(texts.enumerated().map { (id: Int64($0.offset), text: $0.element, category: nil) })
        // At least the postings (8 bytes) and the documents' term lists (4 bytes) per (term, document) pair.
        let pairs = texts.reduce(0) { $0 + Set(KeywordTokenizer.terms($1)).count }
        #expect(index.memoryFootprintBytes > empty + pairs * 12)
    }
}
