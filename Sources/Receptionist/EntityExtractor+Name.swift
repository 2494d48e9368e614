import Foundation

extension EntityExtractor {
    /// A person's name given in phrases like "my name is …", "this is …", "it's … calling", "name's …", "call me …";
    /// capitalised ("jon smith" → "Jon Smith"), at most 4 words, filler removed; nil when none.
    ///
    /// "My name is" wins over the weaker "this is", "I'm", "call me" (which need a word that is not a common
    /// English word: "this is urgent", "I'm calling about", "call me back" are no names), and a later statement wins
    /// over an earlier one, because callers correct themselves ("this is sara — no, my name is sarah with an h").
    /// A spelling after the name is dropped ("jon j o n" → "Jon"); three or more spelled letters become the name
    /// ("my name is j o n" → "Jon"). Hyphenated names come back as two words ("mary-jane" → "Mary Jane").
    public static func name(in text: String) -> String? {
        let spoken = SpokenText(text)
        var strong: (start: Int, name: String)?
        var weak: (start: Int, name: String)?
        for trigger in nameTriggers {
            for range in trigger.pattern.matches(in: spoken) {
                guard let (name, end) = nameWords(after: range.upperBound, in: spoken, strict: !trigger.strong) else {
                    continue
                }
                if let follower = trigger.follower {
                    guard end < spoken.words.count, follower.contains(spoken.words[end]) else { continue }
                }
                // The latest statement wins, whatever the order of the trigger table.
                if trigger.strong {
                    if range.lowerBound >= (strong?.start ?? -1) { strong = (range.lowerBound, name) }
                } else if range.lowerBound >= (weak?.start ?? -1) {
                    weak = (range.lowerBound, name)
                }
            }
        }
        return (strong ?? weak)?.name
    }

    struct NameTrigger: Sendable {
        var pattern: PhrasePattern
        /// A strong trigger introduces a name for sure; a weak one only when the word is not common English.
        var strong: Bool
        /// A word that must follow the name ("it's sarah calling").
        var follower: Set<String>? = nil
    }

    static let nameTriggers: [NameTrigger] = [
        NameTrigger(pattern: PhrasePattern("name is|was"), strong: true),
        NameTrigger(pattern: PhrasePattern("you|they|people|everyone can? call me"), strong: false),
        NameTrigger(pattern: PhrasePattern("this is"), strong: false),
        NameTrigger(pattern: PhrasePattern("call me"), strong: false),
        NameTrigger(pattern: PhrasePattern("i am"), strong: false),
        NameTrigger(pattern: PhrasePattern("it is"), strong: false, follower: ["calling", "here", "speaking"]),
    ]

    /// Up to four name words from `start`, capitalised, and the index after them; nil when there are none.
    static func nameWords(after start: Int, in text: SpokenText, strict: Bool) -> (String, Int)? {
        let words = text.words
        var i = start
        while i < words.count, nameFillers.contains(words[i]) { i += 1 }
        if strict, i < words.count, !looksLikeName(words[i]) { return nil }
        var taken: [String] = []
        while i < words.count, taken.count < 8 {
            let word = words[i]
            if i > start, text.isClauseBreak(before: i), !taken.isEmpty { break }
            if nameStopWords.contains(word) || word.contains(where: \.isNumber) || SpokenText.isNumberWord(word) { break }
            taken.append(word)
            i += 1
        }
        let name = collapsingSpelling(taken).prefix(4)
        guard !name.isEmpty else { return nil }
        return (name.map(capitalisedName).joined(separator: " "), i)
    }

    /// "jon j o n" → ["jon"]; "j o n smith" → ["jon", "smith"]; "a j smith" → ["a", "j", "smith"].
    static func collapsingSpelling(_ words: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < words.count {
            var j = i
            while j < words.count, words[j].count == 1 { j += 1 }
            if j - i >= 2 {
                let spelled = words[i..<j].joined()
                if out.last == spelled {
                    // The caller spelled the word they just said.
                } else if j - i >= 3 {
                    out.append(spelled)
                } else {
                    out.append(contentsOf: words[i..<j])
                }
                i = j
            } else {
                out.append(words[i])
                i += 1
            }
        }
        return out
    }

    /// "o'brien" → "O'Brien", "smith" → "Smith", "mary's" → "Mary's".
    static func capitalisedName(_ word: String) -> String {
        word.split(separator: "'", omittingEmptySubsequences: false)
            .enumerated()
            .map { index, part in index > 0 && part.count < 2 ? String(part) : part.prefix(1).uppercased() + part.dropFirst() }
            .joined(separator: "'")
    }

    /// Whether a word after a weak trigger can start a name: not common English, not a verb form.
    static func looksLikeName(_ word: String) -> Bool {
        if nameStopWords.contains(word) || commonWords.contains(word) { return false }
        if word.count > 4 && (word.hasSuffix("ing") || word.hasSuffix("ly")) { return false }
        return word.allSatisfy { $0.isLetter || $0 == "'" }
    }

    static let nameFillers: Set<String> = ["um", "uh", "er", "erm", "ah", "uhm", "like", "actually", "just"]

    /// Words that end a name.
    static let nameStopWords: Set<String> = [
        "and", "or", "but", "so", "calling", "speaking", "here", "from", "with", "at", "about", "regarding", "on",
        "in", "of", "for", "to", "by", "my", "i", "me", "you", "your", "we", "our", "it", "is", "am", "are", "was",
        "the", "a", "an", "this", "that", "who", "please", "thanks", "thank", "phone", "number", "again", "also",
        "because", "yes", "yeah", "no", "not", "okay", "ok", "sorry", "hi", "hello", "hey", "back", "today",
        "tomorrow", "tonight", "now", "spelled", "spelt", "as", "if", "when", "then", "there", "um", "uh", "er",
        "over", "via", "wait", "hold", "can", "could", "would", "will", "do", "have", "has", "had",
    ]

    /// Common words that follow "this is", "I'm", "call me" and are not names.
    static let commonWords: Set<String> = [
        "urgent", "important", "ridiculous", "terrible", "awful", "great", "good", "fine", "bad", "really", "very",
        "quite", "so", "just", "still", "only", "new", "not", "sure", "unsure", "afraid", "sorry", "worried",
        "interested", "concerned", "frustrated", "stuck", "locked", "flooded", "home", "away", "out", "free",
        "available", "busy", "going", "gonna", "trying", "looking", "wondering", "hoping", "having", "getting",
        "asap", "anytime", "whenever", "later", "soon", "first", "second", "third", "last", "next", "right",
        "wrong", "correct", "done", "finished", "ready", "calling", "phoning", "ringing", "after", "before",
        "any", "some", "all", "both", "every", "each", "another", "other", "what", "how", "why", "where", "when",
        "urgently", "about", "regarding", "concerning", "re", "maybe", "probably", "also", "too", "directly",
        "instead", "sometime", "tenant", "landlord", "owner", "customer", "client", "patient", "neighbour",
        "neighbor", "mum", "mom", "dad", "wife", "husband", "son", "daughter", "friend", "emergency", "leak",
        "it", "one", "someone", "somebody", "anyone", "ok", "okay", "alright", "happy", "glad", "pleased", "tired",
        "annoyed", "scared", "confused", "calm", "back", "today", "tomorrow", "tonight", "in", "at", "on", "with",
        "ever", "never", "already", "again", "definitely", "absolutely", "probably", "pretty", "kind", "sort",
        "supposed", "meant", "told", "booked", "having", "moving", "renting", "selling", "buying", "called",
    ]
}
