import Foundation
import Logging
import VectorIndex

/// A retrieval strategy being evaluated.
public enum RetrievalMode: String, CaseIterable, Sendable, Hashable {
    /// Exact cosine search over chunk embeddings (`FlatIndex`).
    case dense
    /// BM25 over chunk text (`InMemoryKeywordRetriever`, the knowledge service's default).
    case keyword
    /// `HybridFusion` of the dense and keyword candidates.
    case hybrid
}

/// Mean per-query metrics of one mode (see `RetrievalMetrics`).
public struct RetrievalScores: Sendable, Equatable {
    public var ndcgAt10: Double
    public var recallAt10: Double
    public var hitAtOne: Double
    /// Queries averaged over.
    public var queries: Int

    public init(ndcgAt10: Double, recallAt10: Double, hitAtOne: Double, queries: Int) {
        self.ndcgAt10 = ndcgAt10
        self.recallAt10 = recallAt10
        self.hitAtOne = hitAtOne
        self.queries = queries
    }
}

/// One judged query with both candidate lists, mapped back to corpus document ids.
public struct RetrievalCandidates: Sendable {
    public var queryId: String
    /// Dense hits, best first (cosine similarity).
    public var dense: [(id: String, score: Float)]
    /// Keyword hits, best first (BM25).
    public var keyword: [(id: String, score: Double)]

    public init(queryId: String, dense: [(id: String, score: Float)], keyword: [(id: String, score: Double)]) {
        self.queryId = queryId
        self.dense = dense
        self.keyword = keyword
    }
}

/// Runs a BEIR collection through the same storage and search path the knowledge service uses: every document
/// becomes one knowledge entry of a business in a temporary database, with one chunk whose text is
/// `title + ". " + text` (what sentence-transformers embeds for the published SciFact figures), embedded and
/// imported through `KnowledgeRepository.importAll`; a `FlatIndex` and the keyword retriever are rebuilt from
/// the stored chunks (`allChunks`), as at server start-up.
///
/// Build once with `prepare`, fetch the candidates once with `candidates(depth:)`, then `score` any number of
/// mode/fusion/depth settings without touching the model or the database again.
public struct RetrievalEvaluation: Sendable {
    /// Wall-clock seconds of the set-up phases.
    public struct Timings: Sendable, Equatable {
        public var embedCorpus: Double = 0
        public var importCorpus: Double = 0
        public var buildIndex: Double = 0
    }

    /// Wall-clock seconds spent answering the queries, per stage.
    public struct QueryTimings: Sendable, Equatable {
        public var embedQueries: Double = 0
        public var denseSearch: Double = 0
        public var keywordSearch: Double = 0
        public var queries: Int = 0

        /// Milliseconds per query of `mode` (hybrid = both searches; fusion itself is negligible).
        public func millisecondsPerQuery(_ mode: RetrievalMode) -> Double {
            let seconds = switch mode {
            case .dense: embedQueries + denseSearch
            case .keyword: keywordSearch
            case .hybrid: embedQueries + denseSearch + keywordSearch
            }
            return queries > 0 ? seconds * 1000 / Double(queries) : 0
        }
    }

    public let dataset: BEIRDataset
    public let timings: Timings
    /// Where the corpus was imported (kept open while the evaluation lives).
    private let storage: any StorageBackend
    /// "sqlite" or "postgresql": where the corpus was stored.
    public var storageKind: String { storage.kind }
    private let repository: any KnowledgeRepository
    private let businessId: String
    private let index: FlatIndex
    private let keyword: InMemoryKeywordRetriever
    private let embedder: any TextEmbedder
    /// Knowledge entry id → corpus document id.
    private let documentIds: [String: String]
    /// Chunk id (as the `FlatIndex` id) → corpus document id.
    private let chunkDocumentIds: [String: String]

    /// Entries stored per `importAll` transaction.
    public static let importBatchSize = 500
    /// Texts per `embed` call (the embedder sub-batches further); small enough for a smooth progress bar.
    static let embedBatchSize = 100

