import CoreMetrics
import Foundation
import Logging
import Synchronization
import VectorIndex

/// A business's knowledge base: SQLite is the source of truth (entries, chunks, embeddings), an in-memory
/// `FlatIndex` per business answers dense queries and a `KeywordRetriever` per business (by default an
/// in-memory BM25 `KeywordIndex`) answers keyword queries with that business's own term statistics.
///
/// Consistency: every write commits to SQLite first and then applies the same change to both indexes, inside
/// the business's `SerialGate`, so the indexes follow the commit order. Embedding happens before the gate (it is
/// the slow part and needs no ordering). A business's indexes are built from the database the first time the
/// business is used after start-up, so after a crash (even `kill -9` between a commit and its index update) they
/// equal the database again: every acknowledged entry is searchable and no deleted chunk comes back.
public final class KnowledgeService: Sendable {
    /// How many candidates each retriever contributes before fusion.
    public static let candidateDepth = HybridFusion.defaultCandidateDepth

    let repository: any KnowledgeRepository
    let queryEmbedder: EmbeddingQueue
    let bulkEmbedder: EmbeddingQueue
    let chunker: KnowledgeChunker
    let fusion: RankFusion
    let logger: Logger
    let metrics: any MetricsFactory
    let makeKeywordRetriever: @Sendable (_ businessId: String) -> any KeywordRetriever
    /// Where each business's `kb_version` is read, so the indexes know which version they reflect (several nodes
    /// catch up with each other's edits by it). Nil: versions are not tracked (tools, some tests).
    let versions: (any BusinessRepository)?
    private let businesses = Mutex<[String: BusinessKnowledge]>([:])

    /// - Parameters:
    ///   - queryEmbedder: the queue searches use (interactive, micro-batched).
    ///   - bulkEmbedder: the queue imports use, so a large import never delays a caller's search or an edit.
    ///   - metrics: where each business's `frontdesk_index_vectors` gauge goes; nowhere by default.
    ///   - keywordRetriever: makes a business's keyword retriever (called once per business, on first use);
    ///     an in-memory BM25 index by default.
    public init(
        repository: any KnowledgeRepository, queryEmbedder: EmbeddingQueue, bulkEmbedder: EmbeddingQueue,
        chunker: KnowledgeChunker, fusion: RankFusion = HybridFusion.defaultMethod, logger: Logger,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        keywordRetriever: @escaping @Sendable (_ businessId: String) -> any KeywordRetriever = { _ in
            InMemoryKeywordRetriever()
        },
        versions: (any BusinessRepository)? = nil
    ) {
        self.versions = versions
        self.repository = repository
        self.queryEmbedder = queryEmbedder
        self.bulkEmbedder = bulkEmbedder
        self.chunker = chunker
        self.fusion = fusion
        self.logger = logger
        self.metrics = metrics
        makeKeywordRetriever = keywordRetriever
    }

    // MARK: Writes

    /// Stores a new entry (validated draft) and makes it searchable.
    public func create(businessId: String, draft: KnowledgeDraft) async throws -> KnowledgeEntry {
        try await write(businessId: businessId, entry: KnowledgeEntry(
            businessId: businessId, title: draft.title, content: draft.content, category: draft.category,
            tags: draft.tags, source: draft.source))
    }

    /// Replaces an existing entry's fields and chunks atomically. Unknown id → `RepositoryError.notFound`.
    public func replace(businessId: String, entryId: String, draft: KnowledgeDraft) async throws -> KnowledgeEntry {
        guard try await repository.get(entryId: entryId, businessId: businessId) != nil else { throw RepositoryError.notFound }
        return try await write(businessId: businessId, entry: KnowledgeEntry(
            id: entryId, businessId: businessId, title: draft.title, content: draft.content,
            category: draft.category, tags: draft.tags, source: draft.source))
    }

    /// Deletes an entry and its chunks; the next search no longer sees them.
    public func delete(businessId: String, entryId: String) async throws {
        let knowledge = try await knowledge(for: businessId)
        try await knowledge.gate.run { [repository] in
            try await repository.delete(entryId: entryId, businessId: businessId)
            knowledge.removeEntry(entryId)
            try await self.recordOwnWrite(knowledge)
        }
    }

