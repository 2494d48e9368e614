import Testing
import Receptionist

@Suite struct EmergencyDetectorTests {
    let detector = EmergencyDetector()

    @Test(arguments: [
        // gas
        ("yeah hi um i think i smell gas in the kitchen", EmergencyCategory.gas, "smell gas"),
        ("it smells like gas in here", .gas, "smells like gas"),
        ("there's a strong gas smell upstairs", .gas, "gas smell"),
        ("I think we have a gas leak", .gas, "gas leak"),
        ("the gas is leaking from the cooker", .gas, "gas is leaking"),
        ("I can smell rotten eggs near the boiler", .gas, "smell rotten eggs"),
        ("no, I smell gas", .gas, "smell gas"),
        // carbon monoxide
        ("the carbon monoxide alarm is going off", .carbonMonoxide, "carbon monoxide"),
        ("our CO alarm keeps beeping", .carbonMonoxide, "co alarm"),
        ("the co detector went off twice", .carbonMonoxide, "co detector"),
        // water
        ("a pipe has burst in the loft", .water, "pipe has burst"),
        ("we've got a burst pipe", .water, "burst pipe"),
        ("the pipe's burst under the sink", .water, "pipe's burst"),
        ("the heating's not working", .heating, "heating's not working"),
        ("the basement is flooding", .water, "flooding"),
        ("the kitchen is flooded", .water, "flooded"),
        ("there's water everywhere", .water, "water everywhere"),
        ("water is pouring through the ceiling", .water, "water is pouring"),
        ("water coming through the ceiling", .water, "water coming through the ceiling"),
        ("I can't turn off the water", .water, "can not turn off the water"),
        ("the tap won't stop running", .water, "will not stop running"),
        // sewage
        ("we have a sewage backup in the basement", .sewage, "sewage backup"),
        ("sewage is coming up through the shower drain", .sewage, "sewage is coming"),
        ("the toilet is overflowing with sewage", .sewage, "overflowing with sewage"),
        ("the sewer is backing up into the yard", .sewage, "sewer is backing"),
        // electrical
        ("the outlet is sparking", .electrical, "outlet is sparking"),
        ("there were sparks from the fuse box", .electrical, "sparks"),
        ("there's a burning smell from the socket", .electrical, "burning smell"),
        ("smoke coming from the outlet", .electrical, "smoke coming from the outlet"),
        ("I think it's an electrical fire", .electrical, "electrical fire"),
        ("it smells like burning plastic", .electrical, "smells like burning"),
        // fire
        ("there's a fire in the kitchen", .fire, "fire"),
        ("the garage is on fire", .fire, "fire"),
        ("the fire alarm is going off", .fire, "fire alarm is going off"),
        ("there's smoke everywhere", .fire, "smoke"),
        ("call the fire brigade", .fire, "fire"),
        // heating
        ("we have no heat and it's freezing", .heating, "no heat"),
        ("no heat", .heating, "no heat"),
        ("no heating with a newborn baby in the house", .heating, "no heating"),
        ("the furnace stopped working and my mum is elderly", .heating, "furnace stopped"),
        ("the heating isn't working at all", .heating, "heating is not working"),
        ("the boiler has packed up", .heating, "boiler has packed up"),
        // medical (dental clinic)
        ("my gum is bleeding and it won't stop", .medical, "bleeding and it will not stop"),
        ("he knocked his tooth out playing rugby", .medical, "knocked his tooth out"),
        ("my son knocked out a front tooth", .medical, "knocked out a front tooth"),
        ("my face is really swollen", .medical, "face is really swollen"),
        ("there's a lot of swelling after the extraction", .medical, "lot of swelling"),
        ("she's having trouble breathing", .medical, "trouble breathing"),
        // security (property)
        ("someone broke into the flat last night", .security, "broke into"),
        ("there's been a break-in", .security, "break in"),
        ("the front door won't lock", .security, "door will not lock"),
        ("I can't lock the back door", .security, "can not lock the back door"),
        ("the downstairs window has been smashed", .security, "window has been smashed"),
        ("I'm locked out of my flat", .security, "locked out"),
    ])
    func detects(text: String, category: EmergencyCategory, phrase: String) {
        #expect(detector.detect(text) == EmergencyMatch(phrase: phrase, category: category), "\(text)")
    }

    @Test(arguments: [
        // negated
        "no leak",
        "there's no gas smell",
        "it's not an emergency",
        "it's not an emergency but the pipe has burst",
        "nothing urgent, the basement flooded last year and I want it checked",
        "not flooding anymore",
        "I don't smell gas",
        "I can't smell any gas",
        "no sparks or anything",
        "there's no smoke",
        "it's not sparking",
        "we never had a gas leak",
        "the heating is fine, no problem there",
        // not emergencies at all
        "the gas bill seems high",
        "can you service my gas boiler",
        "I'd like a quote for a fire pit",
        "my fireplace needs sweeping",
        "do you do fire safety inspections",
        "can you fit a fire door",
        "the gas fire in the lounge won't light",
        "my heating is a bit slow to warm up",
        "there's a small leak under the sink",
        "my tap is dripping",
        "I need a new spark plug",
        "there's a water stain on the ceiling",
        "I'd like a cleaning",
        "can you install a gas leak detector",
        "what are your hours",
        "",
    ])
    func ignores(text: String) {
        #expect(detector.detect(text) == nil, "\(text)")
    }

    @Test func aGasSmellOutranksTheFloodItMentionsFirst() {
        #expect(detector.detect("the basement is flooding and now I smell gas")?.category == .gas)
    }

    @Test func negationStopsAtAClauseBreakOrANewSubject() {
        #expect(detector.detect("not sure, but I smell gas")?.category == .gas)
        #expect(detector.detect("I'm not sure but the basement is flooding")?.category == .water)
        #expect(detector.detect("no leak before but now the pipe has burst")?.category == .water)
    }

    @Test(arguments: [
        ("The LIFT is STUCK between floors", "lift is stuck"),
        ("our walk-in freezer is down", "walk in freezer is down"),
    ])
    func matchesTheBusinessOwnPhrases(text: String, phrase: String) {
        let detector = EmergencyDetector(extraPhrases: ["Lift is stuck", "walk-in freezer is down", "  "])
        #expect(detector.detect(text) == EmergencyMatch(phrase: phrase, category: .custom))
        #expect(detector.detect("the lift isn't stuck, the lift is fine") == nil)
        #expect(EmergencyDetector().detect(text) == nil)
    }

    @Test func negatedBusinessPhrasesDoNotMatch() {
        let detector = EmergencyDetector(extraPhrases: ["walk-in freezer is down"])
        #expect(detector.detect("no, the walk-in freezer is down") != nil)
        #expect(detector.detect("the walk-in freezer is not down") == nil)
    }

    @Test func businessPhrasesAllowOneWordBetweenTheirWords() {
        let detector = EmergencyDetector(extraPhrases: ["tooth came out", "locked out"])
        #expect(detector.detect("my son got hit with a baseball and his front tooth came right out")?.phrase == "tooth came right out", "the caller's words are reported")
        #expect(detector.detect("it's ten at night and i've locked myself out")?.phrase == "locked myself out")
        #expect(detector.detect("i locked the back door and went out") == nil, "two words apart is another sentence")
        #expect(detector.detect("i'm not locked out any more") == nil)
    }
}
