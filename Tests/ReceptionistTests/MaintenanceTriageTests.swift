import Foundation
import Maintenance
import Testing
@testable import Receptionist

/// Each emergency rule with words that fire it and words that must not; then the conditions, urgency and trades.
struct MaintenanceTriageTests {
    static let triage = MaintenanceTriage()

    // MARK: - Emergency rules

    static let fires: [(String, MaintenanceRule)] = [
        // flooding / active leak
        ("the kitchen is flooding", .flooding),
        ("water is pouring through the ceiling in the bathroom", .flooding),
        ("theres water coming through my ceiling light", .flooding),
        ("a pipe burst under the sink", .flooding),
        ("the washing machine hose burst and theres water everywhere", .flooding),
        ("i cant stop the water its leaking from the wall", .flooding),
        ("there's a huge leak in the basement", .flooding),
        ("the bathtub is overflowing and it wont shut off", .flooding),
        // sewage backup
        ("sewage is coming up through the shower drain", .sewageBackup),
        ("the toilet is overflowing everywhere", .sewageBackup),
        ("raw sewage in the basement", .sewageBackup),
        ("the floor drain in the basement is backing up", .sewageBackup),
        // no water, no power
        ("we have no water at all", .noWater),
        ("nothing is coming out of the taps", .noWater),
        ("the water's been shut off in the whole building", .noWater),
        ("we have no power", .noPower),
        ("the power went out in my apartment and the neighbours have it", .noPower),
        ("all the lights are out", .noPower),
        // security
        ("my front door won't lock", .security),
        ("someone broke in last night and smashed the window", .security),
        ("the lock on the front door is broken", .security),
        ("i can't lock my apartment", .security),
        ("the sliding door is off the hinges", .security),
        // life safety: the emergency detector's phrases
        ("i can smell gas in the kitchen", .gas),
        ("the carbon monoxide alarm is going off", .carbonMonoxide),
        ("there's smoke coming out of the oven", .fire),
        ("the outlet in the bedroom is sparking", .electricalHazard),
        ("my neighbour is unconscious in the hallway", .medical),
    ]

    @Test(arguments: Self.fires)
    func ruleFires(_ text: String, _ rule: MaintenanceRule) {
        let assessment = Self.triage.assess(text)
        #expect(assessment.rule == rule, "\(text): \(assessment.reason)")
        #expect(assessment.priority == .emergency)
        #expect(assessment.namesProblem)
        #expect(assessment.isLifeSafety == [.gas, .carbonMonoxide, .fire, .electricalHazard, .medical].contains(rule))
    }

    /// Negated, resolved, past, or simply not the rule.
    static let doesNotFire: [String] = [
        // flooding
        "the leak is not flooding anything", "no leak anymore thanks", "it's not flooding", "the flooding has stopped",
        "the basement flooded last year and theres a water stain", "a small leak under the sink",
        "theres a water stain on the ceiling", "the flood lights in the car park are out",
        // sewage
        "the toilet is running", "no sewage or anything", "the toilet overflowed last month but it's fixed",
        // no water / power
        "no hot water since yesterday", "there's no water leaking anymore", "the water pressure is low",
        "the power is back on now", "no power washing needed", "one light bulb is out in the hallway",
        // security
        "the door locks fine now", "the bathroom door lock is broken", "someone broke in years ago",
        "the mailbox lock is broken", "the window is a bit drafty",
        // life safety negated
        "i do not smell gas", "no smoke or anything", "the gas bill is too high",
    ]

    @Test(arguments: Self.doesNotFire)
    func ruleDoesNotFire(_ text: String) {
        let assessment = Self.triage.assess(text)
        #expect(assessment.rule == nil, "\(text): \(assessment.reason)")
        #expect(assessment.priority != .emergency)
    }

    @Test func theTenantsNotAnEmergencyDoesNotCancelAMaintenanceRuleButDoesALifeSafetyOne() {
        #expect(Self.triage.assess("it's not an emergency but water is pouring through the ceiling").rule == .flooding)
        #expect(Self.triage.assess("it's not an emergency but i smell gas").rule == nil, "as the call's detector reads it")
    }

    @Test func theWordEmergencyAloneIsUrgentNotAnEmergency() {
        let assessment = Self.triage.assess("this is an emergency my dishwasher stopped working")
        #expect(assessment.priority == .urgent)
        #expect(assessment.rule == nil)
        #expect(assessment.trade == .appliance)
    }

