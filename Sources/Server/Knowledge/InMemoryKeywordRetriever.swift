import VectorIndex

/// The default retriever: an in-process `KeywordIndex` per business, built from the database on first use.
/// Its BM25 statistics (N, document frequencies, average length) are the business's own, and it ranks the same
/// on any storage backend.
public final class InMemoryKeywordRetriever: KeywordRetriever {
    let index = KeywordIndex()

    public init() {}

    public func synchronise(with chunks: [KeywordChunk]) {
        let wanted = Set(chunks.map(\.chunkId))
        for id in index.ids where !wanted.contains(id) { index.remove(id: id) }
        // A chunk's text and category never change under one id (a replaced entry gets new chunk rows), so only
        // missing chunks need adding.
        index.upsert(chunks.filter { !index.contains(id: $0.chunkId) }
            .map { (id: $0.chunkId, text: $0.text, category: $0.category) })
    }

    public func update(adding: [KeywordChunk], removing: [Int64]) {
        for id in removing { index.remove(id: id) }
        index.upsert(adding.map { (id: $0.chunkId, text: $0.text, category: $0.category) })
    }

    public var chunkIds: Set<Int64>? { Set(index.ids) }

    public func search(_ query: String, limit: Int, categories: Set<String>?) async throws -> [KeywordHit] {
        try index.search(query, k: limit, categories: categories).map { KeywordHit(chunkId: $0.id, score: $0.score) }
    }

    /// Estimated heap bytes of the index.
    public var memoryFootprintBytes: Int { index.memoryFootprintBytes }
}
