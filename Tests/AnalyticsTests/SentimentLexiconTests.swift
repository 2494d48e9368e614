import Testing
@testable import Analytics

@Suite struct SentimentLexiconTests {
    let lexicon = SentimentLexicon.callCentre

    func score(_ text: String) -> Double { lexicon.score(text).score }

    @Test func textWithoutLexiconWordsIsExactlyNeutral() {
        let result = lexicon.score("i need a plumber tomorrow morning")
        #expect(result.score == 0)
        #expect(result.label == .neutral)
        #expect(result.drivers.isEmpty)
    }

    @Test(arguments: [
        ("thank you that's brilliant", SentimentLabel.positive),
        ("this is ridiculous, it's still broken", .negative),
        ("the engineer was useless", .negative),
        ("i really appreciate it", .positive),
        ("can i book a check up for next week", .neutral),
    ])
    func labels(text: String, expected: SentimentLabel) {
        #expect(lexicon.score(text).label == expected)
    }

    @Test func negationFlipsAndSoftens() throws {
        #expect(score("it was good") > 0)
        #expect(score("it was not good") < 0)
        #expect(abs(score("it was not good")) < abs(score("it was bad")))
        #expect(score("it wasn't bad") > 0)
        #expect(score("it wasnt bad") == score("it wasn't bad"))
        // The driver records the rule.
        let driver = try #require(lexicon.score("it was not good").drivers.first)
        #expect(driver.rules.contains { $0.contains("negated by \"not\"") })
    }

    @Test func negationStaysInItsClauseAndReach() {
        // A clause boundary stops it.
        #expect(score("no, that's great") > 0)
        // "nothing" reaches only the next word: "nothing else thanks" is still thanks.
        #expect(score("nothing else thanks") > 0)
        // Verbal negators reach three words.
        #expect(score("it doesn't really seem good") < 0)
    }

    @Test func intensifiersAndDampeners() {
        #expect(score("very good") > score("good"))
        #expect(score("extremely good") > score("very good"))
        #expect(score("a bit disappointed") > score("disappointed"))
        #expect(score("a bit disappointed") < 0)
        #expect(score("really really useless") < score("really useless"))
    }

    @Test func contrastShiftsWeightToTheClauseAfterBut() {
        let mixed = lexicon.score("thanks for coming but it's still broken")
        #expect(mixed.label == .negative)
        #expect(score("it was expensive but really good") > 0)
        // Before "but" counts half, after it one and a half times.
        let before = mixed.drivers.first { $0.text == "thanks" }
        let after = mixed.drivers.first { $0.text == "still broken" }
        #expect(before?.rules.contains { $0.hasPrefix("before \"but\"") } == true)
        #expect(after?.rules.contains { $0.hasPrefix("after \"but\"") } == true)
    }

    @Test func praiseBeforeAnUnansweredButTurnsRound() {
        // Nothing after "but" is in the lexicon; the praise before it is what is being taken back.
        #expect(score("the plumber was nice but the leak came back") < 0)
    }

    @Test func capitalsAndExclamationMarksStrengthen() {
        #expect(score("this is USELESS") < score("this is useless"))
        #expect(score("thank you!!") > score("thank you"))
        #expect(score("this is useless!!!") < score("this is useless"))
        // Whole-text capitals are not shouting of one word.
        #expect(score("THIS IS USELESS") == score("this is useless"))
        // "!" alone adds no sentiment.
        #expect(score("hello!!") == 0)
    }

    @Test func callCentrePhrases() {
        #expect(score("i've been on hold for forty minutes") < 0)
        #expect(score("nobody turned up, this is the third time") < 0)
        #expect(score("it's leaking again") < 0)
        #expect(score("i'll definitely use you again") > 0)
        #expect(score("i can't thank you enough") > 0)
        #expect(score("i want a refund") < 0)
    }

    @Test func driversAddUpToTheScore() {
        for text in ["thanks but it's still not working!!", "not very helpful to be honest", "REALLY useless service",
                     "lovely job, a bit late but great"] {
            let result = lexicon.score(text)
            let sum = result.drivers.reduce(0) { $0 + $1.contribution }
            #expect(abs(sum - result.score) < 1e-9, "\(text)")
            #expect(!result.drivers.isEmpty)
        }
    }

    @Test func driversNameTheWordsAsWritten() {
        let result = lexicon.score("You were REALLY helpful")
        #expect(result.drivers.map(\.text) == ["REALLY helpful"])
        #expect(result.drivers[0].rules.contains { $0.hasPrefix("intensified by \"REALLY\"") })
        #expect(result.drivers[0].rules.contains { $0.hasPrefix("capitals") })
    }

    @Test func scoresStayInRange() {
        let extreme = lexicon.score("TERRIBLE AWFUL useless ridiculous appalling nightmare!!!!!")
        #expect(extreme.score >= -1 && extreme.score < -0.9)
    }
}
