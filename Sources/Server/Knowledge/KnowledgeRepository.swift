/// An entry with its chunks, for `KnowledgeRepository.importAll`.
public struct KnowledgeImportItem: Sendable, Equatable {
    public var entry: KnowledgeEntry
    public var chunks: [KnowledgeChunkInput]

    public init(entry: KnowledgeEntry, chunks: [KnowledgeChunkInput]) {
        self.entry = entry
        self.chunks = chunks
    }
}

/// Storage of a business's knowledge base: entries and their chunks with embeddings. Keyword search is not
/// here: each business's `KeywordRetriever` answers it from the chunks `allChunks` returns.
///
/// Every method is scoped by `businessId`: a call for one business never reads or changes another's rows.
/// Errors: `RepositoryError.notFound` (unknown business or entry, or an entry of another business),
/// `.invalid` (bad input), `.conflict` (an entry id already used by another business, a duplicate ordinal).
public protocol KnowledgeRepository: Sendable {
    /// Inserts or replaces `entry` and replaces all its chunks, in one transaction. `entry.businessId` names the
    /// business; timestamps are set by the repository (`createdAt` is kept on replace).
    /// - Returns: the stored entry.
    func upsert(_ entry: KnowledgeEntry, chunks: [KnowledgeChunkInput]) async throws -> KnowledgeEntry

    /// Deletes the entry with its chunks, in one transaction.
    func delete(entryId: String, businessId: String) async throws

    func get(entryId: String, businessId: String) async throws -> KnowledgeEntry?

    /// The entry's chunks in ordinal order.
    func chunks(entryId: String, businessId: String) async throws -> [KnowledgeChunk]

    /// What a search answer shows for these chunks (text, and their entries' title, category, source), in one
    /// read; chunks of other businesses or no longer stored are skipped.
    func searchDetails(chunkIds: [Int64], businessId: String) async throws -> [ChunkSearchDetails]

    /// Entries in creation order, optionally only one category and/or those whose title or content contains
    /// `text` (case-insensitive for ASCII); `limit` is clamped to 1...500.
    func list(
        businessId: String, category: String?, text: String?, limit: Int, cursor: String?
    ) async throws -> Page<KnowledgeEntry>

    /// Upserts every item (as `upsert`) in one transaction: all are stored, or on any error none is.
    /// Every item's `entry.businessId` must be `businessId`.
    func importAll(businessId: String, _ items: [KnowledgeImportItem]) async throws -> [KnowledgeEntry]

    /// Every chunk of the business (vector, text, category), in chunk id order, to rebuild the in-memory vector
    /// and keyword indexes.
    func allChunks(businessId: String) async throws -> [ChunkEmbedding]
}
