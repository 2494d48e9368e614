import Foundation

/// Negation scope shared by the emergency detector, the intent classifier and the severity reader:
/// "there's no gas smell", "I don't smell gas" and "not flooding anymore" must not read as their phrase.
enum Negation {
    /// Words that negate what follows them within the scope (contractions are already expanded: "don't" → "do not").
    static let negators: Set<String> = [
        "no", "not", "never", "without", "nothing", "none", "neither", "nor", "nobody", "hardly", "barely",
    ]

    /// Words that open a new clause: after them an earlier negator no longer applies ("not sure, I smell gas"),
    /// and a "no" directly before them is an answer, not a determiner ("no I smell gas" vs "no gas smell").
    static let clauseOpeners: Set<String> = [
        "i", "we", "you", "he", "she", "they", "it", "there", "that", "this", "my", "our", "the", "but",
        "although", "though", "however", "because", "so", "and", "yes", "yeah", "actually", "thanks", "thank",
        "sorry", "please", "wait", "well", "um", "uh", "its", "is", "was", "just", "no", "nope",
    ]

    /// How many words before a phrase a negator still reaches ("no [sparks]", "not [really] [flooding]").
    static let scope = 3

    /// Whether the words in `range` of `text` are negated by a negator at most ``scope`` words before them,
    /// within the same clause.
    static func isNegated(_ range: Range<Int>, in text: SpokenText) -> Bool {
        let words = text.words
        var index = range.lowerBound
        var distance = 0
        while index > 0 && distance < scope {
            if text.isClauseBreak(before: index) { return false }
            index -= 1
            distance += 1
            let word = words[index]
            if word == "no" {
                // "no" negates only as a determiner: "no sparks", not "no I smell gas" nor "no no it's flooding",
                // nor the exclamation "oh no now water is gushing".
                if index > 0, words[index - 1] == "oh", !text.isClauseBreak(before: index) { return false }
                let next = words[index + 1]
                if index + 1 == range.lowerBound { return true }
                return !clauseOpeners.contains(next) && !text.isClauseBreak(before: index + 1)
            }
            if negators.contains(word) { return true }
            if clauseOpeners.contains(word) && word != "the" && word != "is" && word != "my" && word != "its" {
                return false
            }
        }
        return false
    }
}
