import Testing
@testable import Receptionist

@Suite struct TwiMLBuilderTests {
    @Test func verbStructsAndEnumCasesBuildTheSameDocument() {
        let built = TwiML.response {
            Gather(action: "/twilio/gather") { Say("Hi") }
            Dial("+14155550100")
            Redirect("/twilio/incoming")
            Pause(seconds: 1)
            Message("Thanks")
            TwiMLVerb.say(Say("Bye"))
            Hangup()
        }
        #expect(built == TwiML([
            .gather(Gather(action: "/twilio/gather", children: [.say(Say("Hi"))])),
            .dial(Dial(number: "+14155550100")),
            .redirect(Redirect(url: "/twilio/incoming")),
            .pause(Pause(seconds: 1)),
            .message(Message(body: "Thanks")),
            .say(Say(text: "Bye")),
            .hangup,
        ]))
    }

    @Test func gatherDefaultsAreSpeechPostAndAutoTimeout() {
        let gather = Gather(action: "/g")
        #expect(gather.input == "speech")
        #expect(gather.method == "POST")
        #expect(gather.speechTimeout == "auto")
        #expect(gather.timeout == nil && gather.language == nil && gather.hints.isEmpty)
        #expect(gather.actionOnEmptyResult == nil && gather.numDigits == nil && gather.children.isEmpty)
    }

    @Test(arguments: [true, false])
    func ifElseChoosesABranch(_ open: Bool) {
        let built = TwiML.response {
            if open {
                Say("We're open.")
            } else {
                Say("We're closed.")
                Hangup()
            }
        }
        #expect(built.verbs == (open ? [.say(Say("We're open."))] : [.say(Say("We're closed.")), .hangup]))
    }

    @Test func ifWithoutElseAndIfLetAddNothingWhenFalse() {
        let transfer: String? = nil
        let greeting: String? = "Hello"
        let built = TwiML.response {
            if let greeting { Say(greeting) }
            if let transfer { Dial(transfer) }
            if transfer == nil { Say("Nobody can take your call.") }
        }
        #expect(built.verbs == [.say(Say("Hello")), .say(Say("Nobody can take your call."))])
    }

    @Test func optionalVerbsAreSkippedWhenNil() {
        let maybeSay: Say? = nil
        let maybeDial: Dial? = Dial("+1")
        let maybeVerb: TwiMLVerb? = nil
        let maybeMessage: Message? = Message("m")
        let built = TwiML.response {
            maybeSay
            maybeDial
            maybeVerb
            maybeMessage
        }
        #expect(built.verbs == [.dial(Dial("+1")), .message(Message("m"))])
    }

    @Test func forInAndArraysOfVerbsAreFlattenedInOrder() {
        let lines = ["One.", "Two.", "Three."]
        let tail: [TwiMLVerb] = [.pause(Pause()), .hangup]
        let built = TwiML.response {
            for line in lines { Say(line) }
            tail
        }
        #expect(built.verbs == [.say(Say("One.")), .say(Say("Two.")), .say(Say("Three.")), .pause(Pause()), .hangup])
    }

    @Test func switchWorks() {
        enum Outcome { case answered, busy, failed }
        func twiml(_ outcome: Outcome) -> TwiML {
            TwiML.response {
                switch outcome {
                case .answered: Hangup()
                case .busy: Say("The line is busy.")
                case .failed: Redirect("/twilio/voicemail")
                }
            }
        }
        #expect(twiml(.answered).verbs == [.hangup])
        #expect(twiml(.busy).verbs == [.say(Say("The line is busy."))])
        #expect(twiml(.failed).verbs == [.redirect(Redirect("/twilio/voicemail"))])
    }

    @Test func gatherBuilderSupportsControlFlow() {
        let prompts = ["First.", "Second."]
        let reprompt = true
        let extra: Say? = nil
        let gather = Gather(action: "/g", hints: ["leak"]) {
            for prompt in prompts {
                Say(prompt)
                Pause(seconds: 1)
            }
            if reprompt { Say("Are you still there?") } else { Pause() }
            extra
            GatherChild.pause(Pause(seconds: 2))
        }
        #expect(gather.children == [
            .say(Say("First.")), .pause(Pause(seconds: 1)), .say(Say("Second.")), .pause(Pause(seconds: 1)),
            .say(Say("Are you still there?")), .pause(Pause(seconds: 2)),
        ])
        #expect(gather.hints == ["leak"])
    }

    @Test func emptyBuilderIsAnEmptyResponse() {
        #expect(TwiML.response {} == TwiML([]))
        #expect(Gather(action: "/g") {}.children.isEmpty)
    }
}
