import Foundation

extension CallSummarizer {
    /// Leading words that carry nothing about why someone called.
    static let fillers: Set<String> = [
        "hi", "hello", "hey", "hiya", "um", "umm", "uh", "uhm", "er", "erm", "ah", "oh", "so", "yeah", "yes", "yep",
        "well", "okay", "ok", "and", "morning", "afternoon", "evening", "good", "right",
    ]
    /// First words that make an unpunctuated utterance a question (speech recognition often drops the "?").
    static let interrogatives: Set<String> = [
        "what", "what's", "when", "where", "who", "whom", "whose", "why", "how", "which", "do", "does", "did", "is",
        "are", "was", "can", "could", "will", "would", "should", "may", "have", "has",
    ]
    /// "there" is a filler only after one of these ("hi there"), never on its own ("there is a leak").
    static let greetings: Set<String> = ["hi", "hello", "hey", "hiya"]
    /// Whole utterances that answer the receptionist rather than ask for anything.
    static let acknowledgements: Set<String> = [
        "that's right", "that is right", "that's correct", "that's all", "that is all", "that's it", "no thanks",
        "no thank you", "nothing else thanks", "nothing else thank you", "thank you bye", "thanks bye",
        "thank you goodbye", "okay thank you", "thank you very much", "no that's all", "that's all thanks",
    ]

    /// The caller's words tidied for an owner to read: whitespace collapsed, leading greetings and fillers
    /// ("hi there, um, so") and a trailing "thanks"/"thank you" dropped, first letter capitalised, and a full
    /// stop added when the words end without punctuation (a question mark when they start like a question:
    /// "do you…", "what…"). Words themselves are never changed.
    public static func clean(_ text: String) -> String {
        var tokens = text.split(whereSeparator: \.isWhitespace).map(String.init)
        var previous = ""
        while let first = tokens.first.map(normalised),
              fillers.contains(first) || (first == "there" && greetings.contains(previous)) {
            tokens.removeFirst()
            previous = first
        }
        let tail = tokens.map(normalised)
        if tokens.count > 3, tail.suffix(2) == ["thank", "you"] {
            tokens.removeLast(2)
        } else if tokens.count > 2, let last = tail.last, last == "thanks" || last == "cheers" {
            tokens.removeLast()
        }
        var result = tokens.joined(separator: " ")
            .trimmingCharacters(in: CharacterSet(charactersIn: ",;:-– ").union(.whitespaces))
        guard let first = result.first else { return "" }
        result = first.uppercased() + result.dropFirst()
        if let last = result.last, !".?!…".contains(last) {
            result.append(interrogatives.contains(normalised(tokens[0])) ? "?" : ".")
        }
        return result
    }

    /// Lowercased words with surrounding punctuation removed ("Hi," → "hi"; "that's" kept).
    static func words(_ text: String) -> [String] {
        text.split(whereSeparator: \.isWhitespace).map(normalised).filter { !$0.isEmpty }
    }

    static func normalised(_ word: some StringProtocol) -> String {
        word.lowercased().replacingOccurrences(of: "’", with: "'")
            .trimmingCharacters(in: CharacterSet.punctuationCharacters.subtracting(CharacterSet(charactersIn: "'")))
    }
}