    // MARK: - Heat and cooling

    static let noHeat: [(text: String, outdoor: Double?, expected: TicketPriority)] = [
        // no temperature known: urgent, never an emergency
        ("the heat is not working", nil, .urgent),
        ("no heat since last night", nil, .urgent),
        ("the furnace won't turn on", nil, .urgent),
        // the tenant's temperature
        ("the heat is out and it's 40 degrees in here", nil, .emergency),
        ("the heat is out and it's forty in here", nil, .emergency),
        ("no heat and its 50 degrees inside", nil, .urgent),
        ("no heat and its 50 degrees inside and i have a newborn", nil, .emergency),
        ("no heat and its 50 degrees inside my mother is 85 years old", nil, .emergency),
        ("no heat and its 50 degrees inside my husband is on oxygen", nil, .emergency),
        ("no heat its 50 degrees but no kids or elderly here", nil, .urgent),
        ("the heating is broken its 5 degrees celsius in the flat", nil, .emergency),
        ("no heat and it's below freezing outside", nil, .emergency),
        ("no heat and it's minus 3 outside", nil, .emergency),
        ("the heat is off it's 40°F", nil, .emergency),
        // the business's outdoor temperature
        ("the heat is not working", 30, .emergency),
        ("the heat is not working", 50, .urgent),
        ("the heat is not working and my baby is here", 50, .emergency),
        ("the heat is not working and my baby is here", 60, .urgent),
        // the coldest known temperature decides
        ("the heat is not working but its 68 in here", 30, .emergency),
        // resolved or negated
        ("the heat is back on now", 20, .routine),
        ("the heat is not out it's just noisy", 20, .routine),
    ]

