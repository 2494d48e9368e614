import Testing
@testable import Receptionist

@Suite struct SpokenTextTests {
    @Test(arguments: [
        ("Yeah hi, um, I think I smell GAS in the kitchen.", "yeah hi um i think i smell gas in the kitchen"),
        ("I'd like to book", "i would like to book"),
        ("I don't smell gas", "i do not smell gas"),
        ("i dont smell gas", "i do not smell gas"),
        ("It\u{2019}s 14 Elm Road", "it is 14 elm road"),
        ("thats all, cant talk", "that is all can not talk"),
        ("the pipe's burst", "the pipe's burst"),
        ("my name's jon, it's here", "my name is jon it is here"),
        ("we're flooded, they've gone", "we are flooded they have gone"),
        ("I won't be home", "i will not be home"),
        ("call 555-123-4567", "call 555 123 4567"),
        ("twenty-one", "twenty one"),
        ("at 10am or 2:30pm", "at 10 am or 2:30 pm"),
        ("around 3 p.m. please", "around 3 pm please"),
        ("+44 7700 900123", "plus 44 7700 900123"),
        ("apt #4", "apt number 4"),
        ("O'Brien & sons", "o'brien and sons"),
        ("", ""),
        ("  ...  ", ""),
    ])
    func normalises(input: String, expected: String) {
        #expect(SpokenText(input).normalised == expected)
    }

    @Test func remembersClauseBreaks() {
        let text = SpokenText("no, I smell gas. Help")
        #expect(text.words == ["no", "i", "smell", "gas", "help"])
        #expect(text.clauseBreaks == [1, 4])
        // A dash between spaces is a pause; inside a word it only splits.
        #expect(SpokenText("no - it's fine").clauseBreaks == [1])
        #expect(SpokenText("twenty-one").clauseBreaks.isEmpty)
    }

    @Test(arguments: [
        ("fourteen elm road", "14 elm road"),
        ("twenty one", "21"),
        ("a hundred and five", "105"),
        ("one hundred twenty three", "123"),
        ("two thousand and twelve", "2012"),
        ("seventy seven hundred", "7700"),
        ("five five five one two three four", "5 5 5 1 2 3 4"),
        ("five fifty five", "5 55"),
        ("fourteen five", "14 5"),
        ("zero zero", "0 0"),
        ("nineteen ninety", "19 90"),
        ("a dog and a cat", "a dog and a cat"),
        ("one hundred and", "100 and"),
        ("twenty, one", "20 1"),
        ("oh seven seven double nine", "oh 7 7 double 9"),
        ("after three thirty", "after 3 30"),
    ])
    func convertsNumberWords(input: String, expected: String) {
        #expect(SpokenText(input).convertingNumberWords().normalised == expected)
    }

    @Test func numberConversionKeepsClauseBreaks() {
        let text = SpokenText("flat two, fourteen elm road").convertingNumberWords()
        #expect(text.words == ["flat", "2", "14", "elm", "road"])
        #expect(text.clauseBreaks == [2])
    }

    @Test func readsOneNumber() throws {
        let words = SpokenText("it is a hundred and five elm").words
        let (value, end) = try #require(SpokenText.number(in: words, at: 2))
        #expect(value == 105)
        #expect(end == 6)
        #expect(SpokenText.number(in: words, at: 0) == nil)
    }
}
