import Analytics
import Foundation

/// What callers asked that the knowledge base could not answer well: the questions the receptionist declined or
/// answered with low confidence, clustered by meaning (`KnowledgeGaps`, k-means on their MiniLM vectors).
struct KnowledgeGapReport: Sendable {
    let analytics: any AnalyticsRepository
    let embedder: EmbeddingQueue
    let businessId: String
    let range: AnalyticsRange
    /// Answers whose similarity was below this count as weak.
    let lowConfidence: Double

    /// Most recent questions considered.
    static let maxQuestions = 2_000

    func questions() async throws -> [GapQuestion] {
        try await analytics.gapQuestions(businessId: businessId, from: range.from, to: range.to,
                                         lowConfidence: lowConfidence, limit: Self.maxQuestions)
    }

    struct Topic: Encodable {
        let count: Int
        let representative: String
        let examples: [String]
        /// How many of the topic's questions were declined outright (the rest were answered with low confidence).
        let declined: Int
    }

    struct Report: Encodable {
        let from: Date
        let to: Date
        let questionsConsidered: Int
        let topics: [Topic]
    }

    func report(maxTopics: Int) async throws -> Report {
        let questions = try await questions()
        guard !questions.isEmpty else {
            return Report(from: range.from, to: range.to, questionsConsidered: 0, topics: [])
        }
        let vectors = try await embedder.embed(questions.map(\.text))
        let topics = KnowledgeGaps.topics(questions: questions.map(\.text), vectors: vectors, maxTopics: maxTopics)
        return Report(from: range.from, to: range.to, questionsConsidered: questions.count, topics: topics.map { topic in
            Topic(count: topic.count, representative: topic.representative, examples: topic.examples,
                  declined: topic.questionIndices.filter { questions[$0].declined }.count)
        })
    }
}
