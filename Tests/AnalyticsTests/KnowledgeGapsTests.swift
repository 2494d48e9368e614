import Foundation
import Testing
@testable import Analytics

@Suite struct KnowledgeGapsTests {
    static let d = 16

    /// A unit vector along axis `topic` plus noise of about `noise` norm in the axes after the first four, so
    /// questions of one topic have cosine ≈ 1 / (1 + noise²) with each other and ≈ 0 across topics.
    static func vector(topic: Int, noise: Double, data: inout TestPoints) -> [Float] {
        var v = [Double](repeating: 0, count: d)
        v[topic] = 1
        for t in 4..<d { v[t] = data.noise(noise / 1.2) }   // 12 axes × (0.58 · noise / 1.2)² ≈ noise²
        let norm = sqrt(v.reduce(0) { $0 + $1 * $1 })
        return v.map { Float($0 / norm) }
    }

    static func axis(_ topic: Int) -> [Float] {
        (0..<d).map { $0 == topic ? 1 : 0 }
    }

    @Test func separatesTopicsCollapsesDuplicatesAndSortsByCount() throws {
        var data = TestPoints(seed: 21)
        var questions: [String] = []
        var vectors: [[Float]] = []
        func ask(_ text: String, _ vector: [Float]) { questions.append(text); vectors.append(vector) }

        // Insurance: 6 distinct questions, one of them asked three times (twice in other words' case and
        // punctuation, once with an embedding almost identical), and the one on the topic's axis.
        ask("Do you take Delta Dental?", Self.axis(0))
        for i in 0..<5 { ask("insurance question \(i)", Self.vector(topic: 0, noise: 0.7, data: &data)) }
        ask("do you take delta dental", Self.vector(topic: 1, noise: 0.7, data: &data))   // same words: collapses
        var near = Self.axis(0); near[5] = 0.1
        ask("Is Delta Dental accepted?", near)                                             // cosine 0.995: collapses
        // Parking: 4 distinct.
        for i in 0..<4 { ask("parking question \(i)", Self.vector(topic: 1, noise: 0.7, data: &data)) }
        // Weekend hours: 3 distinct, asked first.
        questions.insert("weekend question 0", at: 0); vectors.insert(Self.axis(2), at: 0)
        for i in 1..<3 { ask("weekend question \(i)", Self.vector(topic: 2, noise: 0.7, data: &data)) }

        let topics = KnowledgeGaps.topics(questions: questions, vectors: vectors)
        try #require(topics.count == 3)
        #expect(topics.map(\.count) == [8, 4, 3])
        #expect(topics[0].representative == "Do you take Delta Dental?")
        #expect(topics[0].examples.count == 5)
        #expect(topics[0].examples.first == topics[0].representative)
        #expect(Set(topics[0].examples).count == 5)
        #expect(!topics[0].examples.contains("do you take delta dental"))
        #expect(!topics[0].examples.contains("Is Delta Dental accepted?"))
        #expect(topics[0].questionIndices == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(topics[1].questionIndices.map { questions[$0] }.allSatisfy { $0.hasPrefix("parking") })
        #expect(topics[2].representative == "weekend question 0")
        #expect(topics[2].questionIndices == [0, 13, 14])
        #expect(topics.flatMap(\.questionIndices).sorted() == Array(questions.indices))
        // Deterministic.
        #expect(KnowledgeGaps.topics(questions: questions, vectors: vectors) == topics)
    }

    @Test func manyClearTopicsAreFoundBySilhouette() throws {
        var data = TestPoints(seed: 8)
        var questions: [String] = []
        var vectors: [[Float]] = []
        for topic in 0..<4 {
            for i in 0..<(3 + 2 * topic) {
                questions.append("topic \(topic) question \(i)")
                vectors.append(Self.vector(topic: topic, noise: 0.6, data: &data))
            }
        }
        let topics = KnowledgeGaps.topics(questions: questions, vectors: vectors)
        #expect(topics.map(\.count) == [9, 7, 5, 3])
        for topic in topics {
            let prefix = topic.representative.prefix(7)
            #expect(topic.questionIndices.allSatisfy { questions[$0].hasPrefix(prefix) })
        }
        let capped = KnowledgeGaps.topics(questions: questions, vectors: vectors, maxTopics: 2)
        #expect(capped.count == 2)
        #expect(capped.map(\.count).reduce(0, +) <= questions.count)
    }

    @Test func oneTopicWhenEverythingIsClose() {
        var data = TestPoints(seed: 3)
        let vectors = (0..<10).map { _ in Self.vector(topic: 0, noise: 0.3, data: &data) }
        let topics = KnowledgeGaps.topics(questions: (0..<10).map { "q\($0)" }, vectors: vectors)
        #expect(topics.count == 1)
        #expect(topics[0].count == 10 && topics[0].examples.count == 5)
    }

    @Test func fewQuestionsJoinOnlyWhenSimilar() {
        let topics = KnowledgeGaps.topics(
            questions: ["Do you do gas?", "do you do GAS", "Are you open Sunday?", "Do you fix boilers?"],
            vectors: [Self.axis(0), Self.axis(3), Self.axis(1), Self.axis(2)])
        #expect(topics.map(\.count) == [2, 1, 1])
        #expect(topics[0].examples == ["Do you do gas?"])
        #expect(topics.map(\.representative) == ["Do you do gas?", "Are you open Sunday?", "Do you fix boilers?"])
    }

    @Test func unnormalisedInputAndEmptyInput() {
        #expect(KnowledgeGaps.topics(questions: [], vectors: []).isEmpty)
        let topics = KnowledgeGaps.topics(questions: ["a b", "c d"], vectors: [[3, 0], [0, 5]])
        #expect(topics.map(\.count) == [1, 1])
        let same = KnowledgeGaps.topics(questions: ["a b", "c d"], vectors: [[3, 0], [6, 0.1]])
        #expect(same.map(\.count) == [2])
    }
}
