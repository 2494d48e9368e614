import Maintenance

extension MaintenanceTriage {
    /// One emergency rule's phrases (``PhrasePattern`` syntax) and the phrases that, overlapping a match, make it
    /// something else ("the leak has stopped", "water stain").
    struct RuleTable: Sendable {
        var rule: MaintenanceRule
        var patterns: [PhrasePattern]
        var unless: [PhrasePattern]

        init(_ rule: MaintenanceRule, _ patterns: [String], unless: [String] = []) {
            self.rule = rule
            self.patterns = patterns.map(PhrasePattern.init)
            self.unless = unless.map(PhrasePattern.init)
        }

        /// The leftmost (then longest) match that is neither negated nor overlapped by an exception.
        func firstMatch(in text: SpokenText) -> Range<Int>? {
            let exceptions = unless.flatMap { $0.matches(in: text) }
            var best: Range<Int>?
            for pattern in patterns {
                for range in pattern.matches(in: text) {
                    if Negation.isNegated(range, in: text) || exceptions.contains(where: { $0.overlaps(range) }) { continue }
                    if let found = best,
                       found.lowerBound < range.lowerBound || (found.lowerBound == range.lowerBound && found.count >= range.count) {
                        continue
                    }
                    best = range
                }
            }
            return best
        }
    }

    /// Words that put a flood, a backup or a break-in in the past: "flooded last year", "broke in months ago".
    static let history = [
        "..4 last week|month|year|spring|summer|fall|autumn|winter|time",
        "..4 weeks|months|years ago", "..4 a while|long time ago",
    ]

    /// Every "subject gap predicate" pattern: ``PhrasePattern`` alternatives are single words, so a table that
    /// needs "air conditioning" or "not working" among its alternatives lists them as strings here.
    static func phrases(_ subjects: [String], _ gap: String, _ predicates: [String]) -> [String] {
        subjects.flatMap { subject in predicates.map { "\(subject) \(gap) \($0)" } }
    }

    static let heaters = ["heat|heating|furnace|boiler|radiators|radiator|heater|heaters"]
    static let coolers = ["ac|aircon|conditioner", "air conditioning|conditioner|con", "a c"]
    static let broken = ["not|stopped working", "broke|broken|died|dead|failed|stopped|quit|out|off|gone|down"]
    static let wontStart = ["will|does|would|can not turn|come|start|fire|light|ignite|work|kick|cool"]
    static let fixedAgain = ["back|fixed|sorted|repaired|restored", "working again"]

