/// One topic the receptionist could not answer well: similar declined or low-confidence questions.
public struct GapTopic: Sendable, Equatable, Codable {
    /// Questions in the topic, near-duplicates included (how often callers asked).
    public var count: Int
    /// The distinct question nearest the topic's centroid: the topic's name.
    public var representative: String
    /// Up to ``KnowledgeGaps/maxExamples`` distinct questions, nearest the centroid first (the representative
    /// first).
    public var examples: [String]
    /// Positions of the topic's questions in the input, ascending.
    public var questionIndices: [Int]

    public init(count: Int, representative: String, examples: [String], questionIndices: [Int]) {
        self.count = count
        self.representative = representative
        self.examples = examples
        self.questionIndices = questionIndices
    }
}
