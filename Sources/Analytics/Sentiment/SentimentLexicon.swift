/// A hand-written sentiment lexicon with the rules that read it: negation scope, intensifiers and dampeners,
/// contrast ("but" shifts weight to the clause after it), ALL CAPS and exclamation marks.
///
/// Values run from −3 to +3 per word or phrase. The word lists are our own (see `SentimentLexicon+Words.swift`),
/// aimed at what callers say to a small business — thanks, complaints, waiting, things still broken — with
/// the everyday review vocabulary alongside.
public struct SentimentLexicon: Sendable {
    /// Base values of words and phrases, keyed by lower-case words joined by single spaces, apostrophes
    /// dropped (`"dont"`, `"still not working"`).
    public let valences: [String: Double]
    /// Words that flip (and soften) a value up to so many words after them, in the same clause.
    public let negators: [String: Int]
    /// Multipliers > 1 for the word or phrase right after (`"very"`: 1.3). Keys may be phrases.
    public let intensifiers: [String: Double]
    /// Multipliers < 1 for the word or phrase right after (`"a bit"`: 0.6). Keys may be phrases.
    public let dampeners: [String: Double]
    /// Words that turn a sentence: what comes before is worth `beforeContrast`, what follows `afterContrast`.
    public let contrastWords: Set<String>

    /// What a negated value is multiplied by: "not good" is clearly less than "bad", "not bad" mildly good.
    public var negationFactor = -0.6
    public var beforeContrast = 0.5
    public var afterContrast = 1.5
    /// When nothing after the contrast word scores, what came before it is turned round: callers praise first
    /// and then say what is wrong in words no lexicon holds ("the plumber was nice but the leak is back").
    public var unansweredContrast = -0.3
    /// A word in capitals inside mixed-case text is shouted.
    public var capsFactor = 1.5
    /// Added to |raw sum| per "!" (at most `maxExclamations` counted).
    public var exclamationBoost = 0.3
    public var maxExclamations = 3
    /// Raw sums s map to s / √(s² + α): one "good" (2) is ≈ 0.63, "really good" ≈ 0.73, two strong words ≈ 0.9.
    public var normalisation = 6.0
    /// Scores strictly inside (−band, +band) are neutral. Tuned on corpora/sentiment/train.jsonl.
    public var neutralBand = 0.3

    public init(valences: [String: Double], negators: [String: Int], intensifiers: [String: Double],
                dampeners: [String: Double], contrastWords: Set<String>) {
        self.valences = valences
        self.negators = negators
        self.intensifiers = intensifiers
        self.dampeners = dampeners
        self.contrastWords = contrastWords
        longestPhrase = (Array(valences.keys) + Array(intensifiers.keys) + Array(dampeners.keys))
            .map { $0.split(separator: " ").count }.max() ?? 1
        longestNegation = negators.values.max() ?? 0
    }

    /// The longest phrase among values, intensifiers and dampeners, in words.
    let longestPhrase: Int
    /// The farthest any negator reaches, in words.
    let longestNegation: Int
}
