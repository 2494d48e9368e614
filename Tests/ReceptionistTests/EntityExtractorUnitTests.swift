import Testing
@testable import Receptionist

/// Addresses in parts, units said alone, and the "oh no" exclamation that is not a negation.
struct EntityExtractorUnitTests {
    @Test func anAddressComesApartIntoStreetUnitTownAndPostcode() throws {
        let us = try #require(EntityExtractor.addressParts(in: "fourteen elm street apartment three b springfield 62704"))
        #expect(us == SpokenAddress(street: "14 Elm Street", unit: "Apartment 3B", town: "Springfield", postcode: "62704"))
        #expect(us.formatted == "14 Elm Street, Apartment 3B, Springfield 62704")
        #expect(EntityExtractor.address(in: "fourteen elm street apartment three b springfield 62704") == us.formatted)
        let uk = try #require(EntityExtractor.addressParts(in: "flat 2, 7 harbour lane, london nw1 6xe"))
        #expect(uk == SpokenAddress(street: "7 Harbour Lane", unit: "Flat 2", town: "London", postcode: "NW1 6XE"))
        #expect(EntityExtractor.addressParts(in: "14 elm road") == SpokenAddress(street: "14 Elm Road"))
    }

    @Test func aUnitSaidWithoutAStreet() {
        #expect(EntityExtractor.unitNumber(in: "it's unit four b") == "Unit 4B")
        #expect(EntityExtractor.unitNumber(in: "apartment twelve") == "Apartment 12")
        #expect(EntityExtractor.unitNumber(in: "suite 210 please") == "Suite 210")
        #expect(EntityExtractor.unitNumber(in: "it's a house") == nil)
        #expect(EntityExtractor.bareUnit(in: "3b") == "Unit 3B")
        #expect(EntityExtractor.bareUnit(in: "it's 4 b") == "Unit 4B")
        #expect(EntityExtractor.bareUnit(in: "twelve") == "Unit 12")
        #expect(EntityExtractor.bareUnit(in: "no") == nil)
        #expect(EntityExtractor.bareUnit(in: "a house") == nil)
        #expect(EntityExtractor.unitNumber(in: "apartment 3 a") == "Apartment 3", "'a' is a word, not a unit letter")
    }

    @Test func ohNoIsAnExclamationNotANegation() {
        #expect(EmergencyDetector().detect("oh no now water is gushing out")?.category == .water)
        #expect(EmergencyDetector().detect("no water is gushing out") == nil)
    }
}
