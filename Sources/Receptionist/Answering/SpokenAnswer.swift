/// Which knowledge a spoken answer came from, for the call log and the dashboard.
public struct Citation: Sendable, Equatable, Codable {
    public var entryId: String
    public var chunkId: Int64
    /// The passage's fused retrieval score.
    public var score: Double
    /// The passage's cosine similarity to the question, nil if dense retrieval did not rank it.
    public var similarity: Double?

    public init(entryId: String, chunkId: Int64, score: Double, similarity: Double?) {
        self.entryId = entryId
        self.chunkId = chunkId
        self.score = score
        self.similarity = similarity
    }

    /// The citation of `passage`.
    public init(_ passage: Passage) {
        self.init(entryId: passage.entryId, chunkId: passage.chunkId, score: passage.score,
                  similarity: passage.similarity)
    }
}

/// An answer to a caller's question, ready for `<Say>`.
public struct SpokenAnswer: Sendable, Equatable, Codable {
    /// What to say: a sentence or two of plain text, every word taken from the cited passages.
    public var text: String
    /// The passages the text was taken from (normally one).
    public var citations: [Citation]
    /// The similarity of the passage used to the question (see ``AnswerComposer/compose(question:passages:threshold:maxSentences:maxWords:)``).
    public var confidence: Double

    public init(text: String, citations: [Citation], confidence: Double) {
        self.text = text
        self.citations = citations
        self.confidence = confidence
    }
}
