import Testing
@testable import Receptionist

@Suite struct VoiceTextTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let input: String
        let expected: String
        var testDescription: String { input.debugDescription }
        init(_ input: String, _ expected: String) {
            self.input = input
            self.expected = expected
        }
    }

    static let cleanCases: [Case] = [
        // Plain corpus prose passes through (whitespace collapsed, paragraphs joined).
        Case("Our office is open Monday to Friday.\n\nWe are closed on Sundays.",
             "Our office is open Monday to Friday. We are closed on Sundays."),
        Case("  Lots   of\tspace\nacross lines  ", "Lots of space across lines."),
        // Markdown.
        Case("# Opening hours\nWe open at 8:00am.", "Opening hours. We open at 8:00am."),
        Case("## Prices ##\n**Boiler service** costs _£95_ and `VAT` is included.",
             "Prices. Boiler service costs £95 and VAT is included."),
        Case("See [our price list](https://example.com/prices) or ![a map](map.png).",
             "See our price list or a map."),
        Case("~~Old price~~ New price: £90.", "Old price New price: £90."),
        Case("> Quoted advice.\n\n---\n\nAfter the rule.", "Quoted advice. After the rule."),
        Case("```\ncode line\n```", "code line."),
        Case("Line<br>break and <b>bold</b>.", "Line break and bold."),
        // Lists become sentences.
        Case("We fix:\n- boilers\n- leaking taps\n* showers!\n1. radiators\n2) toilets.",
             "We fix. boilers. leaking taps. showers! radiators. toilets."),
        Case("• Gas Safe registered\n• DBS checked", "Gas Safe registered. DBS checked."),
        // Tables: header and separator dropped, rows as "A: B".
        Case("| Service | Price |\n|---|:---:|\n| Boiler service | £95 |\n| Call-out | £89 |\n\nAll prices include VAT.",
             "Boiler service: £95. Call-out: £89. All prices include VAT."),
        Case("| Day | Open | Close |\n| --- | --- | --- |\n| Monday | 8am | 5pm |",
             "Monday: 8am, 5pm."),
        // URLs.
        Case("Book online at https://brightwater.example/book today.", "Book online at our website today."),
        Case("Forms are on our web page at https://maple.example/forms.", "Forms are on our web page."),
        Case("See our website: https://maple.example", "See our website."),
        Case("Visit https://brightwater.example/book to book.", "Visit our website to book."),
        Case("Forms are on our website (https://maple.example/forms).", "Forms are on our website."),
        Case("Go to www.maple.example, then click Forms.", "Go to our website, then click Forms."),
        Case("Details: <https://maple.example/a?b=1&c=2>", "Details: our website."),
        // E-mail addresses.
        Case("Email records@maplestreetdental.example before your visit.",
             "Email records at maplestreetdental dot example before your visit."),
        Case("Write to first_last@harbourlane-lettings.example.",
             "Write to first underscore last at harbourlane-lettings dot example."),
        Case("Or <office@maple.example>.", "Or office at maple dot example."),
        // Emoji and symbols.
        Case("We're open 🎉 on Saturdays 👍🏽! Call 📞 us.", "We're open on Saturdays! Call us."),
        Case("Family 👨‍👩‍👧 friendly ❤️.", "Family friendly."),
        Case("Brightwater Plumbing & Heating", "Brightwater Plumbing and Heating."),
        Case("Tom&Jerry &amp; Co", "Tom and Jerry and Co."),
        Case("© 2026 Maple™ ➡️ home", "© 2026 Maple™ home."),
        // Abbreviations kept speakable.
        Case("Dr. Rao sees patients at 8 a.m. daily.", "Dr. Rao sees patients at 8 a.m. daily."),
        Case("Bring ID, e.g. a passport, i.e. photo ID.",
             "Bring ID, for example, a passport, that is, photo ID."),
        Case("It takes approx. 2 hrs plus 30 mins.", "It takes approximately 2 hours plus 30 minutes."),
        Case("Ask for form No. 5.", "Ask for form number 5."),
        Case("Open Mon–Fri, 9–5, Sat-Sun closed.", "Open Monday to Friday, 9 to 5, Saturday to Sunday closed."),
        Case("Phone (614) 555-0142 for $1.50 per 1.5 bar.", "Phone (614) 555-0142 for $1.50 per 1.5 bar."),
        // Punctuation left behind by removals is tidied.
        Case("Call us ( ) now , please ..", "Call us now, please."),
        Case("", ""),
        Case("🎉 👍", ""),
    ]

    @Test(arguments: cleanCases)
    func clean(_ c: Case) {
        #expect(VoiceText.clean(c.input) == c.expected)
    }

    struct SplitCase: Sendable, CustomTestStringConvertible {
        let input: String
        let expected: [String]
        var testDescription: String { input.debugDescription }
    }

    static let sentenceCases: [SplitCase] = [
        SplitCase(input: "One. Two! Three? Four", expected: ["One.", "Two!", "Three?", "Four"]),
        SplitCase(input: "Dr. Rao and Mrs. Ng work at 12 Harbour St. Portwell. Call us.",
                  expected: ["Dr. Rao and Mrs. Ng work at 12 Harbour St. Portwell.", "Call us."]),
        SplitCase(input: "Bring ID, e.g. A passport. Or i.e. Whatever.",
                  expected: ["Bring ID, e.g. A passport.", "Or i.e. Whatever."]),
        SplitCase(input: "We open at 8 a.m. Monday to Friday. We close at 5 p.m. On Saturdays we open late.",
                  expected: ["We open at 8 a.m. Monday to Friday.", "We close at 5 p.m.",
                             "On Saturdays we open late."]),
        SplitCase(input: "A filling costs $1.50 or 1.5 units. Next.", expected: ["A filling costs $1.50 or 1.5 units.", "Next."]),
        SplitCase(input: "Ask J. R. Smith. He knows.", expected: ["Ask J. R. Smith.", "He knows."]),
        SplitCase(input: "Taps, toilets etc. We do those. And showers etc. in May.",
                  expected: ["Taps, toilets etc.", "We do those.", "And showers etc. in May."]),
        SplitCase(input: "It costs approx. 20 pounds. Fine.", expected: ["It costs approx. 20 pounds.", "Fine."]),
        SplitCase(input: "He said \"Stop.\" Then left. (It was late.) Done.",
                  expected: ["He said \"Stop.\"", "Then left.", "(It was late.)", "Done."]),
        SplitCase(input: "Really?! Yes... maybe. Email hello@x.example. Thanks.",
                  expected: ["Really?!", "Yes... maybe.", "Email hello@x.example.", "Thanks."]),
        SplitCase(input: "First paragraph without stop\n\nSecond one.\nStill second.",
                  expected: ["First paragraph without stop", "Second one.", "Still second."]),
        SplitCase(input: "   ", expected: []),
        SplitCase(input: "Call 0800 111 999. 24 hours a day.", expected: ["Call 0800 111 999.", "24 hours a day."]),
    ]

    @Test(arguments: sentenceCases)
    func sentences(_ c: SplitCase) {
        #expect(VoiceText.sentences(c.input) == c.expected)
    }

    @Test func cleanOutputIsOneLineWithoutMarkup() throws {
        let text = "# Title\n\n**Bold** _it_ `code` [link](http://x.example)\n\n| a | b |\n|---|---|\n| c | d |\n- item"
        let cleaned = VoiceText.clean(text)
        #expect(cleaned == "Title. Bold it code link. c: d. item.")
        for mark in ["*", "_", "`", "#", "|", "[", "]", "http", "\n"] {
            #expect(!cleaned.contains(mark), "\(mark)")
        }
    }

    /// Every word of the cleaned text of each sample knowledge entry appears in the entry or is one of the
    /// cleaner's fixed spoken forms, and sentence splitting loses no words.
    @Test func cleaningSampleKnowledgeInventsNoWords() throws {
        let entries = try KnowledgeSamples.all()
        #expect(entries.count == 148)
        for entry in entries {
            let source = Set(ContentWords.words(entry.content))
            let cleaned = VoiceText.clean(entry.content)
            let invented = Set(ContentWords.words(cleaned)).subtracting(source).subtracting(VoiceText.spokenForms)
            #expect(invented.isEmpty, "\(entry.title): \(invented)")
            #expect(VoiceText.sentences(cleaned).joined(separator: " ") == cleaned, "\(entry.title)")
        }
    }
}