    /// The maintenance emergencies, in the order they are tried (the first that fires decides).
    static let emergencyRules: [RuleTable] = [
        RuleTable(.flooding, [
            "flood|floods|flooded|flooding !light|lights|insurance|risk|zone|plain|lamp|warning|warnings|alert|defence|defences|defense",
            "water everywhere", "water all over",
            "water ..2 pouring|gushing|spraying|streaming|cascading|rushing|spurting|shooting|bursting|overflowing",
            "water ..4 ceiling|ceilings", "ceiling|ceilings ..3 leaking|dripping|pouring|collapsed|collapsing|caved|caving",
            "leak|leaks|leaking|dripping ..3 through|from the? ceiling|ceilings|light|lights",
            "burst|bursting|busted|split ..2 pipe|pipes|main|mains|hose|tank|cylinder|radiator|heater",
            "pipe|pipes|main|mains|hose|tank|cylinder|radiator|heater ..2 burst|bursted|bursting|busted|exploded|split|blown",
            "can|could not stop|turn|shut ..2 water|leak|leaking", "will|does|would not stop ..1 leaking|running|pouring|gushing",
            "leak|leaks|leaking ..2 badly|heavily|fast|everywhere|nonstop|constantly", "leaking a lot",
            "major|huge|big|massive|serious|bad ..1 leak", "water ..2 inches|ankle|deep|rising", "inches of water",
            "standing water", "sink|bath|bathtub|tub|washer|dishwasher|machine ..2 overflow|overflowing|overflowed",
        ], unless: [
            "water stain|stains|stained|damage|damaged|mark|marks|spot|spots|pressure|bill|softener|filter|meter",
            "flood|floods|flooded|flooding|leak|leaks|leaking|water|pipe|burst ..3 stopped|fixed|gone|dried|sorted|repaired|over",
            "under control", "stopped the? leak|leaks|leaking|flooding|water", "managed to stop|shut",
        ] + history.map { "flood|floods|flooded|flooding|leaked|burst|overflowed " + $0 }),
        RuleTable(.sewageBackup, [
            "sewage|sewer|sewerage ..3 back|backing|backed|backup|coming|overflowing|overflow|overflowed|everywhere|spilling|leaking|pouring|flooding|bubbling|rising|in|on|all",
            "raw sewage", "overflow|overflows|overflowing|overflowed|backed|backing|flooding|flooded|full ..3 sewage|sewer",
            "toilet|toilets ..3 overflow|overflows|overflowing|overflowed|backing|backed|bubbling",
            "toilet|toilets ..3 coming up ..3 tub|bathtub|shower|sink|drain",
            "floor|basement drain|drains ..5 backing|backed|overflowing|overflowed",
            "tub|bathtub|shower ..2 backing|backed up ..2 toilet|sewage|sewer",
        ], unless: [
            "sewage|sewer|toilet|toilets|drain ..3 stopped|fixed|cleared|unblocked|unclogged|sorted|repaired",
        ] + history.map { "sewage|sewer|toilet|toilets|backed|overflowed " + $0 }),
        RuleTable(.noHeat, [
            "no heat|heating", "without heat|heating",
            "heat|heating|furnace|boiler ..2 is|has|keeps? cutting|cut|shutting|shut ..1 out|off",
        ] + phrases(heaters, "..2", broken + wontStart + ["cold"]), unless: [
            "water heater|heaters", "hot water",
        ] + phrases(heaters, "..3", fixedAgain)),
        RuleTable(.noCooling, [
            "no ac|aircon|cooling", "no air conditioning|con", "no a c",
        ] + phrases(coolers + ["cooling"], "..2", broken + wontStart + ["blowing hot|warm"]),
        unless: phrases(coolers + ["cooling"], "..3", fixedAgain)),
        RuleTable(.noWater, [
            "no|without running? water !leak|leaking|leaks|damage|stain|stains|on|dripping|pressure|bill|heater",
            "water ..2 been? shut|cut|turned off", "water is|was|has|got off|out|gone",
            "nothing ..2 coming|comes|came out ..3 tap|taps|faucet|faucets|shower|sink",
            "no water ..2 coming|comes|came out", "water ..2 not|stopped working|running",
            "taps|tap|faucets|faucet|sink|shower ..2 dry", "taps|tap|faucets|faucet|sink|shower ..2 no water",
        ], unless: [
            "hot water", "water heater|heaters",
            "no water ..3 ceiling|floor|floors|wall|walls|carpet|leak|leaking|damage|anymore",
            "i|we turned|shut|switched ..3 water",
        ] + phrases(["water"], "..3", fixedAgain)),
        RuleTable(.noPower, [
            "no power|electricity|electric|lights", "without power|electricity",
            "power|electricity went ..1 out|off", "lost power|electricity", "power|electricity cut|outage|failure",
            "blackout|blackouts", "black out",
        ] + phrases(["power|electricity", "all the? lights"], "..2", broken), unless: [
            "no power washing|washer|tools|steering",
        ] + phrases(["power|electricity|lights"], "..3", fixedAgain)),
        RuleTable(.security, [
            "door|doors|lock|locks|window|windows|deadbolt ..2 will|does|can|would not lock|close|shut|secure|latch",
            "can|could not lock|close|secure ..2 door|doors|window|windows|apartment|house|flat|unit|place|home",
            "lock|locks|deadbolt ..2 broken|broke|smashed|jammed|snapped|busted|missing",
            "door|doors ..2 kicked|smashed|forced|busted", "door|doors ..2 off its|the hinges",
            "kicked|forced|smashed ..3 door|doors",
            "front|back|entry|entrance|main|outside|exterior|apartment|patio|balcony|sliding door|doors ..2 broken|broke",
            "window|windows|glass|pane|panes ..2 smashed|shattered|broken|busted",
            "smashed|shattered|broken|busted window|windows|glass|door",
            "break in !the|a|my|our|your|his|her|pipe|line|service|supply|main|power|water",
            "broke|broken|breaking into", "broke|broken|breaking in !the|a|an|my|our|half|two|pieces",
            "burglary|burgled|burglarized|burglar|burglars|intruder|intruders",
        ], unless: [
            "mailbox|mail|locker|cabinet|cupboard|drawer|car|bike|closet|shower|oven|fridge|dishwasher|bathroom|bedroom door? lock|locks|door|doors",
            "locks|closes|shuts fine",
        ] + phrases(["door|doors|lock|locks|window|windows"], "..3", fixedAgain)
          + history.map { "broke|broken|burglary|burgled|kicked|smashed " + $0 }),
    ]

    /// An urgent condition: a name for the reason, its phrases, and phrases that overlapping a match cancel it.
    struct UrgentCondition: Sendable {
        var name: String
        var patterns: [PhrasePattern]
        var unless: [PhrasePattern]

