import Testing
import Receptionist

@Suite struct EntityExtractorNameTests {
    @Test(arguments: [
        ("my name is jon smith", "Jon Smith"),
        ("hi this is sarah from 14 elm road", "Sarah"),
        ("it's dave calling about the boiler", "Dave"),
        ("hi it's mary o'brien here", "Mary O'Brien"),
        ("name's Priya Patel", "Priya Patel"),
        ("you can call me bob", "Bob"),
        ("call me jim", "Jim"),
        ("no that's wrong my name is jon with no h", "Jon"),
        ("my name is um jon j o n", "Jon"),
        ("my name is j o n smith", "Jon Smith"),
        ("my name is t j jones", "T J Jones"),
        ("hi I'm Sarah and my boiler is leaking", "Sarah"),
        ("this is sara, sorry, my name is sarah with an h", "Sarah"),
        ("my name is jean claude van damme junior", "Jean Claude Van Damme"),
        ("MY NAME IS PAT.", "Pat"),
        ("my name's mary-jane watson", "Mary Jane Watson"),
    ])
    func reads(text: String, expected: String) {
        #expect(EntityExtractor.name(in: text) == expected, "\(text)")
    }

    @Test(arguments: [
        "this is urgent",
        "this is about my boiler",
        "this is an emergency",
        "I'm calling about a leak",
        "I'm not sure",
        "call me back please",
        "call me on 07700 900123",
        "you can call me anytime",
        "it's 14 elm road",
        "it's leaking",
        "my name is",
        "what are your hours",
        "",
    ])
    func findsNoName(text: String) {
        #expect(EntityExtractor.name(in: text) == nil, "\(text)")
    }
}