    /// Imports validated drafts all-or-nothing: one transaction, then the index is synchronised.
    /// - Parameter progress: told the drafts embedded so far and their total after each batch (the slow part), for
    ///   the panel's progress bar; batches are then 100 rows rather than 1,000, so a small import moves too.
    public func importDrafts(businessId: String, _ drafts: [KnowledgeDraft],
                             progress: (@Sendable (_ embedded: Int, _ total: Int) -> Void)? = nil) async throws -> [KnowledgeEntry] {
        var items: [KnowledgeImportItem] = []
        items.reserveCapacity(drafts.count)
        let pieces = drafts.map { chunker.chunks(title: $0.title, content: $0.content) }
        // Embedded 1,000 rows at a time: one queue request each (the embedder sub-batches), one log line each.
        var vectors: [[Float]] = []
        vectors.reserveCapacity(pieces.reduce(0) { $0 + $1.count })
        let batch = progress == nil ? 1000 : 100
        for start in stride(from: 0, to: pieces.count, by: batch) {
            let rows = pieces[start..<min(start + batch, pieces.count)]
            vectors += try await bulkEmbedder.embed(rows.flatMap { $0.map(\.text) })
            progress?(start + rows.count, pieces.count)
            if pieces.count > 1000, progress == nil || (start + rows.count) % 1000 == 0 || start + rows.count == pieces.count {
                logger.info("import embedding", metadata: ["business": "\(businessId)", "rows": "\(start + rows.count)/\(pieces.count)"])
            }
        }
        var cursor = 0
        for (draft, chunks) in zip(drafts, pieces) {
            let entry = KnowledgeEntry(businessId: businessId, title: draft.title, content: draft.content,
                                       category: draft.category, tags: draft.tags, source: draft.source)
            let inputs = chunks.map { chunk -> KnowledgeChunkInput in
                defer { cursor += 1 }
                return KnowledgeChunkInput(ordinal: chunk.ordinal, text: chunk.text, body: chunk.body, embedding: vectors[cursor])
            }
            items.append(KnowledgeImportItem(entry: entry, chunks: inputs))
        }
        let knowledge = try await knowledge(for: businessId)
        return try await knowledge.gate.run { [repository, items] in
            let stored = try await repository.importAll(businessId: businessId, items)
            try await knowledge.synchronise(with: repository, versions: self.versions)
            return stored
        }
    }

    /// The business's indexes if they are in memory (never loads them).
    func loadedKnowledge(_ businessId: String) -> BusinessKnowledge? {
        businesses.withLock { $0[businessId] }
    }

    func businessesSnapshot() -> [String: BusinessKnowledge] {
        businesses.withLock { $0 }
    }

    /// Forgets a deleted business's index (and its gauge, so `/metrics` stops reporting it).
    public func forget(businessId: String) {
        businesses.withLock { $0.removeValue(forKey: businessId) }?.vectorCount.destroy()
    }

    private func write(businessId: String, entry: KnowledgeEntry) async throws -> KnowledgeEntry {
        let chunks = chunker.chunks(title: entry.title, content: entry.content)
        // One entry is interactive work (an admin saving a form): the query queue, not behind a bulk import.
        let vectors = try await queryEmbedder.embed(chunks.map(\.text))
        let inputs = zip(chunks, vectors).map { chunk, vector in
            KnowledgeChunkInput(ordinal: chunk.ordinal, text: chunk.text, body: chunk.body, embedding: vector)
        }
        let knowledge = try await knowledge(for: businessId)
        return try await knowledge.gate.run { [repository] in
            let stored = try await repository.upsert(entry, chunks: inputs)
            let rows = try await repository.chunks(entryId: stored.id, businessId: businessId)
            try knowledge.replaceEntry(stored.id, category: stored.category, chunks: rows.map { row in
                (id: row.id!, text: row.text,
                 vector: inputs.first { $0.ordinal == row.ordinal }?.embedding ?? row.embeddingVector)
            })
            try await self.recordOwnWrite(knowledge)
            return stored
        }
    }

    // MARK: Index state

    /// The business's index, built from the database on first use.
    func knowledge(for businessId: String) async throws -> BusinessKnowledge {
        let (knowledge, isNew) = businesses.withLock { map -> (BusinessKnowledge, Bool) in
            if let existing = map[businessId] { return (existing, false) }
            let created = BusinessKnowledge(businessId: businessId, dimension: queryEmbedder.dimension,
                                            keyword: makeKeywordRetriever(businessId), metrics: metrics)
            map[businessId] = created
            return (created, true)
        }
        if isNew {
            // Every other caller of this business waits behind the load in the gate.
            try await knowledge.gate.run { [repository, logger] in
                try await knowledge.synchronise(with: repository, versions: self.versions)
                logger.debug("knowledge index loaded", metadata: ["business": "\(businessId)", "vectors": "\(knowledge.index.count)"])
            }
        } else {
            try await knowledge.loaded()
        }
        return knowledge
    }

