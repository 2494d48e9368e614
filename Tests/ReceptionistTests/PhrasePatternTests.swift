import Testing
@testable import Receptionist

@Suite struct PhrasePatternTests {
    @Test(arguments: [
        ("smell* ..3 gas", "it smells a bit like gas", "smells a bit like gas"),
        ("smell* ..3 gas", "i smell gas", "smell gas"),
        ("talk|speak to ..2 someone", "can i speak to someone", "speak to someone"),
        ("flood*", "the basement is flooding", "flooding"),
        ("that is|will be? all", "that will be all", "that will be all"),
        ("that is|will be? all", "that is all", "that is all"),
        ("fire !pit", "the kitchen is on fire", "fire"),
        ("pipe ..2 burst", "the pipe's burst", "pipe's burst"),
    ])
    func matches(pattern: String, text: String, expected: String) throws {
        let spoken = SpokenText(text)
        let range = try #require(PhrasePattern(pattern).firstMatch(in: spoken))
        #expect(spoken.words[range].joined(separator: " ") == expected)
    }

    @Test(arguments: [
        ("smell* ..3 gas", "i smell no gas"),          // a gap never skips a negator
        ("smell* ..3 gas", "a smell. gas bill"),       // nor crosses a clause break
        ("smell* ..1 gas", "smells a bit like gas"),   // nor skips more than its limit
        ("fire !pit", "a quote for a fire pit"),
        ("gas", "gasoline"),                           // whole words only
        ("flood*", "a flash of light"),
    ])
    func doesNotMatch(pattern: String, text: String) {
        #expect(PhrasePattern(pattern).firstMatch(in: SpokenText(text)) == nil)
    }

    @Test func literalPatternsMatchWordsAsGiven() {
        let pattern = PhrasePattern(literal: ["lift", "stuck"])
        #expect(pattern.firstMatch(in: SpokenText("the lift stuck again")) == 1..<3)
        #expect(pattern.firstMatch(in: SpokenText("lifts stuck")) == nil)
    }
}
