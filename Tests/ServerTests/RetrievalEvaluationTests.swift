import Foundation
import Testing
import VectorIndex
@testable import Server

/// An embedder that knows a fixed set of texts, so dense rankings can be worked out by hand. It throws on any
/// other text, which also checks that documents are embedded as exactly `title + ". " + text`.
private struct TableEmbedder: TextEmbedder {
    struct UnknownText: Error { let text: String }
    let table: [String: [Float]]
    var dimension: Int { 3 }

    func embed(_ texts: [String]) throws -> [[Float]] {
        try texts.map { text in
            guard let vector = table[text] else { throw UnknownText(text: text) }
            return vector
        }
    }
}

/// A four-document BEIR folder: ids both as `_id` and `id`, three queries of which two are judged.
private func writeTinyDataset(to directory: URL) throws {
    let corpus = [
        #"{"_id": "d1", "title": "Cats", "text": "Cats purr and sleep."}"#,
        #"{"_id": "d2", "title": "Dogs", "text": "Dogs bark loudly."}"#,
        #"{"id": "d3", "title": "Birds", "text": "Birds sing at dawn."}"#,
        #"{"id": "d4", "title": "Fish", "text": "Fish swim in water."}"#,
    ]
    let queries = [
        #"{"_id": "q1", "text": "why do cats purr"}"#,
        #"{"_id": "q2", "text": "animals that bark or sing"}"#,
        #"{"_id": "q3", "text": "not judged"}"#,
    ]
    let qrels = "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\nq2\td3\t2\n"
    try corpus.joined(separator: "\n").write(to: directory.appendingPathComponent("corpus.jsonl"), atomically: true, encoding: .utf8)
    try queries.joined(separator: "\n").write(to: directory.appendingPathComponent("queries.jsonl"), atomically: true, encoding: .utf8)
    try qrels.write(to: directory.appendingPathComponent("qrels.tsv"), atomically: true, encoding: .utf8)
}

private let r2 = Float(0.5).squareRoot()
private let embedder = TableEmbedder(table: [
    "Cats. Cats purr and sleep.": [1, 0, 0],
    "Dogs. Dogs bark loudly.": [0, 1, 0],
    "Birds. Birds sing at dawn.": [0, 0, 1],
    "Fish. Fish swim in water.": [r2, r2, 0],
    // q1 · (d1, d2, d3, d4) = 0.6, 0.8, 0, 0.99 → dense ranks d4, d2, d1, d3.
    "why do cats purr": [0.6, 0.8, 0],
    // q2 · (d1, d2, d3, d4) = 0, 0.6, 0.8, 0.42 → dense ranks d3, d2, d4, d1.
    "animals that bark or sing": [0, 0.6, 0.8],
])

@Suite struct RetrievalEvaluationTests {
    @Test func readsABEIRFolder() throws {
        let directory = try TemporaryDirectory()
        try writeTinyDataset(to: directory.url)
        let dataset = try BEIRDataset(directory: directory.url)
        #expect(dataset.documents.map(\.id) == ["d1", "d2", "d3", "d4"])
        #expect(dataset.documents[2] == BEIRDataset.Document(id: "d3", title: "Birds", text: "Birds sing at dawn."))
        #expect(dataset.queries.count == 3)
        #expect(dataset.judgedQueries.map(\.id) == ["q1", "q2"])
        #expect(dataset.qrels == ["q1": ["d1": 1], "q2": ["d2": 1, "d3": 2]])
    }

    @Test func badFilesNameTheFileAndLine() throws {
        let directory = try TemporaryDirectory()
        try writeTinyDataset(to: directory.url)
        try "query-id\tcorpus-id\tscore\nq1\td1\n".write(
            to: directory.url.appendingPathComponent("qrels.tsv"), atomically: true, encoding: .utf8)
        #expect(throws: BEIRDatasetError.self) { try BEIRDataset(directory: directory.url) }
        do {
            _ = try BEIRDataset(directory: directory.url)
        } catch let error as BEIRDatasetError {
            #expect(error.line == 2)
            #expect(error.file.hasSuffix("qrels.tsv"))
        }
    }

