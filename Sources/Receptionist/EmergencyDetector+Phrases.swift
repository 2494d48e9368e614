import Foundation

extension EmergencyDetector {
    /// The built-in phrase tables, most dangerous category first. Syntax: ``PhrasePattern``.
    static let defaultRules: [Rule] = {
        var rules: [Rule] = []
        func add(_ category: EmergencyCategory, _ patterns: [String], unless: [String] = []) {
            let exceptions = unless.map(PhrasePattern.init)
            rules += patterns.map { Rule(category: category, pattern: PhrasePattern($0), unless: exceptions) }
        }
        add(.gas, [
            "smell|smells|smelling|smelled|smelt ..3 gas",
            "gas leak|leaks|leaking|leakage|smell|smells|smelling|odour|odor|escape|escaping",
            "gas is|was|has|keeps? leak|leaks|leaking|leaked|escaping|smell|smells|smelling|hissing",
            "leak|leaking|leaks|leakage ..1 gas",
            "smell|smells|smelling ..3 rotten egg|eggs", "rotten egg|eggs smell|smells|smelling",
        ], unless: ["gas leak|leaks|leaking ..1 detector|detectors|alarm|test|check|inspection|certificate"])
        add(.carbonMonoxide, [
            "carbon monoxide", "monoxide",
            "co alarm|alarms|detector|detectors|monitor|sensor",
        ])
        add(.electrical, [
            "electrical fire|fires",
            "spark|sparks|sparking|sparked !plug|plugs",
            "burning|burnt smell|smells|odour|odor",
            "smell|smells|smelling|smelled|smelt ..2 burning|burnt|burned|melting|plastic|electrical",
            "smoke|smoking ..3 outlet|outlets|socket|sockets|plug|switch|panel|fuse|fusebox|breaker|wiring|wires|wire|fixture",
            "outlet|outlets|socket|sockets|plug|switch|panel|fusebox|breaker|wiring|wires|wire ..2 smoking|smoke|sparking|sparks|melting|melted|burning|fire",
            "exposed|live|bare|hanging wire|wires|wiring", "power line|lines ..2 down",
            "electric|electrical shock|shocks", "shocked|shocking me|him|her|us|them", "got|getting|get a? shock from",
        ])
        add(.fire, [
            "fire !pit|pits|place|places|door|doors|extinguisher|extinguishers|safety|exit|escape|risk|alarm|alarms|detector|detectors|wood|works|fighter|fighters|rated|proof|resistant|regulations|regs|certificate|inspection|hydrant|insurance|drill|away|code|retardant|blanket|starter|starters|rating|damage|pits",
            "fire|smoke alarm|alarms|detector|detectors ..2 going|went|goes|gone off",
            "fire|smoke alarm|alarms|detector|detectors ..2 sounding|ringing|blaring|screaming",
            "flames", "flame ..2 coming|shooting|out",
            "smoke !detector|detectors|alarm|alarms|free",
            "smoky|smokey",
        ], unless: ["gas|electric|coal|log|wood|open|camp|bon|feature|fake fire"])
        add(.sewage, [
            "sewage|sewer|sewerage ..3 back|backing|backed|backup|coming|overflowing|overflow|overflowed|everywhere|spilling|leaking|pouring|flooding|bubbling|rising",
            "sewage|sewerage in|all|on|coming",
            "raw sewage", "overflow|overflows|overflowing|overflowed|backed|backing|flooding|flooded|full ..3 sewage|sewer",
        ])
        add(.water, [
            "burst|bursting|busted ..2 pipe|pipes|main|mains|hose|tank|cylinder|heater|boiler|radiator",
            "pipe|pipes|main|mains|hose|tank|cylinder|radiator|heater ..2 burst|bursted|bursting|busted|exploded|split|blown",
            "flood|floods|flooded|flooding !light|lights|insurance|risk|zone|plain|lamp|defence|defences|defense",
            "water everywhere", "water ..2 pouring|gushing|spraying|streaming|cascading|rushing|spurting|shooting|bursting|flooding",
            "water ..3 ceiling|ceilings", "ceiling ..2 collapsed|collapsing|caved|caving",
            "can|could not stop|turn|shut ..2 water|leak|leaking",
            "will|does|would not stop ..1 leaking|running|pouring|gushing",
            "frozen pipe|pipes", "pipe|pipes ..2 frozen",
        ], unless: ["water stain|stains|stained|damage|damaged|mark|marks|spot|spots|pressure|bill|softener|filter|meter"])
        add(.heating, [
            "no heat|heating", "without heat|heating",
            "heat|heating|furnace|boiler|radiators ..2 not working|heating",
            "heat|heating|furnace|boiler|radiators ..2 broke|broken|died|dead|failed|stopped|quit|out",
            "heat|heating|furnace|boiler|radiators ..2 gone|packed|conked out|up",
        ])
        add(.medical, [
            "bleeding|bleed|blood ..2 will|can|does|would not stop",
            "will|can|does|would not stop ..2 bleeding|bleed",
            "bleeding|bleed ..2 heavily|badly|profusely|everywhere|lot|loads|lots",
            "heavy|heavily|severe|severely|bad|badly|lot|lots|loads of? bleeding|blood",
            "severe|severely|bad|badly|major|huge|massive|lot|lots of? swelling|swollen",
            "swollen|swelling|swelled ..3 face|jaw|cheek|eye|neck|throat",
            "face|jaw|cheek|eye|neck|throat ..2 swollen|swelling|swelled",
            "swelling ..2 spreading",
            "knocked ..3 tooth|teeth ..1 out", "knocked out ..2 tooth|teeth", "tooth|teeth ..3 knocked ..1 out",
            "can|could not breathe|breath", "not breathing",
            "trouble|difficulty|struggling|hard|problems ..2 breathing|breathe|breath",
            "unconscious", "passed out", "chest pain|pains", "heart attack", "allergic reaction", "broken jaw",
        ])
        add(.security, [
            "break in !the|a|my|our|your|his|her|pipe|line|service|supply|main|power|water",
            "broke|broken|breaking into", "broke|broken|breaking in !the|a|an|my|our|half|two|pieces", "burglary|burgled|burglarized|burglar|burglars|intruder|intruders|robbed|robbery",
            "door|doors|lock|locks ..2 will|does|can|would not lock|close|shut|secure",
            "can|could not lock ..2 door|doors", "lock|locks ..2 broken|broke|smashed|jammed",
            "door ..2 kicked|smashed|forced", "window|windows|glass ..2 smashed|shattered",
            "smashed|shattered window|windows|glass|door", "locked out",
        ])
        return rules
    }()
}