        init(_ name: String, _ patterns: [String], unless: [String] = []) {
            self.name = name
            self.patterns = patterns.map(PhrasePattern.init)
            self.unless = unless.map(PhrasePattern.init)
        }
    }

    /// Urgent, not emergency, in the order they are tried.
    static let urgentConditions: [UrgentCondition] = [
        UrgentCondition("no hot water", ["no|without hot water"]
            + phrases(["hot water", "water heater|heaters"], "..2", broken + wontStart + ["cold|leaking|leaks"])),
        UrgentCondition("a leak", [
            "leak|leaks|leaking|leaked|leakage !proof", "water ..3 floor|floors|carpet|ground", "water under the? sink",
        ], unless: [
            "tap|taps|faucet|faucets|showerhead ..2 leak|leaks|leaking|dripping", "shower head ..2 leak|leaks|leaking|dripping",
            "leak|leaks|leaking ..5 stopped|fixed",
        ]),
        UrgentCondition("a toilet that does not work", phrases(["toilet|toilets"], "..3", broken + [
            "not flushing", "will|does|can|would not flush|work", "blocked|clogged", "stopped up",
        ])),
        UrgentCondition("a fridge or stove that does not work",
                        phrases(["fridge|refrigerator|freezer|stove|oven|cooker|hob|range"], "..3", broken + wontStart + [
                            "warm", "not cooling|cold|heating",
                        ])),
        UrgentCondition("a lock-out", ["locked out", "lost ..2 keys|key", "key ..2 broke|broken|snapped|stuck"]),
        UrgentCondition("a tripping breaker or dead outlets", [
            "breaker|breakers|fuse|fuses ..3 trip|trips|tripping|tripped|keeps|blown|blew",
        ] + phrases(["outlet|outlets|socket|sockets"], "..3", broken)),
        UrgentCondition("a safety alarm beeping", ["smoke|fire alarm|alarms|detector|detectors ..3 beep|beeps|beeping|chirp|chirps|chirping"]),
    ]

    static func firstUrgent(in text: SpokenText) -> (String, Range<Int>)? {
        for row in urgentConditions {
            let exceptions = row.unless.flatMap { $0.matches(in: text) }
            for pattern in row.patterns {
                if let range = pattern.matches(in: text).first(where: { range in
                    !Negation.isNegated(range, in: text) && !exceptions.contains(where: { $0.overlaps(range) })
                }) {
                    return (row.name, range)
                }
            }
        }
        return nil
    }

    /// The tenant's own urgency: makes a problem urgent, never an emergency.
    static let tenantUrgency: [PhrasePattern] = [
        "emergency|emergencies|urgent|urgently|asap|immediately", "right away|now", "as soon as possible",
        "a s a p", "straight away", "getting worse", "spreading",
    ].map(PhrasePattern.init)

    /// Words that say something is wrong ("broken", "not working", "mice"), which with a trade's word name a
    /// problem.
    static let problemWords: [PhrasePattern] = [
        "broken|broke|busted|damaged|cracked|crack|hole|stuck|jammed|loose|fell|falling|collapsed|missing|leak*|drip*|clogged|blocked|infested|infestation|mould|mold|moldy|mouldy",
        "noise|noises|noisy|banging|rattling|buzzing|humming|squeaking|grinding|smell|smells|smelly|stinks|overflowing|flickering|sparking",
        "keeps running|tripping|beeping", "come|came|coming|fallen|fell|blown|blew|ripped|torn|hanging off|away|loose|down",
        "off its|the hinge|hinges", "mice|mouse|rats|rat|roaches|cockroaches|bedbugs|termites|wasps|fleas|droppings|ants",
        "bed bugs", "no|without hot water", "no|without heat|heating|power|water|electricity",
        "not|stopped working", "will|does|can not open|close|work|turn|drain|flush|lock|start",
        "keeps ..2 breaking|failing|tripping|going|coming off", "need|needs ..2 fixing|fixed|repair|repaired|replacing|replaced",
        "problem|problems|issue|issues with", "something wrong with",
    ].map(PhrasePattern.init)

    /// A request to report maintenance, with or without the problem ("I need to put in a work order").
    static let maintenanceRequest: [PhrasePattern] = [
        "maintenance", "repair|repairs", "work order", "fix|fixed|fixing", "report ..3 problem|issue|something",
        "something is? wrong|broken", "problem|issue with|in my|the? apartment|unit|flat|house|place",
    ].map(PhrasePattern.init)

    // MARK: - Trades

    struct TradeKeyword: Sendable { var pattern: PhrasePattern; var weight: Int }

