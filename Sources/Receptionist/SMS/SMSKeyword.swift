/// The carrier-standard keywords of an inbound text. Only a message that is exactly one keyword counts
/// (case-insensitive, surrounding whitespace and punctuation ignored): "Stop." opts out, "STOP please" is an
/// ordinary message.
public enum SMSKeyword: String, Sendable, Equatable, CaseIterable {
    /// STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT: no more texts to this sender.
    case optOut
    /// START, YES, UNSTOP: texts may resume.
    case optIn
    /// HELP, INFO: who is texting and how to stop.
    case help

    public static let optOutWords: Set<String> = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"]
    public static let optInWords: Set<String> = ["START", "YES", "UNSTOP"]
    public static let helpWords: Set<String> = ["HELP", "INFO"]

    /// The keyword `body` is, or nil for an ordinary message.
    public static func classify(_ body: String) -> SMSKeyword? {
        let word = body.unicodeScalars
            .drop { !isWordCharacter($0) }
            .reversed().drop { !isWordCharacter($0) }.reversed()
        let text = String(String.UnicodeScalarView(word)).uppercased()
        guard !text.isEmpty, text.unicodeScalars.allSatisfy(isWordCharacter) else { return nil }
        if optOutWords.contains(text) { return .optOut }
        if optInWords.contains(text) { return .optIn }
        if helpWords.contains(text) { return .help }
        return nil
    }

    private static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }
}
