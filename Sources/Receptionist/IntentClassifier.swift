import Foundation

/// Reads a ``CallerIntent`` from one transcribed utterance with phrase tables, no model: the tables are data, so a
/// misheard case is fixed by adding a line, and each rule is pinned by a test.
///
/// The order of the checks is the ambiguity policy:
/// 1. nothing but filler and greetings → ``CallerIntent/unclear``;
/// 2. a request for a person → ``CallerIntent/humanRequest`` ("I'd like to talk to someone about a leak");
/// 3. a request to leave a message or be called back → ``CallerIntent/leaveMessage``;
/// 4. an utterance that *opens* with an information question → ``CallerIntent/question``
///    ("how much is a visit", "do you do boiler repairs") — before booking, whose words it often contains;
/// 5. a booking phrase anywhere → ``CallerIntent/booking`` ("yes I'd like to book");
/// 6. a closing phrase → ``CallerIntent/goodbye`` ("no that's all thanks" is goodbye, not deny);
/// 7. an utterance opening with "no", "nope", "that's wrong"… → ``CallerIntent/deny`` ("no, my number is …"),
///    but not "no" as a determiner ("no heat since last night" is a report, not an answer);
/// 8. an utterance opening with "yes", "sure", "that's right"… → ``CallerIntent/affirm``, unless what follows is a
///    greeting (then the rest is classified: "yeah hi um I smell gas") or a question;
/// 9. thanks alone → ``CallerIntent/goodbye``;
/// 10. anything else substantive → ``CallerIntent/question``: the receptionist looks it up.
///
/// Phrases for people, messages and booking are skipped when negated ("I don't need an appointment").
public enum IntentClassifier {
    /// Classifies one utterance as transcribed, e.g. "no that's all thanks" → `.goodbye`.
    public static func classify(_ text: String) -> CallerIntent {
        classify(SpokenText(text))
    }

    /// Whether the words open with an information question ("what time…", "how much…", "do you…"), after
    /// fillers and acknowledgements: a question for certain, unlike rule 10's "anything else substantive", which
    /// is a statement when the caller was asked to say something in their own words.
    public static func opensWithQuestion(_ text: String) -> Bool {
        let spoken = SpokenText(text)
        let opening = strippingLeading(spoken, fillers.union(softeners).union(acknowledgements).union(greetings))
        return startsWith(informationQuestion, opening) != nil
    }

    /// Classifies already-normalised words.
    public static func classify(_ text: SpokenText) -> CallerIntent {
        let content = text.words.filter { !fillers.contains($0) && !greetings.contains($0) }
        if content.isEmpty { return .unclear }

        if firstUnnegated(humanRequest, in: text) != nil || wholeUtterance(humanRequestAlone, content) {
            return .humanRequest
        }
        if firstUnnegated(leaveMessage, in: text) != nil { return .leaveMessage }

        let opening = strippingLeading(text, fillers.union(softeners))
        // "okay so how much is…": an acknowledgement before a question does not make it an answer.
        let questionOpening = strippingLeading(text, fillers.union(softeners).union(acknowledgements).union(greetings))
        if startsWith(informationQuestion, questionOpening) != nil { return .question }
        if firstUnnegated(booking, in: text) != nil { return .booking }
        if goodbye.contains(where: { $0.firstMatch(in: text) != nil }) || wholeUtterance(goodbyeAlone, content) {
            return .goodbye
        }

        if let end = startsWith(denyOpeners, opening), isAnswer(opening, endingAt: end) { return .deny }
        if let end = startsWith(affirmOpeners, opening) {
            let rest = strippingLeading(SpokenText(words: Array(opening.words[end...]),
                                                   clauseBreaks: Set(opening.clauseBreaks.map { $0 - end })),
                                        fillers.union(["please", "thanks", "thank", "you"]))
            if let first = rest.words.first, greetings.contains(first) {
                // "yeah hi, um, I smell gas": the "yeah" acknowledged the greeting; what follows is the point.
                return classify(strippingLeading(rest, greetings))
            }
            if startsWith(questionOpeners, rest) != nil { return .question }
            return .affirm
        }
        if content.allSatisfy(thanksWords.contains) { return .goodbye }
        return .question
    }

