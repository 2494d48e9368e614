import Foundation

/// The sentiment of one piece of text, with what drove it.
public struct SentimentScore: Sendable, Hashable {
    /// From −1 (very negative) through 0 (neutral or no evidence) to +1 (very positive).
    public var score: Double
    /// `score` put through the neutral band the scorer was tuned with.
    public var label: SentimentLabel
    /// What moved the score, largest |contribution| first. Contributions are in score units and add up to
    /// `score` (up to the clamp to [−1, 1]), so the list is an exact account, not a decoration.
    public var drivers: [SentimentDriver]

    public init(score: Double, label: SentimentLabel, drivers: [SentimentDriver]) {
        self.score = score
        self.label = label
        self.drivers = drivers
    }
}

/// One reason for a score: a word or phrase from the lexicon, a training sentence of the embedding model, or the
/// model's intercept.
public struct SentimentDriver: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        /// A lexicon word or phrase as it appeared in the text (`"not good"`, `"REALLY useless"`).
        case lexicon
        /// A sentence of the embedding model's training data, with its label and its cosine similarity to
        /// the text: the model's score is exactly a sum of one such term per training sentence.
        case trainingSentence(label: SentimentLabel, similarity: Double)
        /// The training sentences of one label too small to list one by one, summed.
        case trainingGroup(label: SentimentLabel, count: Int)
        /// The embedding model's intercept: the mean training target.
        case modelBaseline
        /// Exclamation marks, which strengthen whatever the words already say.
        case punctuation
    }

    /// The word, phrase or sentence.
    public var text: String
    /// Signed share of the final score.
    public var contribution: Double
    public var source: Source
    /// How the lexicon rules changed the word's base value, e.g. `["negated by \"not\"", "after \"but\" ×1.5"]`.
    public var rules: [String]

    public init(text: String, contribution: Double, source: Source, rules: [String] = []) {
        self.text = text
        self.contribution = contribution
        self.source = source
        self.rules = rules
    }
}

extension SentimentDriver: CustomStringConvertible {
    public var description: String {
        let sign = contribution >= 0 ? "+" : ""
        var line = "\(sign)\(String(format: "%.3f", contribution)) \"\(text)\""
        switch source {
        case .lexicon: break
        case .trainingSentence(let label, let similarity):
            line += " (training sentence, \(label.rawValue), cos \(String(format: "%.2f", similarity)))"
        case .trainingGroup(let label, let count): line += " (\(count) more \(label.rawValue) training sentences)"
        case .modelBaseline: line += " (model baseline)"
        case .punctuation: line += " (punctuation)"
        }
        if !rules.isEmpty { line += " [" + rules.joined(separator: "; ") + "]" }
        return line
    }
}
