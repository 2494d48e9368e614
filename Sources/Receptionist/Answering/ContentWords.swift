/// The words of a text that say what it is about, reduced to comparable stems.
enum ContentWords {
    /// Lower-cased words (letters and digits; apostrophes removed, so "don't" is "dont"), stop words removed,
    /// lightly stemmed (see ``stem(_:)``), in text order.
    /// Words about price meet too: "price", "fee", "charge", "cheap", "expensive" stem to "cost", and "cost"
    /// is added for a currency amount ("$95", "£1,250") and for "how much", because callers ask "how much
    /// is…" of text that states "…costs £95".
    static func stems(_ text: String) -> [String] {
        var stems = words(text).filter { !stopWords.contains($0) }.map { stem($0) }.map { synonyms[$0] ?? $0 }
        if text.contains(currencyAmount) || text.lowercased().contains("how much") { stems.append("cost") }
        return stems
    }

    static let synonyms: [String: String] = [
        "pric": "cost", "fee": "cost", "charg": "cost", "cheap": "cost", "expensiv": "cost",
    ]
    nonisolated(unsafe) private static let currencyAmount = #/[$£€]\s?\d/#

    /// Lower-cased runs of letters and digits; apostrophes inside words are dropped.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if character == "'" || character == "’" {
                continue
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Light suffix stripping so "prices"/"price", "booking"/"booked"/"book", "closes"/"closing" meet:
    /// "ies" → "y", "sses" → "ss", a final "s" (not "ss", "us", "is"), "ing", "ed", a doubled final consonant
    /// left by those (not l, s, z), and a final "e".
    static func stem(_ word: String) -> String {
        var word = word
        guard word.count > 3, word.allSatisfy(\.isLetter) else { return word }
        if word.hasSuffix("ies"), word.count > 4 {
            word.removeLast(3)
            word += "y"
        } else if word.hasSuffix("sses") {
            word.removeLast(2)
        } else if word.hasSuffix("s"), !word.hasSuffix("ss"), !word.hasSuffix("us"), !word.hasSuffix("is") {
            word.removeLast()
        }
        var strippedVerbEnding = false
        if word.hasSuffix("ing"), word.count > 5 {
            word.removeLast(3)
            strippedVerbEnding = true
        } else if word.hasSuffix("ed"), word.count > 4 {
            word.removeLast(2)
            strippedVerbEnding = true
        }
        if strippedVerbEnding, word.count > 2 {
            let chars = Array(word)
            let last = chars[chars.count - 1]
            if last == chars[chars.count - 2], !"aeioulsz".contains(last) { word.removeLast() }
        }
        if word.hasSuffix("e"), word.count > 3 { word.removeLast() }
        return word
    }

    static let stopWords: Set<String> = [
        "a", "an", "the", "and", "or", "but", "if", "so", "of", "to", "in", "on", "at", "by", "for", "with",
        "from", "into", "about", "as", "than", "then", "also", "just", "very", "too",
        "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "doing", "done",
        "have", "has", "had", "having", "will", "would", "shall", "should", "can", "could", "may", "might",
        "must", "get", "got", "gets",
        "i", "im", "ive", "id", "me", "my", "mine", "you", "youre", "your", "yours", "we", "our", "ours", "us",
        "they", "them", "their", "it", "its", "he", "she", "him", "her", "his", "hers", "one",
        "this", "that", "these", "those", "there", "here", "what", "whats", "which", "who", "whom", "whose",
        "when", "where", "why", "how", "hows", "any", "some", "all", "no", "not", "dont", "doesnt", "didnt",
        "cant", "wont", "isnt", "arent", "please", "hi", "hello", "hey", "um", "uh", "er", "like", "okay", "ok",
        "yes", "yeah", "thanks", "thank", "guys", "much", "many", "need", "want", "know", "tell",
        "let", "out", "up", "whether", "right", "now", "currently",
    ]
}