    /// Chunks in the database vs the indexes, for `/v1/knowledge/status` and the crash test.
    public func status(businessId: String) async throws -> KnowledgeIndexStatus {
        let knowledge = try await knowledge(for: businessId)
        return try await knowledge.gate.run { [repository] in
            let stored = try await repository.allChunks(businessId: businessId)
            let databaseIds = Set(stored.map { String($0.chunkId) })
            let indexIds = Set(knowledge.index.ids)
            let keywordConsistent = knowledge.keyword.chunkIds.map { $0 == Set(stored.map(\.chunkId)) } ?? true
            return KnowledgeIndexStatus(
                entries: Set(stored.map(\.entryId)).count, chunks: databaseIds.count, vectors: indexIds.count,
                consistent: databaseIds == indexIds && keywordConsistent)
        }
    }
}

/// Whether a business's indexes match its database.
public struct KnowledgeIndexStatus: Codable, Sendable, Equatable {
    public let entries: Int
    public let chunks: Int
    public let vectors: Int
    /// The vector index holds exactly the stored chunks, and so does the keyword retriever (if it keeps a copy).
    public let consistent: Bool
}

/// One business's in-memory indexes and the bookkeeping to update them per entry.
final class BusinessKnowledge: Sendable {
    let businessId: String
    let index: FlatIndex
    let keyword: any KeywordRetriever
    let gate = SerialGate()
    /// `frontdesk_index_vectors{business=<id>}`, set after every change to `index`. The id, not the slug:
    /// ids never change, so a renamed business stays one time series.
    let vectorCount: Recorder
    /// entry id → its chunk ids in the index. Only touched inside `gate`.
    private let entryChunks = Mutex<[String: [Int64]]>([:])
    private let isLoaded = Mutex(false)
    /// The business's `kb_version` the indexes reflect (nil: not tracked). Changed only inside `gate`.
    let version = Mutex<Int64?>(nil)

    init(businessId: String, dimension: Int, keyword: any KeywordRetriever, metrics: any MetricsFactory) {
        self.businessId = businessId
        index = FlatIndex(dimension: dimension)
        self.keyword = keyword
        vectorCount = Recorder(label: AppMetrics.Name.indexVectors, dimensions: [("business", businessId)],
                               aggregate: false, factory: metrics)
    }

    /// Waits for the initial load (it runs first in the gate).
    func loaded() async throws {
        if isLoaded.withLock({ $0 }) { return }
        try await gate.run {}
    }

    func replaceEntry(_ entryId: String, category: String?, chunks: [(id: Int64, text: String, vector: [Float])]) throws {
        let old = entryChunks.withLock { $0[entryId] ?? [] }
        try index.upsert(chunks.map { (id: String($0.id), vector: $0.vector, category: category) })
        let keep = Set(chunks.map(\.id))
        let removed = old.filter { !keep.contains($0) }
        for id in removed { index.delete(id: String(id)) }
        keyword.update(adding: chunks.map { KeywordChunk(chunkId: $0.id, text: $0.text, category: category) },
                       removing: removed)
        entryChunks.withLock { $0[entryId] = chunks.map(\.id) }
        vectorCount.record(index.count)
    }

    func removeEntry(_ entryId: String) {
        let old = entryChunks.withLock { $0.removeValue(forKey: entryId) ?? [] }
        for id in old { index.delete(id: String(id)) }
        keyword.update(adding: [], removing: old)
        vectorCount.record(index.count)
    }

    /// Makes both indexes equal to the database: adds missing chunks, removes ones the database no longer has.
    /// The version is read first: a write that lands between the two reads makes the recorded version older than
    /// the content, never newer, so the next catch-up reads again rather than missing a change.
    func synchronise(with repository: any KnowledgeRepository, versions: (any BusinessRepository)? = nil) async throws {
        let versionBefore = try await versions?.knowledgeVersions(ids: [businessId])[businessId]
        let stored = try await repository.allChunks(businessId: businessId)
        let wanted = Set(stored.map { String($0.chunkId) })
        for id in index.ids where !wanted.contains(id) { index.delete(id: id) }
        try index.upsert(stored.filter { !index.contains(id: String($0.chunkId)) }
            .map { (id: String($0.chunkId), vector: $0.embedding, category: $0.category) })
        keyword.synchronise(with: stored.map { KeywordChunk(chunkId: $0.chunkId, text: $0.text, category: $0.category) })
        var map: [String: [Int64]] = [:]
        for chunk in stored { map[chunk.entryId, default: []].append(chunk.chunkId) }
        entryChunks.withLock { $0 = map }
        vectorCount.record(index.count)
        version.withLock { $0 = versionBefore }
        isLoaded.withLock { $0 = true }
    }
}
