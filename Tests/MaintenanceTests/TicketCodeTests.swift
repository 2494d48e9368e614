import Maintenance
import Testing

/// SplitMix64: a seeded generator, so draws repeat.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct TicketCodeTests {
    @Test func codesAreFourCharactersOfTheAlphabetThatRepliesReadBack() throws {
        var generator = SeededGenerator(state: 7)
        for _ in 0..<2_000 {
            let code = try #require(TicketCode.make(avoiding: [], using: &generator))
            #expect(code.count == 4)
            #expect(!code.contains { "01OIL".contains($0) }, "\(code)")
            // The parser reads the code back in every reply shape the texts ask for.
            #expect(DispatchReply(parsing: "YES \(code)") == .accept(code: code), "\(code)")
            #expect(DispatchReply(parsing: "no \(code.lowercased())") == .decline(code: code), "\(code)")
            #expect(DispatchReply(parsing: "\(code) done") == .done(code: code), "\(code)")
        }
    }

    @Test func wordsRepliesUseAreNeverIssued() {
        for word in ["SURE", "THEN", "YEAH", "PASS", "DONE", "NOPE", "ASAP", "THAT"] {
            #expect(TicketCode.isIssuable(word) == false, "\(word)")
        }
        #expect(TicketCode.isIssuable("K7Q2"))
        #expect(TicketCode.isIssuable("K7QO") == false, "a letter O is not in the alphabet")
        #expect(TicketCode.isIssuable("k7q2") == false, "codes are upper-case")
        #expect(TicketCode.isIssuable("K7Q") == false)
    }

    @Test func aTakenCodeIsSkippedForTheNextDraw() throws {
        // The same seed draws the same codes: avoiding the first draw gives the second.
        var first = SeededGenerator(state: 42)
        let one = try #require(TicketCode.make(avoiding: [], using: &first))
        let two = try #require(TicketCode.make(avoiding: [], using: &first))
        var again = SeededGenerator(state: 42)
        #expect(TicketCode.make(avoiding: [one], using: &again) == two)
        #expect(one != two)
    }

    @Test func itGivesUpRatherThanLoopForever() {
        var generator = SeededGenerator(state: 1)
        #expect(TicketCode.make(avoiding: [], maxDraws: 0, using: &generator) == nil)
    }
}
