import Testing
@testable import Analytics

@Suite struct CallSummarizerTests {
    typealias Turn = TranscriptTurn

    static func receptionist(_ text: String, state: String, citations: [Turn.CitedEntry] = [],
                             declined: Bool = false, event: String = "speech") -> Turn {
        Turn(speaker: .receptionist, text: text, event: event, citations: citations, declined: declined,
             answerConfidence: citations.isEmpty && !declined ? nil : 0.5, state: state)
    }

    static func caller(_ text: String, state: String = "INTENT") -> Turn {
        Turn(speaker: .caller, text: text, state: state)
    }

    static let greeting = receptionist("Thanks for calling Brightwater Plumbing, how can I help?", state: "INTENT",
                                       event: "started")
    static let hangup = Turn(speaker: .caller, text: "", event: "hangup:completed", state: "ENDED")

    @Test func emergencyCallWithDetails() {
        let call = CallTranscript(
            businessName: "Brightwater Plumbing",
            turns: [
                Self.greeting,
                Self.caller("Hi, um, there's water pouring through my kitchen ceiling, a pipe burst", state: "LEAD_CAPTURE"),
                Self.receptionist("If anyone is in danger… What's the address?", state: "LEAD_CAPTURE"),
                Self.caller("12 Elm Street", state: "LEAD_CAPTURE"),
                Self.receptionist("And the best number?", state: "LEAD_CAPTURE"),
                Self.caller("yes this number", state: "CONFIRMATION"),
                Self.receptionist("Is that right?", state: "CONFIRMATION"),
                Self.caller("yes", state: "WRAP_UP"),
                Self.receptionist("Someone will call you back right away.", state: "WRAP_UP"),
                Self.hangup,
            ],
            outcome: .emergency, isEmergency: true, emergencyCategory: "burst_pipe",
            lead: LeadDetails(reason: "emergency", name: "Dana Reyes", phone: "+15551234567", address: "12 Elm Street",
                              isEmergency: true))
        let summary = CallSummarizer().summarize(call)
        #expect(summary.reason == "There's water pouring through my kitchen ceiling, a pipe burst.")
        #expect(summary.answered.isEmpty && summary.declined.isEmpty)
        #expect(summary.outcome == .emergency)
        #expect(summary.isEmergency && summary.emergencyCategory == "burst_pipe")
        #expect(summary.followUpNeeded)
        #expect(summary.followUpReasons == [.emergency, .leadCaptured])
        #expect(summary.text == """
            Dana Reyes called Brightwater Plumbing and said: “There's water pouring through my kitchen ceiling, a pipe \
            burst.” It was flagged as an emergency (burst pipe); details taken: callback +15551234567, at 12 Elm \
            Street. Follow-up needed: call Dana Reyes back about the emergency on +15551234567 at once.
            """)
    }

    @Test func answeredQuestionsNeedNoFollowUp() {
        let call = CallTranscript(
            businessName: "Brightwater Plumbing",
            turns: [
                Self.greeting,
                Self.caller("Hello?"),
                Self.receptionist("How can I help?", state: "INTENT"),
                Self.caller("what time do you open on saturdays", state: "FAQ"),
                Self.receptionist("We open at 8 on Saturdays.", state: "FAQ",
                                  citations: [.init(entryId: "e1", title: "Opening hours"),
                                              .init(entryId: "e1", title: "Opening hours"),
                                              .init(entryId: "e2", title: nil)]),
                Self.caller("and do you charge for call outs", state: "FAQ"),
                Self.receptionist("Call-outs are £60.", state: "FAQ", citations: [.init(entryId: "e3", title: "Prices")]),
                Self.caller("that's all thanks", state: "ENDED"),
                Self.receptionist("Goodbye!", state: "ENDED"),
            ],
            outcome: .answeredQuestion)
        let summary = CallSummarizer().summarize(call)
        #expect(summary.reason == "What time do you open on saturdays?")
        #expect(summary.answered == [
            .init(question: "What time do you open on saturdays?", entryIds: ["e1", "e2"],
                  entryTitles: ["Opening hours", "e2"]),
            .init(question: "Do you charge for call outs?", entryIds: ["e3"], entryTitles: ["Prices"]),
        ])
        #expect(!summary.followUpNeeded && summary.followUpReasons.isEmpty)
        #expect(summary.text == """
            A caller called Brightwater Plumbing and said: “What time do you open on saturdays?” The receptionist \
            answered 2 questions from “Opening hours”, “e2” and “Prices”. The call ended with their questions \
            answered. No follow-up needed.
            """)
    }

    @Test func declinedQuestionWithLeadCaptured() {
        let call = CallTranscript(
            businessName: "Smile Dental",
            turns: [
                Self.greeting,
                Self.caller("Do you take the Aetna gold plan?", state: "FAQ"),
                Self.receptionist("I don't have that information. Shall I take a message?", state: "FAQ",
                                  declined: true),
                Self.caller("yes please", state: "LEAD_CAPTURE"),
                Self.receptionist("Your name?", state: "LEAD_CAPTURE"),
                Self.caller("My name is Sam Lee and I need a cleaning", state: "LEAD_CAPTURE"),
                Self.receptionist("Thanks, we'll call you back.", state: "WRAP_UP"),
                Self.hangup,
            ],
            outcome: .leadCaptured,
            lead: LeadDetails(reason: "unanswered", name: "Sam Lee", phone: "+15550001111",
                              notes: "Insurance question", preferredTime: "tomorrow morning"))
        let summary = CallSummarizer().summarize(call)
        #expect(summary.reason == "Do you take the Aetna gold plan?")
        #expect(summary.declined == ["Do you take the Aetna gold plan?"])
        #expect(summary.followUpReasons == [.leadCaptured])
        #expect(summary.text == """
            Sam Lee called Smile Dental and said: “Do you take the Aetna gold plan?” The receptionist could not \
            answer “Do you take the Aetna gold plan?”. They left their details: callback +15550001111, preferred \
            time “tomorrow morning”, message “Insurance question”. Follow-up needed: call Sam Lee back on \
            +15550001111.
            """)
    }

    @Test func abandonedDuringCapture() {
        let call = CallTranscript(
            businessName: "Brightwater Plumbing",
            turns: [
                Self.greeting,
                Self.caller("I'd like someone to come and look at my boiler", state: "BOOKING_REQUEST"),
                Self.receptionist("When would suit you?", state: "LEAD_CAPTURE"),
                Self.caller("Friday", state: "LEAD_CAPTURE"),
                Self.receptionist("And your name?", state: "LEAD_CAPTURE"),
                Self.hangup,
            ],
            outcome: .abandoned, lead: LeadDetails(reason: "booking", phone: "+15559876543", preferredTime: "Friday"))
        let summary = CallSummarizer().summarize(call)
        #expect(summary.reason == "I'd like someone to come and look at my boiler.")
        #expect(summary.followUpReasons == [.abandonedDuringCapture])
        #expect(summary.text.contains("They hung up while giving their details (so far: callback +15559876543, preferred time “Friday”)."))
        #expect(summary.text.hasSuffix("Follow-up needed: their details may be incomplete."))
    }

    @Test func silentAbandonedCall() {
        let call = CallTranscript(
            businessName: "Brightwater Plumbing",
            turns: [Self.greeting, Self.caller("um hello", state: "INTENT"), Self.hangup], outcome: .abandoned)
        let summary = CallSummarizer().summarize(call)
        #expect(summary.reason == nil)
        #expect(!summary.followUpNeeded)
        #expect(summary.text == """
            A caller called Brightwater Plumbing but did not say what they needed. They hung up before anything was \
            settled. No follow-up needed.
            """)
    }

    @Test func declinedWithoutLeadAndFailedTransfer() {
        let call = CallTranscript(
            businessName: "Oak Property",
            turns: [
                Self.greeting,
                Self.caller("can I speak to someone", state: "TRANSFER_ATTEMPT"),
                Self.receptionist("Connecting you.", state: "TRANSFER_ATTEMPT"),
                Self.receptionist("Nobody is free.", state: "FAQ", event: "transfer:busy"),
                Self.caller("is the pool open in winter", state: "FAQ"),
                Self.receptionist("I don't have that information.", state: "FAQ", declined: true),
                Self.caller("bye", state: "ENDED"),
            ],
            outcome: .abandoned, transfer: .notConnected(status: "busy"))
        let summary = CallSummarizer().summarize(call)
        #expect(summary.reason == "Can I speak to someone?")
        #expect(summary.followUpReasons == [.declinedWithoutLead, .transferNotConnected])
        #expect(summary.text.contains("could not answer “Is the pool open in winter?”."))
    }

    @Test(arguments: [
        ("Hi there, um, so my tap is leaking", "My tap is leaking."),
        ("There is a leak under the sink", "There is a leak under the sink."),
        ("  do   you   fix boilers thank you ", "Do you fix boilers?"),
        ("Good morning! Are you open today?", "Are you open today?"),
        ("hello", ""),
    ])
    func cleaning(_ input: String, _ expected: String) {
        #expect(CallSummarizer.clean(input) == expected)
    }

    @Test func longQuotesAreCutAtAWord() {
        let summarizer = CallSummarizer(maximumQuoteLength: 20)
        #expect(summarizer.quote("my kitchen sink is blocked again and smells") == "My kitchen sink is…")
    }
}
