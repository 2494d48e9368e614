import Foundation

/// A searchable piece of a knowledge entry. Row of `knowledge_chunks`; its `text` is embedded (vector search)
/// and keyword-indexed (each business's `KeywordRetriever`).
public struct KnowledgeChunk: Codable, Sendable, Equatable, Identifiable {
    /// SQLite rowid (never reused: the table is AUTOINCREMENT); nil before insertion.
    public var id: Int64?
    public var entryId: String
    public var businessId: String
    /// Position within the entry, from 0.
    public var ordinal: Int
    /// Title-prefixed text: what is embedded and keyword-indexed.
    public var text: String
    /// The chunk's own text, shown or spoken as a snippet.
    public var body: String
    /// Float32 little-endian, dimension × 4 bytes (see `KnowledgeChunk.encodeEmbedding`).
    public var embedding: Data

    /// The embedding as floats.
    public var embeddingVector: [Float] { Self.decodeEmbedding(embedding) }
}

/// A chunk to store with its entry (`KnowledgeRepository.upsert`).
public struct KnowledgeChunkInput: Sendable, Equatable {
    public var ordinal: Int
    public var text: String
    public var body: String
    public var embedding: [Float]

    public init(ordinal: Int, text: String, body: String, embedding: [Float]) {
        self.ordinal = ordinal
        self.text = text
        self.body = body
        self.embedding = embedding
    }
}

/// A stored chunk's vector and text, for rebuilding the in-memory vector and keyword indexes at start-up.
public struct ChunkEmbedding: Sendable, Equatable {
    public var chunkId: Int64
    public var entryId: String
    public var embedding: [Float]
    /// The title-prefixed text (`KnowledgeChunk.text`), for the keyword index.
    public var text: String
    /// The entry's category, for category-filtered search.
    public var category: String?
}

/// A keyword (BM25) search result.
public struct KeywordHit: Sendable, Equatable {
    public var chunkId: Int64
    /// BM25 (FTS5's `-bm25()`): positive, higher is better.
    public var score: Double

    public init(chunkId: Int64, score: Double) {
        self.chunkId = chunkId
        self.score = score
    }
}

/// A chunk joined with its entry: what a search result needs to show.
public struct ChunkSearchDetails: Sendable, Equatable {
    public var chunkId: Int64
    public var entryId: String
    public var body: String
    public var title: String
    public var category: String?
    public var source: String?
}