    /// The text embedded and keyword-indexed for a document.
    public static func chunkText(_ document: BEIRDataset.Document) -> String {
        document.title + ". " + document.text
    }

    /// Imports and indexes the corpus.
    /// - Parameter progress: called with (documents embedded, total) after every embedding batch.
    /// - Parameter databaseURL: an empty PostgreSQL database to import into (the backend's own storage of chunks and
    ///   embeddings is then what is measured); nil: a temporary SQLite file.
    public static func prepare(
        dataset: BEIRDataset, embedder: any TextEmbedder, databaseURL: String? = nil,
        progress: (Int, Int) -> Void = { _, _ in }
    ) async throws -> RetrievalEvaluation {
        let storage: any StorageBackend
        if let databaseURL {
            storage = try await PostgresStorage.open(url: PostgresURL(databaseURL), poolSize: 4,
                                                     logger: Logger(label: "frontdesk.eval"))
        } else {
            storage = SQLiteStorage(database: try AppDatabase.temporary())
        }
        let business = try await storage.repositories.businesses.create(
            NewBusiness(slug: "retrieval-eval", name: "Retrieval evaluation", timeZone: "UTC"))
        let repository = storage.repositories.knowledge
        let clock = ContinuousClock()
        var timings = Timings()
        var documentIds: [String: String] = [:]
        let documents = dataset.documents
        progress(0, documents.count)

        for batchStart in stride(from: 0, to: documents.count, by: importBatchSize) {
            let batch = documents[batchStart..<min(batchStart + importBatchSize, documents.count)]
            var items: [KnowledgeImportItem] = []
            items.reserveCapacity(batch.count)
            for embedStart in stride(from: batch.startIndex, to: batch.endIndex, by: embedBatchSize) {
                let group = batch[embedStart..<min(embedStart + embedBatchSize, batch.endIndex)]
                let texts = group.map(chunkText)
                let start = clock.now
                let vectors = try embedder.embed(texts)
                timings.embedCorpus += (clock.now - start).seconds
                for ((document, text), vector) in zip(zip(group, texts), vectors) {
                    let entry = KnowledgeEntry(
                        businessId: business.id,
                        title: document.title.isEmpty ? document.id : document.title,
                        content: document.text, source: document.id)
                    documentIds[entry.id] = document.id
                    items.append(KnowledgeImportItem(entry: entry, chunks: [
                        KnowledgeChunkInput(ordinal: 0, text: text, body: document.text, embedding: vector),
                    ]))
                }
                progress(embedStart + group.count, documents.count)
            }
            let start = clock.now
            _ = try await repository.importAll(businessId: business.id, items)
            timings.importCorpus += (clock.now - start).seconds
        }

        let start = clock.now
        let stored = try await repository.allChunks(businessId: business.id)
        let index = FlatIndex(dimension: embedder.dimension)
        index.reserveCapacity(stored.count)
        try index.upsert(stored.map { (id: String($0.chunkId), vector: $0.embedding, category: $0.category) })
        let keyword = InMemoryKeywordRetriever()
        keyword.synchronise(with: stored.map { KeywordChunk(chunkId: $0.chunkId, text: $0.text, category: $0.category) })
        var chunkDocumentIds: [String: String] = [:]
        for chunk in stored { chunkDocumentIds[String(chunk.chunkId)] = documentIds[chunk.entryId] }
        timings.buildIndex = (clock.now - start).seconds

        return RetrievalEvaluation(
            dataset: dataset, timings: timings, storage: storage, repository: repository,
            businessId: business.id, index: index, keyword: keyword, embedder: embedder, documentIds: documentIds,
            chunkDocumentIds: chunkDocumentIds)
    }