    /// Weight 3: a word or compound that settles the trade ("water heater", "locked out", "dishwasher"); 2: a
    /// trade's own word ("toilet", "furnace"); 1: a word several trades share ("water", "leak", "door"). In
    /// tie-break order.
    static let tradeKeywords: [(Trade, [TradeKeyword])] = [
        (.plumbing, keywords([
            (3, "water heater|heaters"), (3, "garbage disposal|disposals"), (3, "hot water"),
            (2, "pipe|pipes|pipework|plumbing|plumber|toilet|toilets|sink|sinks|tap|taps|faucet|faucets|drain|drains"),
            (2, "shower|showers|bath|bathtub|tub|sewage|sewer|septic|cistern|valve|stopcock|disposal"),
            (1, "leak|leaks|leaking|leaky|leaked|drip|dripping|water|clog|clogged|blocked|blockage|flood|flooded|flooding|gas"),
        ])),
        (.electrical, keywords([
            (3, "light fixture|fixtures"), (3, "circuit breaker|breakers"),
            (2, "power|electricity|electrical|electric|outlet|outlets|socket|sockets|breaker|breakers|fuse|fuses|fusebox"),
            (2, "wiring|wires|wire|electrician|gfci|sparks|sparking"),
            (1, "light|lights|switch|switches|panel"),
        ])),
        (.hvac, keywords([
            (3, "air conditioning|conditioner|con"), (3, "heat pump|pumps"),
            (2, "heat|heating|heater|heaters|furnace|boiler|boilers|radiator|radiators|thermostat|ac|aircon|hvac|ductwork"),
            (2, "a c"), (1, "vent|vents|duct|ducts|cooling|cold|freezing|hot|warm"),
        ])),
        (.appliance, keywords([
            (3, "washing machine|machines"), (3, "ice maker"), (3, "range hood"), (3, "tumble dryer"),
            // An appliance named is the subject: "the dishwasher won't drain" is not a drain.
            (3, "fridge|fridges|refrigerator|freezer|oven|ovens|stove|stoves|cooker|hob|dishwasher|washer|dryer|microwave|appliance|appliances"),
        ])),
        (.locksmith, keywords([
            (3, "locked out"),
            (2, "lock|locks|locked|key|keys|deadbolt|deadbolts|locksmith|latch"),
        ])),
        // A pest named settles the trade whatever it is near ("mice behind the cooker").
        (.pest, keywords([
            (4, "bed bugs|bug"),
            (4, "pest|pests|mice|mouse|rat|rats|rodent|rodents|roach|roaches|cockroach|cockroaches|bedbugs|termites|wasps|hornets|fleas|infestation|exterminator|droppings"),
            (1, "bugs|ants|insects"),
        ])),
        (.roofing, keywords([
            (2, "roof|roofs|roofing|shingle|shingles|gutter|gutters|skylight|skylights|roofer|chimney"),
        ])),
        (.general, keywords([
            (2, "handyman|drywall|plaster|cabinet|cabinets|cupboard|cupboards|railing|banister|fence|blinds|countertop"),
            (2, "window|windows|glass|pane|panes|glazing"),
            (1, "door|doors|wall|walls|ceiling|ceilings|floor|floors|tile|tiles|carpet|stairs|mold|mould|gate|hole|fan|fans"),
        ])),
    ]

    static func keywords(_ rows: [(weight: Int, pattern: String)]) -> [TradeKeyword] {
        rows.map { TradeKeyword(pattern: PhrasePattern($0.pattern), weight: $0.weight) }
    }

    /// The trade a rule implies when no word names one, and the extra point it gives that trade.
    static let ruleTrades: [MaintenanceRule: Trade] = [
        .flooding: .plumbing, .sewageBackup: .plumbing, .noHeat: .hvac, .noCooling: .hvac, .noWater: .plumbing,
        .noPower: .electrical, .security: .locksmith, .gas: .plumbing, .carbonMonoxide: .hvac, .fire: .general,
        .electricalHazard: .electrical,
    ]

    /// The best-scoring trade (ties: table order); nil when no word names one and no rule implies one.
    static func trade(in text: SpokenText, rule: MaintenanceRule?) -> Trade? {
        var best: (trade: Trade, score: Int)?
        let implied = rule.flatMap { ruleTrades[$0] }
        for (trade, keywords) in tradeKeywords {
            var score = trade == implied ? 1 : 0
            // Negation does not matter here: "no hot water" is about hot water.
            for keyword in keywords where keyword.pattern.firstMatch(in: text) != nil {
                score += keyword.weight
            }
            if score > (best?.score ?? 0) { best = (trade, score) }
        }
        return best?.trade
    }
}
