import Foundation

/// What an inbound text from a vendor or a tenant says about a job: take it, turn it down, or report it finished.
///
/// The grammar (case-insensitive; punctuation between words is ignored):
/// - **verb then code**: `YES K7Q2`, `Y K7Q2`, `YES, K7Q2!`, `yes job K7Q2`, `yes K7Q2 see you then` — any words may
///   follow the code;
/// - **code then verb**: `K7Q2 yes`, `Job K7Q2: no`;
/// - **bare verb**: `YES`, `N`, `done`, `Yes please`, `Done, thanks!` — the verb alone or with polite filler
///   (`please`, `thanks`, `sure`, …), or the verb set off by `,` `.` `!` `;` `:` or a dash and then any words
///   (`Yes, I'll be there`, `No, busy today`). A verb run straight into other words (`no hot water`, `no problem`) is not a reply: a
///   tenant's "no hot water" must never decline a job.
///
/// Verbs: accept `YES Y YEP YEAH ACCEPT`; decline `NO N NOPE DECLINE PASS`; done `DONE COMPLETE COMPLETED FINISHED
/// FIXED`. The carrier keywords STOP/START/HELP (and their synonyms) are not replies: the SMS layer handles them
/// before a text gets here (`SMSKeyword`), so `STOP K7Q2` is `.other` too. A single-word `YES` is also a carrier
/// opt-in word; it still reaches the business, and here it is a bare accept.
///
/// One reply per text: in `YES K7Q2 and M3P9` only K7Q2 is answered.
///
/// A code is 4 characters from ``codeAlphabet`` in the code position (next to the verb, optionally after `JOB`,
/// `TO`, `FOR` or `#`), upper-cased. A 4-character token with a digit but a character outside the alphabet — `K7QO`
/// (letter O), `K7Q0` (zero), `K1Q2` — is kept as typed: no open job can have it, so matching answers "no open job
/// K7QO" and lists the sender's codes rather than guessing which job was meant. Common 4-letter words that happen to
/// fit the alphabet (``wordsNeverCodes``: `SURE`, `THAT`, `THEN`, …) are never taken as codes; the ticket-code
/// generator should not issue them.
public enum DispatchReply: Equatable, Sendable {
    /// Take the job (`YES K7Q2`); the code is nil for a bare `YES`.
    case accept(code: String?)
    /// Turn the job down (`NO K7Q2`).
    case decline(code: String?)
    /// The work is finished (`DONE K7Q2`).
    case done(code: String?)
    /// Not a reply to a job: an ordinary message.
    case other

    /// The kind of answer, without its code.
    public enum Verb: String, Sendable, CaseIterable {
        case accept, decline, done

        /// The word texts tell people to reply with: `YES`, `NO`, `DONE`.
        public var keyword: String {
            switch self {
            case .accept: "YES"
            case .decline: "NO"
            case .done: "DONE"
            }
        }
    }