    /// Dense and keyword candidates of every judged query.
    /// - Parameters:
    ///   - depth: hits fetched from each search (1...500).
    ///   - limitQueries: only the first this many judged queries, if set.
    public func candidates(depth: Int, limitQueries: Int? = nil) async throws -> ([RetrievalCandidates], QueryTimings) {
        var queries = dataset.judgedQueries
        if let limitQueries { queries = Array(queries.prefix(max(0, limitQueries))) }
        var timings = QueryTimings(queries: queries.count)
        guard !queries.isEmpty else { return ([], timings) }
        let clock = ContinuousClock()

        var start = clock.now
        let vectors = try embedder.embed(queries.map(\.text))
        timings.embedQueries = (clock.now - start).seconds
        start = clock.now
        let denseHits = try index.search(batch: vectors, k: depth)
        timings.denseSearch = (clock.now - start).seconds

        var result: [RetrievalCandidates] = []
        result.reserveCapacity(queries.count)
        for (query, hits) in zip(queries, denseHits) {
            start = clock.now
            let keywordHits = try await keyword.search(query.text, limit: depth, categories: nil)
            timings.keywordSearch += (clock.now - start).seconds
            result.append(RetrievalCandidates(
                queryId: query.id,
                dense: hits.compactMap { hit in chunkDocumentIds[hit.id].map { (id: $0, score: hit.score) } },
                keyword: keywordHits.compactMap { hit in
                    chunkDocumentIds[String(hit.chunkId)].map { (id: $0, score: hit.score) }
                }))
        }
        return (result, timings)
    }

    /// Mean metrics of `mode` over `candidates`.
    /// - Parameters:
    ///   - fusion: how `.hybrid` combines the lists (ignored by the others).
    ///   - depth: candidates taken from each list before fusing (at most what `candidates(depth:)` fetched).
    public func score(
        _ candidates: [RetrievalCandidates], mode: RetrievalMode, fusion: RankFusion, depth: Int
    ) -> RetrievalScores {
        Self.score(candidates, qrels: dataset.qrels, mode: mode, fusion: fusion, depth: depth)
    }

    /// `score` on explicit judgements (pure).
    public static func score(
        _ candidates: [RetrievalCandidates], qrels: [String: [String: Int]],
        mode: RetrievalMode, fusion: RankFusion, depth: Int
    ) -> RetrievalScores {
        var ndcg = 0.0, recall = 0.0, hit = 0.0
        for query in candidates {
            let relevant = qrels[query.queryId] ?? [:]
            let ranked: [String] = switch mode {
            case .dense: query.dense.prefix(depth).map(\.id)
            case .keyword: query.keyword.prefix(depth).map(\.id)
            case .hybrid: HybridFusion.fuse(
                dense: Array(query.dense.prefix(depth)), keyword: Array(query.keyword.prefix(depth)),
                method: fusion, limit: 10).map(\.id)
            }
            ndcg += RetrievalMetrics.ndcg(at: 10, ranked: ranked, relevant: relevant)
            recall += RetrievalMetrics.recall(at: 10, ranked: ranked, relevant: relevant)
            hit += RetrievalMetrics.hitAtOne(ranked: ranked, relevant: relevant)
        }
        let n = Double(max(1, candidates.count))
        return RetrievalScores(ndcgAt10: ndcg / n, recallAt10: recall / n, hitAtOne: hit / n, queries: candidates.count)
    }

    /// Imports, indexes and scores `modes` in one go.
    public static func run(
        dataset: BEIRDataset, embedder: any TextEmbedder, modes: [RetrievalMode] = RetrievalMode.allCases,
        fusion: RankFusion, depth: Int = 100, limitQueries: Int? = nil
    ) async throws -> [RetrievalMode: RetrievalScores] {
        let evaluation = try await prepare(dataset: dataset, embedder: embedder)
        let (candidates, _) = try await evaluation.candidates(depth: depth, limitQueries: limitQueries)
        var scores: [RetrievalMode: RetrievalScores] = [:]
        for mode in modes {
            scores[mode] = evaluation.score(candidates, mode: mode, fusion: fusion, depth: depth)
        }
        return scores
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) * 1e-18
    }
}