    @Test func scoresEveryModeOnATinyCollection() async throws {
        let directory = try TemporaryDirectory()
        try writeTinyDataset(to: directory.url)
        let dataset = try BEIRDataset(directory: directory.url)
        let scores = try await RetrievalEvaluation.run(
            dataset: dataset, embedder: embedder, fusion: .reciprocalRank(k: 60), depth: 100)

        // Dense: q1 finds d1 at rank 3 → nDCG 1/log2(4) = 0.5, hit 0; q2 ranks d3 (grade 2), d2 (1) first → 1.
        let dense = try #require(scores[.dense])
        #expect(dense.queries == 2)
        #expect(abs(dense.ndcgAt10 - 0.75) < 1e-6)
        #expect(dense.recallAt10 == 1)
        #expect(dense.hitAtOne == 0.5)

        // Keyword (BM25, terms OR-ed): q1 matches only d1 → 1. q2 matches d2 ("bark") and d3 ("sing"), one term
        // each with the same idf; d2's text is shorter so it ranks first: (1 + 2/log2(3)) / (2 + 1/log2(3)).
        let secondQuery = (1 + 2 / log2(3.0)) / (2 + 1 / log2(3.0))
        let keyword = try #require(scores[.keyword])
        #expect(abs(keyword.ndcgAt10 - (1 + secondQuery) / 2) < 1e-9)
        #expect(keyword.recallAt10 == 1)
        #expect(keyword.hitAtOne == 1)

        // Hybrid RRF k = 60: q1 → d1 = 1/63 + 1/61 leads. q2 → d2 and d3 both 1/61 + 1/62, the tie goes to the
        // smaller id (d2), so it scores like keyword.
        let hybrid = try #require(scores[.hybrid])
        #expect(abs(hybrid.ndcgAt10 - (1 + secondQuery) / 2) < 1e-9)
        #expect(hybrid.recallAt10 == 1)
        #expect(hybrid.hitAtOne == 1)
    }

    @Test func candidatesMapBackToCorpusIdsAndRespectLimits() async throws {
        let directory = try TemporaryDirectory()
        try writeTinyDataset(to: directory.url)
        var reported: [Int] = []
        let evaluation = try await RetrievalEvaluation.prepare(
            dataset: try BEIRDataset(directory: directory.url), embedder: embedder) { done, total in
                #expect(total == 4)
                reported.append(done)
            }
        #expect(reported.first == 0)
        #expect(reported.last == 4)

        let (all, timings) = try await evaluation.candidates(depth: 2)
        #expect(timings.queries == 2)
        #expect(all.map(\.queryId) == ["q1", "q2"])
        #expect(all[0].dense.map(\.id) == ["d4", "d2"])
        #expect(all[0].keyword.map(\.id) == ["d1"])
        #expect(all[1].dense.map(\.id) == ["d3", "d2"])
        #expect(all[1].keyword.map(\.id) == ["d2", "d3"])

        let (first, _) = try await evaluation.candidates(depth: 10, limitQueries: 1)
        #expect(first.map(\.queryId) == ["q1"])
        // Weighted w = 1 is dense alone: d1 at rank 3 of q1.
        let denseOnly = evaluation.score(first, mode: .hybrid, fusion: .weighted(denseWeight: 1), depth: 10)
        #expect(abs(denseOnly.ndcgAt10 - 0.5) < 1e-9)
        #expect(denseOnly.queries == 1)
    }

    @Test func depthCutsBothListsBeforeFusing() {
        // b is second in both lists: RRF 2/62 beats a's and c's 1/61 at depth 2; at depth 1 it is cut away.
        let candidates = [RetrievalCandidates(
            queryId: "q", dense: [(id: "a", score: 0.9), (id: "b", score: 0.8)],
            keyword: [(id: "c", score: 9), (id: "b", score: 8)])]
        let qrels = ["q": ["b": 1]]
        let deep = RetrievalEvaluation.score(candidates, qrels: qrels, mode: .hybrid, fusion: .reciprocalRank(k: 60), depth: 2)
        #expect(deep.hitAtOne == 1)
        #expect(deep.ndcgAt10 == 1)
        let shallow = RetrievalEvaluation.score(candidates, qrels: qrels, mode: .hybrid, fusion: .reciprocalRank(k: 60), depth: 1)
        #expect(shallow.ndcgAt10 == 0)
        #expect(shallow.recallAt10 == 0)
        // Single modes are cut the same way.
        #expect(RetrievalEvaluation.score(candidates, qrels: qrels, mode: .dense, fusion: .reciprocalRank(), depth: 1).recallAt10 == 0)
        #expect(RetrievalEvaluation.score(candidates, qrels: qrels, mode: .keyword, fusion: .reciprocalRank(), depth: 2).recallAt10 == 1)
    }
}
