import Foundation

/// A sentence with its gold sentiment, as in `corpora/sentiment/*.jsonl` and evaluation files.
public struct LabelledSentence: Sendable, Hashable, Codable {
    public var text: String
    public var label: SentimentLabel

    public init(text: String, label: SentimentLabel) {
        self.text = text
        self.label = label
    }

    public struct ParseError: Error, CustomStringConvertible, Equatable {
        /// 1-based line number.
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// Reads JSON Lines of `{"text": ..., "label": "positive" | "neutral" | "negative"}`; other fields are
    /// ignored, blank lines skipped.
    public static func parseJSONLines(_ contents: String) throws -> [LabelledSentence] {
        var sentences: [LabelledSentence] = []
        for (index, line) in contents.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] else {
                throw ParseError(line: index + 1, message: "not a JSON object")
            }
            guard let text = object["text"] as? String else {
                throw ParseError(line: index + 1, message: "missing string \"text\"")
            }
            guard let name = object["label"] as? String, let label = SentimentLabel(rawValue: name.lowercased()) else {
                throw ParseError(line: index + 1, message: "\"label\" must be positive, neutral or negative")
            }
            sentences.append(LabelledSentence(text: text, label: label))
        }
        return sentences
    }
}

/// A labelled sentence with its sentence embedding (L2-normalised, as `TextEmbedder` returns them).
public struct EmbeddedSentence: Sendable, Hashable {
    public var sentence: LabelledSentence
    public var vector: [Float]

    public init(_ sentence: LabelledSentence, vector: [Float]) {
        self.sentence = sentence
        self.vector = vector
    }
}
