import Testing
import Receptionist

@Suite struct EntityExtractorCategoryTests {
    @Test(arguments: [
        ("there's a small leak under the sink", "plumbing"),
        ("my drain is blocked", "plumbing"),
        ("the toilet keeps running", "plumbing"),
        ("can you repair my boiler", "plumbing"),
        ("the water heater is making a noise", "plumbing"),
        ("I need a drain cleaning", "plumbing"),
        ("I'd like to book a cleaning", "dental"),
        ("I have a terrible toothache", "dental"),
        ("I lost a filling", "dental"),
        ("my crown came off", "dental"),
        ("I want to ask about my rent", "property"),
        ("when does my lease end", "property"),
        ("I need a maintenance request for my apartment", "property"),
        ("something needs a repair in my unit", "property"),
        ("what are your hours", "general"),
        ("how much do you charge", "general"),
    ])
    func categorises(text: String, expected: String) {
        #expect(EntityExtractor.category(in: text) == expected, "\(text)")
    }

    @Test(arguments: ["yes", "my name is jon", "tomorrow morning", ""])
    func findsNoCategory(text: String) {
        #expect(EntityExtractor.category(in: text) == nil, "\(text)")
    }

    @Test(arguments: [
        ("this is an emergency", Severity.urgent),
        ("I need someone right now", .urgent),
        ("please come asap", .urgent),
        ("as soon as possible please", .urgent),
        ("I smell gas", .urgent),
        ("the basement is flooding", .urgent),
        ("it's getting worse", .high),
        ("we have no hot water", .high),
        ("can someone come today", .high),
        ("my tooth really hurts", .high),
        ("it's not urgent but it's getting worse", .high),
        ("sometime this week", .medium),
        ("the tap is dripping", .medium),
        ("tomorrow is fine", .medium),
        ("whenever suits you", .low),
        ("no rush", .low),
        ("I'd just like a quote", .low),
        ("it's not urgent", .low),
        ("it's not an emergency", .low),
    ])
    func readsSeverity(text: String, expected: Severity) {
        #expect(EntityExtractor.severity(in: text) == expected, "\(text)")
    }

    @Test(arguments: ["yes", "my name is jon", "what are your hours", ""])
    func findsNoSeverity(text: String) {
        #expect(EntityExtractor.severity(in: text) == nil, "\(text)")
    }

    @Test func severitiesAreOrdered() {
        #expect(Severity.allCases.sorted() == [.low, .medium, .high, .urgent])
        #expect(Severity.low < .urgent)
    }
}
