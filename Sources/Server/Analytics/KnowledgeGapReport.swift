import Analytics
import Foundation
import GRDB

/// What callers asked that the knowledge base could not answer well: the questions the receptionist declined or
/// answered with low confidence, clustered by meaning (`KnowledgeGaps`, k-means on their MiniLM vectors).
struct KnowledgeGapReport: Sendable {
    let database: AppDatabase
    let embedder: EmbeddingQueue
    let businessId: String
    let range: AnalyticsRange
    /// Answers whose similarity was below this count as weak.
    let lowConfidence: Double

    /// Most recent questions considered.
    static let maxQuestions = 2_000

    struct Question: Sendable { var text: String; var declined: Bool }

    func questions() async throws -> [Question] {
        try await database.dbPool.read { [businessId, range, lowConfidence] db in
            try Row.fetchAll(db, sql: """
                SELECT q.text, r.declined FROM call_turns r
                JOIN calls c ON c.sid = r.call_sid
                JOIN call_turns q ON q.call_sid = r.call_sid AND q.seq = r.seq - 1 AND q.speaker = 'caller'
                WHERE c.business_id = ? AND c.started_at >= ? AND c.started_at < ? AND r.speaker = 'receptionist'
                  AND (r.declined = 1 OR (r.citations IS NOT NULL AND r.answer_confidence < ?))
                ORDER BY c.started_at DESC, r.seq DESC
                LIMIT ?
                """, arguments: [businessId, range.from, range.to, lowConfidence, Self.maxQuestions])
                .map { Question(text: $0["text"], declined: $0["declined"]) }
        }
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
