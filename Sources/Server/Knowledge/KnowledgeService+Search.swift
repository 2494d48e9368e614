import Foundation
import Receptionist
import VectorIndex

/// Which retriever(s) answer a search.
public enum SearchMode: String, Codable, Sendable, CaseIterable {
    /// BM25 and MiniLM, fused.
    case hybrid
    /// MiniLM cosine similarity only.
    case dense
    /// BM25 only (the business's `KeywordRetriever`).
    case keyword
}

/// One ranked chunk of a search answer.
public struct KnowledgeSearchResult: Codable, Sendable, Equatable {
    public let chunkId: Int64
    public let entryId: String
    public let title: String
    public let snippet: String
    public let category: String?
    public let source: String?
    /// Fused score (hybrid), cosine similarity (dense) or BM25 (keyword); higher is better.
    public let score: Double
    /// Cosine similarity of the chunk to the query when the dense retriever ranked it (hybrid and dense), else nil.
    /// The receptionist compares this with the business's answer-confidence threshold.
    public let similarity: Double?
}

extension KnowledgeService {
    /// Ranked chunks of the business's knowledge for `query`.
    /// - Parameters:
    ///   - k: results wanted (1…50).
    ///   - categories: only entries in these categories; nil for all.
    public func search(
        businessId: String, query: String, k: Int, categories: Set<String>?, mode: SearchMode
    ) async throws -> [KnowledgeSearchResult] {
        try await rankedChunks(businessId: businessId, query: query, k: k, categories: categories, mode: mode)
            .map { hit in
                KnowledgeSearchResult(
                    chunkId: hit.detail.chunkId, entryId: hit.detail.entryId, title: hit.detail.title,
                    snippet: Self.snippet(hit.detail.body), category: hit.detail.category, source: hit.detail.source,
                    score: hit.score, similarity: hit.similarity)
            }
    }

    /// The receptionist's lookup: the best `k` chunks (hybrid) with their whole text, as `Passage` values.
    public func passages(businessId: String, question: String, k: Int = 3) async throws -> [Passage] {
        try await rankedChunks(businessId: businessId, query: question, k: k, categories: nil, mode: .hybrid)
            .map { hit in
                Passage(entryId: hit.detail.entryId, chunkId: hit.detail.chunkId, title: hit.detail.title,
                        text: hit.detail.body, category: hit.detail.category, score: hit.score,
                        similarity: hit.similarity)
            }
    }

    /// Ranked chunks joined with their entries; a chunk deleted between ranking and the read is skipped.
    func rankedChunks(
        businessId: String, query: String, k: Int, categories: Set<String>?, mode: SearchMode
    ) async throws -> [(detail: ChunkSearchDetails, score: Double, similarity: Double?)] {
        let knowledge = try await knowledge(for: businessId)
        let depth = max(k, Self.candidateDepth)
        // The keyword query runs while the query is being embedded (it may be remote for another retriever).
        async let keywordHits: [KeywordHit] = mode == .dense ? [] : knowledge.keyword.search(
            query, limit: depth, categories: categories)
        var dense: [(id: String, score: Float)] = []
        if mode != .keyword, knowledge.index.count > 0 {
            let vector = try await queryEmbedder.embed([query])[0]
            let filter = categories.map { SearchFilter(categories: $0) }
            dense = try knowledge.index.search(vector, k: depth, filter: filter).map { ($0.id, $0.score) }
        }
        let keyword = try await keywordHits.map { (id: String($0.chunkId), score: $0.score) }
        let ranked: [(id: String, score: Double)] = switch mode {
        case .dense: dense.prefix(k).map { ($0.id, Double($0.score)) }
        case .keyword: Array(keyword.prefix(k))
        case .hybrid: HybridFusion.fuse(dense: dense, keyword: keyword, method: fusion, limit: k)
        }
        let similarity = Dictionary(dense.map { ($0.id, Double($0.score)) }, uniquingKeysWith: { a, _ in a })
        let details = Dictionary(
            try await repository.searchDetails(chunkIds: ranked.compactMap { Int64($0.id) }, businessId: businessId)
                .map { ($0.chunkId, $0) },
            uniquingKeysWith: { a, _ in a })
        return ranked.compactMap { hit in
            guard let chunkId = Int64(hit.id), let detail = details[chunkId] else { return nil }
            return (detail, hit.score, similarity[hit.id])
        }
    }

    /// The start of a chunk's text, cut at a word boundary near 300 characters.
    static func snippet(_ body: String, limit: Int = 300) -> String {
        guard body.count > limit else { return body }
        let cut = body.prefix(limit)
        let end = cut.lastIndex(where: { $0 == " " || $0 == "\n" }) ?? cut.endIndex
        return String(cut[..<end]).trimmingCharacters(in: .whitespacesAndNewlines) + "…"
    }
}
