/// A chunk as keyword search sees it.
public struct KeywordChunk: Sendable, Equatable {
    public var chunkId: Int64
    /// The title-prefixed chunk text (`KnowledgeChunk.text`).
    public var text: String
    /// The entry's category, for category-filtered search.
    public var category: String?

    public init(chunkId: Int64, text: String, category: String?) {
        self.chunkId = chunkId
        self.text = text
        self.category = category
    }
}

/// Keyword (BM25) search over one business's chunks: the seam between `KnowledgeService` and whatever answers
/// keyword queries.
///
/// The service makes one retriever per business (`KnowledgeService.init(keywordRetriever:)`) and keeps it in step
/// with the database like the vector index: the change methods are called inside the business's `SerialGate`,
/// after the change committed, in commit order; searches run concurrently with them. A retriever whose backend
/// indexes inside the database transaction (an FTS table, a PostgreSQL `tsvector` column) can ignore the change
/// calls, as long as its statistics are the business's own.
public protocol KeywordRetriever: Sendable {
    /// Makes the retriever hold exactly `chunks`, the business's every stored chunk (first use, after an import).
    func synchronise(with chunks: [KeywordChunk])

    /// Applies one entry's replacement: `removing` are gone, `adding` are new.
    func update(adding: [KeywordChunk], removing: [Int64])

    /// Chunks held, for `/v1/knowledge/status`; nil when the backend does not keep its own copy.
    var chunkIds: Set<Int64>? { get }

    /// BM25-ranked chunks for free text, best first; chunks whose text shares no term with `query` are not
    /// returned.
    /// - Parameters:
    ///   - limit: hits wanted, > 0.
    ///   - categories: only chunks of entries in these categories; nil for all.
    func search(_ query: String, limit: Int, categories: Set<String>?) async throws -> [KeywordHit]
}