    @Test(arguments: Self.noHeat)
    func noHeatIsAnEmergencyOnlyInTheCold(_ text: String, _ outdoor: Double?, _ expected: TicketPriority) {
        let assessment = MaintenanceTriage(outdoorFahrenheit: outdoor).assess(text)
        #expect(assessment.priority == expected, "\(text) @ \(outdoor.map { "\($0)" } ?? "?"): \(assessment.reason)")
        #expect(assessment.rule == (expected == .emergency ? .noHeat : nil))
        if expected == .urgent { #expect(assessment.conditionalRule == .noHeat) }
        if expected != .routine { #expect(assessment.trade == .hvac) }
    }

    static let noCooling: [(text: String, outdoor: Double?, expected: TicketPriority)] = [
        ("the ac is not working", nil, .urgent),
        ("the air conditioning is broken", 90, .urgent),
        ("the air conditioning is broken", 101, .emergency),
        ("the ac died and it's 98 degrees in here", nil, .emergency),
        ("the ac is blowing warm air and it's 96 outside", nil, .emergency),
        ("the ac is working again", 101, .routine),
    ]

    @Test(arguments: Self.noCooling)
    func noCoolingIsAnEmergencyOnlyInTheHeat(_ text: String, _ outdoor: Double?, _ expected: TicketPriority) {
        let assessment = MaintenanceTriage(outdoorFahrenheit: outdoor).assess(text)
        #expect(assessment.priority == expected, "\(text): \(assessment.reason)")
        #expect(assessment.rule == (expected == .emergency ? .noCooling : nil))
    }

    @Test func theReasonSaysWhichTemperatureAndThresholdDecided() {
        let cold = Self.triage.assess("the heat is out and it's 40 degrees in here")
        #expect(cold.reason == "emergency: no heat (\"heat is out\") and 40 °F, below 45 °F")
        #expect(cold.statedFahrenheit == [40])
        let vulnerable = Self.triage.assess("no heat and its 50 degrees inside and i have a newborn")
        #expect(vulnerable.vulnerableOccupants)
        #expect(vulnerable.reason.hasSuffix("below 55 °F with vulnerable occupants"))
        let unknown = Self.triage.assess("the heat is not working")
        #expect(unknown.reason == "urgent: no heat (\"heat is not working\") with no known temperature below 45 °F")
    }

    @Test func temperaturesAreReadOnlyWhereTheyAreTemperatures() {
        #expect(MaintenanceTriage.statedTemperatures(in: SpokenText("its 40 degrees in here").convertingNumberWords()) == [40])
        #expect(MaintenanceTriage.statedTemperatures(in: SpokenText("five degrees celsius").convertingNumberWords()) == [41])
        #expect(MaintenanceTriage.statedTemperatures(in: SpokenText("apartment 40 on the second floor").convertingNumberWords()).isEmpty)
        #expect(MaintenanceTriage.statedTemperatures(in: SpokenText("come at 2 in the morning").convertingNumberWords()).isEmpty)
        #expect(MaintenanceTriage.statedTemperatures(in: SpokenText("it is 55 in the apartment").convertingNumberWords()) == [55])
    }

    // MARK: - Urgent and routine

    static let priorities: [(String, TicketPriority, Trade?)] = [
        ("we have no hot water", .urgent, .plumbing),
        ("the water heater is leaking", .urgent, .plumbing),
        ("there's a leak under the kitchen sink", .urgent, .plumbing),
        ("our only toilet won't flush", .urgent, .plumbing),
        ("the fridge stopped working and the food is going off", .urgent, .appliance),
        ("i'm locked out of my apartment", .urgent, .locksmith),
        ("the breaker keeps tripping", .urgent, .electrical),
        ("the smoke alarm keeps chirping", .urgent, nil),
        ("the bathroom tap is dripping", .routine, .plumbing),
        ("the faucet is leaking a little", .routine, .plumbing),
        ("the dishwasher is making a weird noise", .routine, .appliance),
        ("there are mice in the kitchen", .routine, .pest),
        ("the bedroom window is cracked", .routine, .general),
        ("a cabinet door fell off", .routine, .general),
        ("water is dripping from the roof into the attic when it rains", .routine, .roofing),
        ("the garbage disposal is jammed asap please", .urgent, .plumbing),
    ]

    @Test(arguments: Self.priorities)
    func urgentAndRoutine(_ text: String, _ priority: TicketPriority, _ trade: Trade?) {
        let assessment = Self.triage.assess(text)
        #expect(assessment.priority == priority, "\(text): \(assessment.reason)")
        if let trade { #expect(assessment.trade == trade, "\(text)") }
        #expect(assessment.namesProblem, "\(text)")
    }

    @Test func wordsThatNameNoProblem() {
        for text in ["what time does the office open", "i'd like to pay my rent", "is the pool open on sundays",
                     "hi how are you", "can i get a parking permit", "the toilet is fine"] {
            let assessment = Self.triage.assess(text)
            #expect(!assessment.namesProblem, "\(text)")
            #expect(assessment.priority == .routine, "\(text)")
        }
        let request = Self.triage.assess("i need to put in a maintenance request")
        #expect(request.asksForMaintenance)
        #expect(!request.namesProblem)
    }

    @Test func aRuleWithoutATradeWordImpliesItsTrade() {
        #expect(Self.triage.assess("someone broke in").trade == .locksmith)
        #expect(Self.triage.assess("we have no power").trade == .electrical)
        #expect(Self.triage.assess("there is no heat").trade == .hvac)
        #expect(Self.triage.assess("the washing machine is overflowing").trade == .appliance, "a trade's own word wins")
    }

    @Test func theBusinesssOwnPhrasesAreAnEmergencyWithoutTheGetOutLine() {
        let triage = MaintenanceTriage(emergencyPhrases: ["elevator stuck"])
        let assessment = triage.assess("the elevator is stuck between floors")
        #expect(assessment.rule == .businessPhrase)
        #expect(!assessment.isLifeSafety)
        #expect(MaintenanceTriage().assess("the elevator is stuck between floors").rule == nil)
        let listsNoHeat = MaintenanceTriage(emergencyPhrases: ["no heat", "locked out"])
        #expect(listsNoHeat.assess("there is no heat").priority == .urgent, "the temperature rule decides no heat")
        #expect(listsNoHeat.assess("i'm locked out of my flat").rule == .businessPhrase)
    }

    @Test func typedTextsReadLikeSpokenOnes() {
        let assessment = Self.triage.assess("Hi!! Water is POURING through the ceiling of apt 4B, pls send someone ASAP")
        #expect(assessment.rule == .flooding)
        #expect(assessment.trade == .plumbing)
    }

    @Test func ruleRawValuesArePublicAPI() {
        #expect(MaintenanceRule.allCases.map(\.rawValue) == [
            "flooding", "sewage_backup", "no_heat", "no_cooling", "no_water", "no_power", "security", "business_phrase",
            "gas", "carbon_monoxide", "fire", "electrical_hazard", "medical",
        ])
    }
}
