/// One retrieved knowledge chunk, as the server hands it to the receptionist.
public struct Passage: Sendable, Equatable, Codable {
    /// The knowledge entry the chunk belongs to.
    public var entryId: String
    /// The chunk's id within the knowledge store.
    public var chunkId: Int64
    /// The entry's title, e.g. `"Office hours"`.
    public var title: String
    /// The whole chunk body (may contain markdown, URLs, bullet lists, tables).
    public var text: String
    public var category: String?
    /// Fused retrieval score (rank fusion of keyword and dense search; only comparable within one result list).
    public var score: Double
    /// Cosine similarity of the chunk to the question (0…1-ish), nil if dense retrieval did not rank it.
    public var similarity: Double?

    public init(
        entryId: String, chunkId: Int64, title: String, text: String, category: String? = nil,
        score: Double, similarity: Double?
    ) {
        self.entryId = entryId
        self.chunkId = chunkId
        self.title = title
        self.text = text
        self.category = category
        self.score = score
        self.similarity = similarity
    }
}
