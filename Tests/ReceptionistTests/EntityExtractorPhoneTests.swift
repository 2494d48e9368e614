import Testing
import Receptionist

@Suite struct EntityExtractorPhoneTests {
    @Test(arguments: [
        // UK, default +44
        ("my number is oh seven seven double nine four five six one two three", "44", "+447799456123"),
        ("07700 900123", "44", "+447700900123"),
        ("it's zero seven seven zero zero nine zero zero one two three", "44", "+447700900123"),
        ("plus four four seven seven zero zero nine zero zero one two three", "44", "+447700900123"),
        ("+44 7700 900123", "1", "+447700900123"),
        ("four four seven seven zero zero nine zero zero one two three", "44", "+447700900123"),
        ("double oh four four seven seven double oh nine double oh one two three", "44", "+447700900123"),
        ("oh two oh seven nine four six triple oh one", "44", "+442079460001"),
        ("oh, my number is 07700-900-123", "44", "+447700900123"),
        // US, default +1
        ("five five five one two three four five six seven", "1", "+15551234567"),
        ("call me on 555-123-4567 after five", "1", "+15551234567"),
        ("(212) 555-0100", "1", "+12125550100"),
        ("one two one two five five five oh one hundred", "1", "+12125550100"),
        ("it's 1 800 555 0199", "1", "+18005550199"),
        ("eight hundred five five five oh one nine nine", "1", "+18005550199"),
        ("two one two, um, five five five, oh one oh oh", "1", "+12125550100"),
        ("my number is 212 555 0100. I live at 14 elm road", "1", "+12125550100"),
        ("two twelve five fifty five oh one hundred", "1", "+12125550100"),
        ("011 44 20 7946 0001", "1", "+442079460001"),
    ])
    func reads(text: String, countryCode: String, expected: String) {
        #expect(EntityExtractor.phoneNumber(in: text, defaultCountryCode: countryCode) == expected, "\(text)")
    }

    @Test(arguments: [
        ("it's 14 elm road apartment 3", "1"),
        ("five five five one two three four", "1"),              // 7 digits: no area code
        ("one two three four five six seven eight nine oh", "1"), // area code cannot start with 1
        ("five five five one two three four five six seven eight", "1"), // a digit too many is not cut down
        ("oh hi there", "44"),
        ("I need someone at 3", "44"),
        ("zero seven seven", "44"),
        ("", "44"),
        ("plus one two three", "44"),
    ])
    func rejects(text: String, countryCode: String) {
        #expect(EntityExtractor.phoneNumber(in: text, defaultCountryCode: countryCode) == nil, "\(text)")
    }
}