    // MARK: - Tables

    /// Sounds that carry no meaning on their own.
    static let fillers: Set<String> = [
        "um", "umm", "uh", "uhh", "er", "erm", "ehm", "hmm", "hm", "mm", "mmm", "ah", "oh", "eh", "like", "so",
        "well", "there",
    ]
    static let greetings: Set<String> = ["hello", "hi", "hey", "hiya", "howdy", "morning", "afternoon", "evening"]
    /// Words that may precede an answer without changing it ("actually no", "sorry, that's wrong").
    static let softeners: Set<String> = ["actually", "sorry"]
    static let acknowledgements: Set<String> = ["okay", "ok", "right", "alright", "yes", "yeah", "great", "cool", "sure"]
    static let thanksWords: Set<String> = ["thank", "thanks", "you", "very", "much", "cheers", "a", "lot", "so", "ta"]

    static let humanRequest: [PhrasePattern] = [
        "talk|speak|speaking|talking|chat|discuss ..1 to|with ..2 person|people|someone|somebody|human|humans|owner|manager|boss|receptionist|staff|plumber|dentist|doctor|technician|engineer|electrician|agent|representative|rep|operator|anyone|anybody|real|live|actual|member",
        "operator", "representative", "receptionist please",
        "live|real|human|an agent", "agent please",
        "real|live|actual person|human", "human being", "a human",
        "transfer|connect ..2 me|us|call|through", "put me|us through",
        "get|give me ..1 person|human|manager|owner",
    ].map(PhrasePattern.init)
    static let humanRequestAlone: Set<String> = ["agent", "person", "human", "someone", "somebody", "a person"]

    static let leaveMessage: [PhrasePattern] = [
        "leave|take|pass|send|give|left ..3 message|messages|note|voicemail",
        "call|ring|phone|text me|us ..2 back", "callback|voicemail",
        "have|get|ask|tell them|him|her|someone|somebody ..3 call|ring|phone|contact",
        "get|getting back to me|us", "return my|our call",
    ].map(PhrasePattern.init)

    /// Questions about the business that happen to contain booking words ("how much is a visit").
    static let informationQuestion: [PhrasePattern] = [
        "how much|long", "what do you charge", "what is|are the|your ..1 cost|costs|price|prices|fee|fees|rate|rates|charge|hours|opening|address",
        "do|does you|they|your ..1 do|offer|provide|cover|service|fix|repair|install|take|accept|charge|work|handle|deal",
        "are you open|licensed|insured|certified|closed", "is there a fee|charge|cost",
        "what time do|does|are you ..2 open|close|closed", "when are|do you open|close", "where are you",
        // Questions about a visit rather than asking for one ("what do I need to bring for my first appointment").
        "what do|should|can i|we ..1 need|bring|do|expect", "do i|we need", "how do i|we", "is there anything",
        "what happens", "who pays|do i call|should i call",
    ].map(PhrasePattern.init)

    static let booking: [PhrasePattern] = [
        "book|books|booking|booked|rebook", "appointment|appointments|appt",
        "schedule|scheduling|reschedule|rescheduling|scheduled", "slot|slots|availability|reserve",
        "visit|callout", "quote|estimate|quotation",
        "someone|somebody|anyone|anybody|you|plumber|engineer|technician|electrician|he|she|they ..2 come|coming|pop|stop",
        "send|get ..2 someone|somebody|plumber|engineer|technician|electrician|man ..2 out|over|round|around|to|here",
        "send someone|somebody", "come out|over|round|around", "take|have a look",
        "fit|get|squeeze me|us|him|her in", "see a|the dentist|doctor|hygienist|orthodontist",
        "check up|checkup|checkups", "need|want ..2 plumber|electrician|engineer|technician|handyman|someone|somebody",
    ].map(PhrasePattern.init)

