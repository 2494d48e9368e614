import Testing
import Receptionist

@Suite struct IntentClassifierTests {
    @Test(arguments: [
        // question
        ("do you do boiler repairs", CallerIntent.question),
        ("what are your hours", .question),
        ("how much is a cleaning", .question),
        // Questions about a visit, not requests for one (from corpora/*/eval.jsonl).
        ("what do i need to bring for my first appointment", .question),
        ("hi um how much is it for you lot to just come out, like the call out charge", .question),
        ("is there anything i should do before your bloke comes round", .question),
        ("what time do you open", .question),
        ("how much does a visit cost", .question),
        ("are you open on saturdays?", .question),
        ("yeah hi um i think i smell gas in the kitchen", .question),
        ("my kitchen tap is dripping", .question),
        ("no heat since last night", .question),
        ("yes, what are your hours", .question),
        ("okay so how much is a callout", .question),
        // booking
        ("yes I'd like to book", .booking),
        ("can someone come tomorrow morning", .booking),
        ("I need to make an appointment for a cleaning", .booking),
        ("could you send someone out to look at my boiler", .booking),
        ("i'd like a quote for a fire pit", .booking),
        ("do you have any availability on friday", .booking),
        ("I need a plumber", .booking),
        ("can I reschedule my appointment", .booking),
        ("no, can you come friday instead", .booking),
        ("can you fit me in this week", .booking),
        // humanRequest
        ("I'd like to talk to someone about a leak", .humanRequest),
        ("can I speak to a real person", .humanRequest),
        ("operator", .humanRequest),
        ("representative please", .humanRequest),
        ("agent", .humanRequest),
        ("just transfer me", .humanRequest),
        ("put me through to the owner", .humanRequest),
        ("let me talk to the manager", .humanRequest),
        ("i want a human", .humanRequest),
        // leaveMessage
        ("can I leave a message", .leaveMessage),
        ("have them call me back", .leaveMessage),
        ("could you take a message for dave", .leaveMessage),
        ("just get someone to ring me", .leaveMessage),
        ("please call me back when you can", .leaveMessage),
        // goodbye
        ("no that's all thanks", .goodbye),
        ("no that's it thanks", .goodbye),
        ("bye", .goodbye),
        ("goodbye!", .goodbye),
        ("nothing else", .goodbye),
        ("I'm done", .goodbye),
        ("that will be all", .goodbye),
        ("ok great thanks bye", .goodbye),
        ("no I'm good", .goodbye),
        ("thank you so much", .goodbye),
        ("have a good day", .goodbye),
        // affirm
        ("yes", .affirm),
        ("Yeah.", .affirm),
        ("yep", .affirm),
        ("correct", .affirm),
        ("that's right", .affirm),
        ("sure", .affirm),
        ("please do", .affirm),
        ("sounds good", .affirm),
        ("yes that's correct", .affirm),
        ("um yeah that would be great", .affirm),
        ("no problem", .affirm),
        ("yes my number is 555 123 4567", .affirm),
        ("okay", .affirm),
        // deny
        ("no", .deny),
        ("nope", .deny),
        ("that's wrong", .deny),
        ("not right", .deny),
        ("incorrect", .deny),
        ("no, my number is 0 7 7 0 0 9 0 0 1 2 3", .deny),
        ("no my number is oh seven seven", .deny),
        ("no that's wrong my name is jon with no h", .deny),
        ("actually no", .deny),
        ("no way", .deny),
        ("that is not correct", .deny),
        ("nah", .deny),
        ("no thanks", .deny),
        // unclear
        ("", .unclear),
        ("um", .unclear),
        ("hello?", .unclear),
        ("uh, hi there", .unclear),
        ("...", .unclear),
        ("yeah hi", .unclear),
    ])
    func classifies(text: String, expected: CallerIntent) {
        #expect(IntentClassifier.classify(text) == expected, "\(text)")
    }

    @Test(arguments: [
        "I don't need an appointment, I just have a question about pricing",
        "I don't want to talk to anyone, just tell me your hours",
    ])
    func negatedRequestsDoNotCount(text: String) {
        #expect(IntentClassifier.classify(text) == .question)
    }

    @Test func everyIntentIsReachable() {
        let samples = ["what are your hours", "book me in", "operator", "leave a message", "bye", "yes", "no", "um"]
        #expect(Set(samples.map(IntentClassifier.classify)) == Set(CallerIntent.allCases))
    }
}