    /// The characters of a ticket code: no 0/O, 1/I or L, which are easy to confuse when read or typed.
    public static let codeAlphabet: Set<Character> = Set("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
    /// Length of a ticket code.
    public static let codeLength = 4

    public static let acceptWords: Set<String> = ["YES", "Y", "YEP", "YEAH", "ACCEPT"]
    public static let declineWords: Set<String> = ["NO", "N", "NOPE", "DECLINE", "PASS"]
    public static let doneWords: Set<String> = ["DONE", "COMPLETE", "COMPLETED", "FINISHED", "FIXED"]
    /// Words that may stand next to a bare verb without making it an ordinary message ("Yes please", "done thanks").
    public static let fillerWords: Set<String> = [
        "PLEASE", "PLS", "THANKS", "THANK", "YOU", "THX", "TY", "SURE", "OK", "OKAY", "SORRY", "SIR", "MAAM", "IT", "I",
        "CAN", "CANT", "WILL", "IS", "ALL",
    ]
    /// Words between a verb and its code: "yes to K7Q2", "yes for K7Q2", "yes job K7Q2".
    static let connectorWords: Set<String> = ["JOB", "TO", "FOR", "ON"]
    /// English words of 4 letters from the code alphabet that replies often contain after a verb; never read as a
    /// code. The ticket-code generator should skip them, so `YES SURE` can never mean a job called SURE.
    public static let wordsNeverCodes: Set<String> = {
        let words: Set<String> = [
            "SURE", "THAT", "THEN", "THEY", "THEM", "THAN", "WHAT", "WHEN", "HERE", "HERS", "JUST", "MUST", "NEED",
            "WANT", "HAVE", "TAKE", "MAKE", "SEND", "TEXT", "NEXT", "WEEK", "BEST", "DEAR", "MATE", "SEEN", "SEEM",
            "SAME", "VERY", "BUSY", "CANT", "GUYS", "WAYS", "DAYS", "ASAP",
        ]
        // Verbs and filler that fit the alphabet too ("YEAH", "PASS"): "YES PASS" must not name a job PASS.
        return words.union(acceptWords).union(declineWords).union(doneWords).union(fillerWords).filter(isCode)
    }()

    /// Reads `body`, an inbound SMS text.
    public init(parsing body: String) {
        let words = ReplyWords(body)
        self = Self.parse(words.tokens)
    }

    /// The verb, or nil for `.other`.
    public var verb: Verb? {
        switch self {
        case .accept: .accept
        case .decline: .decline
        case .done: .done
        case .other: nil
        }
    }

    /// The job code the reply names, upper-cased, or nil for a bare verb or `.other`.
    public var code: String? {
        switch self {
        case let .accept(code), let .decline(code), let .done(code): code
        case .other: nil
        }
    }

    /// Whether `token` (upper-cased) is a well-formed ticket code: 4 characters of ``codeAlphabet``.
    public static func isCode(_ token: String) -> Bool {
        token.count == codeLength && token.allSatisfy(codeAlphabet.contains)
    }

    static func verb(of token: String) -> Verb? {
        if acceptWords.contains(token) { return .accept }
        if declineWords.contains(token) { return .decline }
        if doneWords.contains(token) { return .done }
        return nil
    }

    /// A code, or a mistyped one (4 ASCII letters/digits with a digit but outside the alphabet), in code position.
    static func codeCandidate(_ token: String) -> String? {
        guard token.count == codeLength, !wordsNeverCodes.contains(token) else { return nil }
        if isCode(token) { return token }
        let asciiAlphanumeric = token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        return asciiAlphanumeric && token.contains(where: \.isNumber) ? token : nil
    }

    private static func make(_ verb: Verb, _ code: String?) -> DispatchReply {
        switch verb {
        case .accept: .accept(code: code)
        case .decline: .decline(code: code)
        case .done: .done(code: code)
        }
    }

    private static func parse(_ tokens: [ReplyWords.Token]) -> DispatchReply {
        guard !tokens.isEmpty else { return .other }
        var start = 0
        // "Job K7Q2 yes": a leading JOB before a code.
        if tokens[0].text == "JOB", tokens.count > 1, codeCandidate(tokens[1].text) != nil { start = 1 }
        // Code then verb.
        if let code = codeCandidate(tokens[start].text), tokens.count > start + 1,
           let verb = verb(of: tokens[start + 1].text) {
            return make(verb, code)
        }
        guard start == 0, let verb = verb(of: tokens[0].text) else { return .other }
        // Verb then (connectors/fillers) then code.
        var next = 1
        while next < tokens.count,
              connectorWords.contains(tokens[next].text) || fillerWords.contains(tokens[next].text) {
            next += 1
        }
        if next < tokens.count, let code = codeCandidate(tokens[next].text) { return make(verb, code) }
        // Bare verb: alone, with filler only, or set off by punctuation before any other words.
        let onlyFiller = tokens.dropFirst().allSatisfy {
            fillerWords.contains($0.text) || connectorWords.contains($0.text) || Self.verb(of: $0.text) == verb
        }
        if onlyFiller || tokens[0].punctuatedAfter { return make(verb, nil) }
        return .other
    }
}

/// The words of a text, upper-cased, each with whether a mark that sets it off (a comma, a full stop, …) follows it.
struct ReplyWords {
    /// Marks after which a bare verb stands on its own ("Yes, I'll be there"). Not "?" ("Yes? which job" asks) and
    /// not "/" ("n/a" is not a NO).
    static let setOffMarks: Set<Character> = [",", ".", "!", ";", ":", "-", "\u{2013}", "\u{2014}", "\u{2026}"]

    struct Token: Equatable {
        var text: String
        var punctuatedAfter: Bool
    }

    var tokens: [Token] = []

    init(_ body: String) {
        var current = ""
        for character in body {
            // Apostrophes stay inside words ("I'll", "can't") so they are not split into stray letters.
            let apostrophe = character == "'" || character == "\u{2019}"
            if character.isLetter || character.isNumber || (apostrophe && !current.isEmpty) {
                current.append(character)
                continue
            }
            if !current.isEmpty {
                tokens.append(Token(text: Self.normalized(current), punctuatedAfter: false))
                current = ""
            }
            if Self.setOffMarks.contains(character), !tokens.isEmpty { tokens[tokens.count - 1].punctuatedAfter = true }
        }
        if !current.isEmpty { tokens.append(Token(text: Self.normalized(current), punctuatedAfter: false)) }
    }

    private static func normalized(_ word: String) -> String {
        word.uppercased().replacingOccurrences(of: "\u{2019}", with: "").replacingOccurrences(of: "'", with: "")
    }
}
