import Testing
@testable import Receptionist

@Suite struct ContentWordsTests {
    @Test(arguments: [
        ("prices", "pric"), ("price", "pric"), ("booking", "book"), ("booked", "book"), ("books", "book"),
        ("closes", "clos"), ("closing", "clos"), ("closed", "clos"), ("stopped", "stop"), ("filling", "fill"),
        ("batteries", "battery"), ("classes", "class"), ("bus", "bus"), ("gas", "gas"), ("hours", "hour"),
        ("sundays", "sunday"), ("red", "red"), ("ring", "ring"), ("24", "24"), ("x-ray", "x-ray"),
    ])
    func stem(_ word: String, _ expected: String) {
        #expect(ContentWords.stem(word) == expected)
    }

    @Test func wordsAreLowerCasedWithoutApostrophes() {
        #expect(ContentWords.words("Don't call Dr. Rao's line: 555-0142!") == ["dont", "call", "dr", "raos", "line", "555", "0142"])
    }

    @Test func stemsDropStopWordsAndMeetOnPrice() {
        #expect(ContentWords.stems("hi um how much are your fees on Saturdays") == ["cost", "saturday", "cost"])
        #expect(ContentWords.stems("A service costs £95.") == ["servic", "cost", "95", "cost"])
        #expect(ContentWords.stems("What do you charge") == ["cost"])
    }
}
