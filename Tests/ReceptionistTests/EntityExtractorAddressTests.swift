import Testing
import Receptionist

@Suite struct EntityExtractorAddressTests {
    @Test(arguments: [
        ("it's 14 elm road apartment 3", "14 Elm Road, Apartment 3"),
        ("fourteen elm road", "14 Elm Road"),
        ("I'm at a hundred and five high street, flat 2b", "105 High Street, Flat 2B"),
        ("221b baker street london nw1 6xe", "221B Baker Street, London NW1 6XE"),
        ("123 main st springfield 62704", "123 Main Street, Springfield 62704"),
        ("one two three main street", "123 Main Street"),
        ("flat 2, 14 elm road", "14 Elm Road, Flat 2"),
        ("the address is 42 st mary's road", "42 St Mary's Road"),
        ("twenty one maple ave apt number 4", "21 Maple Avenue, Apartment 4"),
        ("it's 7 the crescent", "7 The Crescent"),
        ("350 fifth avenue new york 10118", "350 Fifth Avenue, New York 10118"),
        ("I live at 9 rose lane in bristol please hurry", "9 Rose Lane, Bristol"),
        ("it's 14 elm road, my name is jon", "14 Elm Road"),
        ("we're at 88 north oak drive unit 4", "88 North Oak Drive, Unit 4"),
        ("forty two wallaby way sydney", "42 Wallaby Way, Sydney"),
    ])
    func reads(text: String, expected: String) {
        #expect(EntityExtractor.address(in: text) == expected, "\(text)")
    }

    @Test(arguments: [
        "I need 2 plumbers",
        "call me at 3",
        "it's been 3 days",
        "what are your hours",
        "my number is 555 123 4567",
        "15 minutes away",
        "elm road",
        "",
    ])
    func findsNoAddress(text: String) {
        #expect(EntityExtractor.address(in: text) == nil, "\(text)")
    }
}
