import CBLAS
import Foundation

/// Questions with near-duplicates collapsed: the first of each group stands for it (text and unit vector), and
/// remembers every input position it stands for. See ``KnowledgeGaps``.
struct DistinctQuestions {
    /// Text of each distinct question (its first occurrence, whitespace tidied).
    var texts: [String] = []
    /// Unit vectors, row-major (count × dimension).
    var vectors: [Float] = []
    /// Input positions each distinct question stands for, ascending.
    var members: [[Int]] = []

    var count: Int { texts.count }

    init(questions: [String], vectors input: [[Float]], dimension d: Int, duplicateSimilarity: Float) {
        // Same words first: a dictionary, no vectors needed.
        var byWords: [String: Int] = [:]
        var candidates: [Int] = []   // first occurrence of each wording
        var wordingMembers: [Int: [Int]] = [:]
        for (index, question) in questions.enumerated() {
            let key = Self.wordKey(question)
            if let first = byWords[key] { wordingMembers[first]!.append(index); continue }
            byWords[key] = index
            candidates.append(index)
            wordingMembers[index] = [index]
        }
        // Then by meaning: each candidate joins the first kept question within `duplicateSimilarity`, checked
        // a block at a time with one sgemm against everything kept before the block.
        let block = 256
        var start = 0
        while start < candidates.count {
            let slice = candidates[start ..< min(start + block, candidates.count)]
            let rows = slice.flatMap { Self.unit(input[$0]) }
            let keptBefore = count
            // similarities (rows × keptBefore) = rows (rows × d) · keptᵀ (d × keptBefore)
            var similarities = [Float](repeating: 0, count: slice.count * max(keptBefore, 1))
            if keptBefore > 0 {
                rows.withUnsafeBufferPointer { a in
                    vectors.withUnsafeBufferPointer { b in
                        similarities.withUnsafeMutableBufferPointer { c in
                            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(slice.count), Int32(keptBefore),
                                        Int32(d), 1, a.baseAddress, Int32(d), b.baseAddress, Int32(d), 0,
                                        c.baseAddress, Int32(keptBefore))
                        }
                    }
                }
            }
            for (r, candidate) in slice.enumerated() {
                let row = rows[r * d ..< (r + 1) * d]
                var home = (0..<keptBefore).first { similarities[r * keptBefore + $0] >= duplicateSimilarity }
                if home == nil {
                    home = (keptBefore..<count).first { kept in
                        KnowledgeGaps.dot(row, vectors[kept * d ..< (kept + 1) * d]) >= duplicateSimilarity
                    }
                }
                if let home {
                    members[home].append(contentsOf: wordingMembers[candidate]!)
                } else {
                    texts.append(questions[candidate].split(whereSeparator: \.isWhitespace).joined(separator: " "))
                    vectors.append(contentsOf: row)
                    members.append(wordingMembers[candidate]!)
                }
            }
            start += block
        }
        for i in members.indices { members[i].sort() }
    }

    /// Lowercased letters and digits, words separated by one space: "Do you  take Visa?" → "do you take visa".
    static func wordKey(_ question: String) -> String {
        question.lowercased().unicodeScalars
            .split { !CharacterSet.alphanumerics.contains($0) }
            .map { String(String.UnicodeScalarView($0)) }
            .joined(separator: " ")
    }

    static func unit(_ vector: [Float]) -> [Float] {
        let norm = sqrt(vector.reduce(0) { $0 + $1 * $1 })
        return norm > 0 ? vector.map { $0 / norm } : vector
    }
}
