import CBLAS
import Foundation

/// Groups the questions the receptionist declined or answered with low confidence into topics an owner can fix
/// by adding knowledge: "12 callers asked about insurance plans — e.g. …".
///
/// 1. **Near-duplicates collapse** first: questions with the same words (case and punctuation aside), or whose
///    embeddings have cosine ≥ ``duplicateSimilarity``, become one distinct question that counts all of them.
///    Clustering runs on distinct questions, so one question asked fifty times cannot split the others.
/// 2. **How many topics**: k-means (``KMeans``, seeded, ``restarts`` each) for k = 2…min(``maxTopics``, u/2)
///    over the u distinct questions, keeping the k with the highest mean silhouette (Euclidean on the unit
///    vectors, over up to ``silhouetteSample`` evenly spaced questions; ties: the smaller k). Before that, one
///    topic when every distinct question is within cosine ``singleTopicSimilarity`` of their mean direction
///    (silhouette cannot say "one"); with fewer than four distinct questions, questions join when their cosine is
///    ≥ ``singleTopicSimilarity`` (connected components).
/// 3. Topics are sorted by count, largest first (ties: the earliest asked).
///
/// Cost: O(u² d) for the duplicate pass in the worst case, O(kmax · restarts · iterations · u · k · d) for the
/// fits, and a silhouetteSample × u distance matrix (4 bytes each): meant for up to a few thousand distinct
/// questions per report.
public struct KnowledgeGaps: Sendable {
    /// Most topics reported.
    public var maxTopics: Int
    /// Cosine at or above which two questions are the same question.
    public var duplicateSimilarity: Float
    /// Cosine to the mean direction within which all questions are one topic.
    public var singleTopicSimilarity: Float
    /// Examples per topic at most.
    public var maxExamples: Int
    /// Questions the silhouette is measured over at most.
    public var silhouetteSample: Int
    /// k-means seedings per k.
    public var restarts: Int
    public var seed: UInt64

    public init(maxTopics: Int = 10, duplicateSimilarity: Float = 0.92, singleTopicSimilarity: Float = 0.8,
                maxExamples: Int = 5, silhouetteSample: Int = 500, restarts: Int = 3, seed: UInt64 = 0x5EED) {
        precondition(maxTopics >= 1 && maxExamples >= 1 && silhouetteSample >= 2 && restarts >= 1)
        self.maxTopics = maxTopics
        self.duplicateSimilarity = duplicateSimilarity
        self.singleTopicSimilarity = singleTopicSimilarity
        self.maxExamples = maxExamples
        self.silhouetteSample = silhouetteSample
        self.restarts = restarts
        self.seed = seed
    }

    /// Topics with the default settings and at most `maxTopics` of them.
    /// - Parameters:
    ///   - questions: the callers' questions.
    ///   - vectors: their embeddings, one per question, all of one dimension (normalised here if not already).
    public static func topics(questions: [String], vectors: [[Float]], maxTopics: Int = 10) -> [GapTopic] {
        KnowledgeGaps(maxTopics: maxTopics).topics(questions: questions, vectors: vectors)
    }

    /// Topics of `questions`, largest first.
    public func topics(questions: [String], vectors: [[Float]]) -> [GapTopic] {
        precondition(questions.count == vectors.count, "one vector per question")
        guard let d = vectors.first?.count, d > 0 else { return [] }
        precondition(vectors.allSatisfy { $0.count == d }, "vectors must share one dimension")

        let groups = DistinctQuestions(questions: questions, vectors: vectors, dimension: d,
                                       duplicateSimilarity: duplicateSimilarity)
        let u = groups.count
        let clusters = assign(groups, dimension: d)   // cluster per distinct question
        let clusterCount = (clusters.max() ?? -1) + 1

        var topics: [(topic: GapTopic, first: Int)] = []
        for cluster in 0..<clusterCount {
            let members = (0..<u).filter { clusters[$0] == cluster }
            guard !members.isEmpty else { continue }
            // centroid (d) = mean of the members' unit vectors
            var centroid = [Float](repeating: 0, count: d)
            for m in members { for t in 0..<d { centroid[t] += groups.vectors[m * d + t] } }
            let closeness: [(member: Int, similarity: Float)] = members.map { m in
                (m, Self.dot(groups.vectors[m * d ..< (m + 1) * d], centroid[...]))
            }
            let byCloseness = closeness.sorted {
                $0.similarity > $1.similarity || ($0.similarity == $1.similarity && $0.member < $1.member)
            }.map(\.member)
            let indices = members.flatMap { groups.members[$0] }.sorted()
            let examples = byCloseness.prefix(maxExamples).map { groups.texts[$0] }
            topics.append((GapTopic(count: indices.count, representative: examples[0], examples: examples,
                                    questionIndices: indices), indices[0]))
        }
        return topics.sorted { $0.topic.count > $1.topic.count || ($0.topic.count == $1.topic.count && $0.first < $1.first) }
            .prefix(maxTopics).map(\.topic)
    }

    /// The cluster of each distinct question.
    func assign(_ groups: DistinctQuestions, dimension d: Int) -> [Int] {
        let u = groups.count
        if u == 1 || maxTopics == 1 || isOneTopic(groups.vectors, count: u, dimension: d) {
            return [Int](repeating: 0, count: u)
        }
        if u < 4 { return components(groups.vectors, count: u, dimension: d) }
        let sample = Silhouette(vectors: groups.vectors, count: u, dimension: d, sampleSize: silhouetteSample)
        var best: (score: Double, assignments: [Int])?
        for k in 2...max(2, min(maxTopics, u / 2)) {
            let fit = KMeans(clusters: k, restarts: restarts, seed: seed).fit(groups.vectors, dimension: d)
            let score = sample.mean(assignments: fit.assignments, clusterCount: fit.clusterCount)
            if best == nil || score > best!.score { best = (score, fit.assignments) }
        }
        return best!.assignments
    }

    /// Whether every vector is within ``singleTopicSimilarity`` of the normalised mean.
    func isOneTopic(_ vectors: [Float], count u: Int, dimension d: Int) -> Bool {
        var mean = [Float](repeating: 0, count: d)
        for i in 0..<u { for t in 0..<d { mean[t] += vectors[i * d + t] } }
        let norm = sqrt(mean.reduce(0) { $0 + $1 * $1 })
        guard norm > 0 else { return false }
        return (0..<u).allSatisfy { i in
            Self.dot(vectors[i * d ..< (i + 1) * d], mean[...]) / norm >= singleTopicSimilarity
        }
    }

    /// Connected components of "cosine ≥ singleTopicSimilarity", numbered by first member.
    func components(_ vectors: [Float], count u: Int, dimension d: Int) -> [Int] {
        var labels = [Int](repeating: -1, count: u)
        var next = 0
        for start in 0..<u where labels[start] < 0 {
            labels[start] = next
            var stack = [start]
            while let i = stack.popLast() {
                for j in 0..<u where labels[j] < 0 {
                    let cosine = Self.dot(vectors[i * d ..< (i + 1) * d], vectors[j * d ..< (j + 1) * d])
                    if cosine >= singleTopicSimilarity { labels[j] = next; stack.append(j) }
                }
            }
            next += 1
        }
        return labels
    }

    static func dot(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Float {
        var sum: Float = 0
        for (x, y) in zip(a, b) { sum += x * y }
        return sum
    }
}