    static let goodbye: [PhrasePattern] = [
        "that is|will|would|should be? all|it|everything", "nothing else",
        "no more questions", "bye|goodbye|byebye|cheerio", "i am done|finished", "i am all set",
        "all done|set", "have a good|nice|great|lovely day|night|evening|one|weekend", "talk soon|later",
        "see you|ya", "take care", "that is about it", "i am good thanks|thank",
    ].map(PhrasePattern.init)
    static let goodbyeAlone: Set<String> = ["done", "i am good", "no i am good", "all good", "nope i am good"]

    static let denyOpeners: [PhrasePattern] = [
        "no way", "i do not think so", "that is|was not|wrong|incorrect", "not right|correct|quite|really",
        "absolutely|definitely not", "of course not", "no|nope|nah|negative|incorrect|wrong",
    ].map(PhrasePattern.init)
    static let affirmOpeners: [PhrasePattern] = [
        "yes|yeah|yep|yup|yea|ya|aye|sure|correct|certainly|absolutely|definitely|exactly|ok|okay|alright|perfect|great|fine|lovely|brilliant|cool|right|affirmative|mhm",
        "uh huh", "that? is|sounds|would|will be? ..1 right|correct|fine|great|perfect|good|lovely|okay|ok",
        "that works", "works for me", "please do", "please", "go ahead", "go for it", "of course", "i think so",
        "no problem|worries", "do it",
    ].map(PhrasePattern.init)
    /// What a question after "yes" opens with ("yes, what are your hours").
    static let questionOpeners: [PhrasePattern] = [
        "what|how|when|where|why|which|who", "do|does|did|can|could|will|would|are|is you|there|it|they|your|i",
    ].map(PhrasePattern.init)

    // MARK: - Helpers

    static func firstUnnegated(_ patterns: [PhrasePattern], in text: SpokenText) -> Range<Int>? {
        for pattern in patterns {
            for range in pattern.matches(in: text) where !Negation.isNegated(range, in: text) {
                return range
            }
        }
        return nil
    }

    /// The end index of the first pattern that matches at word 0.
    @discardableResult
    static func startsWith(_ patterns: [PhrasePattern], _ text: SpokenText) -> Int? {
        for pattern in patterns {
            if let range = pattern.matches(in: text).first(where: { $0.lowerBound == 0 }) { return range.upperBound }
        }
        return nil
    }

    static func wholeUtterance(_ phrases: Set<String>, _ content: [String]) -> Bool {
        var words = content
        if words.last == "please" { words.removeLast() }
        return phrases.contains(words.joined(separator: " "))
    }

    static func strippingLeading(_ text: SpokenText, _ words: Set<String>) -> SpokenText {
        let count = text.words.prefix { words.contains($0) }.count
        return SpokenText(words: Array(text.words.dropFirst(count)),
                          clauseBreaks: Set(text.clauseBreaks.compactMap { $0 > count ? $0 - count : nil }))
    }

    /// Whether an opening "no" is an answer rather than a determiner: "no, my number is…", "no that's wrong" and a
    /// bare "no" answer; "no heat since last night" does not.
    static func isAnswer(_ text: SpokenText, endingAt end: Int) -> Bool {
        guard text.words.first == "no" || text.words.first == "nah", end == 1 else { return true }
        guard end < text.words.count, !text.isClauseBreak(before: end) else { return true }
        let next = text.words[end]
        return Negation.clauseOpeners.contains(next) || Negation.negators.contains(next) || denyContinuations.contains(next)
    }
    static let denyContinuations: Set<String> = [
        "wrong", "incorrect", "not", "thanks", "thank", "sorry", "sir", "madam", "mate", "nope", "never", "nothing",
        "definitely", "absolutely", "me", "your", "his", "her", "their", "we", "dont", "do", "please", "tomorrow",
        "today", "friday", "monday", "tuesday", "wednesday", "thursday", "saturday", "sunday", "i", "he", "she",
        "they", "you", "what", "a", "an",
    ]
}
