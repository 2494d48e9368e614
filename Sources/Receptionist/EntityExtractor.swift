import Foundation

/// Pulls the facts a booking needs — phone number, name, address, time window, job category, severity — out of
/// a caller's transcribed words. Each extractor is a pure function of its input (and of `now` for times), returns
/// nil rather than guessing, and lives in its own file (`EntityExtractor+Phone.swift`, …).
public enum EntityExtractor {
    /// Job category from keywords (plumbing: leak, drain, toilet, boiler, water heater …; dental: cleaning,
    /// toothache, filling, crown …; property: maintenance, rent, lease, repair …; plus "general"), or nil.
    ///
    /// Keywords score 2 when they name the trade ("boiler", "toothache", "landlord") and 1 when they are shared
    /// ("repair", "cleaning", "apartment"), so "boiler repair" is plumbing and "drain cleaning" is not dental.
    /// "general" (hours, prices, billing) is returned only when no trade scored.
    public static func category(in text: String) -> String? {
        let spoken = SpokenText(text)
        var best: (name: String, score: Int)?
        for (name, keywords) in categoryKeywords {
            let score = keywords.reduce(0) { total, keyword in
                total + (keyword.pattern.firstMatch(in: spoken) == nil ? 0 : keyword.weight)
            }
            if score > (best?.score ?? 0) { best = (name, score) }
        }
        if let best { return best.name }
        return generalKeywords.contains { $0.firstMatch(in: spoken) != nil } ? "general" : nil
    }

    /// Severity from wording: urgent ("emergency", "right now", "asap", any ``EmergencyDetector`` match) > high
    /// ("today", "getting worse", "no hot water") > medium ("this week", "dripping") > low ("whenever", "no rush",
    /// "quote"); nil when the words say nothing. The highest level mentioned wins, and negated words do not count
    /// ("it's not urgent" is low, "not urgent but it's getting worse" is high).
    public static func severity(in text: String) -> Severity? {
        let spoken = SpokenText(text)
        var found: Severity?
        if EmergencyDetector().detect(spoken) != nil { return .urgent }
        for (level, patterns) in severityPhrases {
            let hit = patterns.contains { pattern in
                pattern.matches(in: spoken).contains { level == .low || !Negation.isNegated($0, in: spoken) }
            }
            if hit { found = max(found ?? level, level) }
        }
        return found
    }

    // MARK: - Tables

    struct Keyword: Sendable { var pattern: PhrasePattern; var weight: Int }

    static func keywords(strong: [String], weak: [String]) -> [Keyword] {
        strong.map { Keyword(pattern: PhrasePattern($0), weight: 2) } + weak.map { Keyword(pattern: PhrasePattern($0), weight: 1) }
    }

    /// In tie-break order.
    static let categoryKeywords: [(String, [Keyword])] = [
        ("plumbing", keywords(strong: [
            "leak|leaks|leaking|leaky|leaked", "drain|drains|blocked|clog|clogged|unclog|blockage",
            "toilet|toilets|loo|cistern", "boiler|boilers", "water heater|heaters|softener", "tap|taps|faucet|faucets",
            "sink|sinks|basin", "pipe|pipes|pipework", "plumbing|plumber|plumbers", "shower|showers|bath|bathtub",
            "radiator|radiators", "sewer|sewage|septic", "hot water", "garbage disposal", "burst", "valve|stopcock",
        ], weak: ["furnace", "gas", "heating", "water", "flood|flooded|flooding"])),
        ("dental", keywords(strong: [
            "toothache|tooth|teeth", "filling|fillings", "crown|crowns", "dentist|dentists|dental|hygienist",
            "braces|orthodontist|invisalign", "gum|gums", "root canal", "extraction|whitening|implant|implants",
            "denture|dentures|cavity|cavities", "wisdom tooth|teeth", "check up|checkup",
        ], weak: ["cleaning", "clean", "x ray|rays", "xray", "pain"])),
        ("property", keywords(strong: [
            "maintenance", "rent|rental|rented|renting", "lease|leases", "landlord|landlady|tenant|tenants|tenancy",
            "deposit", "viewing|letting|lettings", "move in|out", "eviction|evicted", "locked out",
            "pest|pests|mice|rats|cockroaches|mould|mold|damp", "property manager|management",
            "elevator|lift", "hoa|strata", "noise complaint",
        ], weak: ["repair|repairs", "apartment|apartments|flat|unit", "lock|locks|key|keys", "window|windows",
                  "door|doors", "parking"])),
    ]
    static let generalKeywords: [PhrasePattern] = [
        "general", "question|questions", "enquiry|enquiries|inquiry|inquiries|information|info", "hours|opening|open",
        "price|prices|pricing|cost|costs|charge|fee|fees|rates", "invoice|bill|billing|payment|pay",
    ].map(PhrasePattern.init)

    /// Most severe first.
    static let severityPhrases: [(Severity, [PhrasePattern])] = [
        (.urgent, [
            "emergency|emergencies|urgent|urgently|asap|immediately", "right now|away", "as soon as possible",
            "straight away", "a s a p", "as soon as you can",
        ].map(PhrasePattern.init)),
        (.high, [
            "today|tonight|quickly|soon|important", "this morning|afternoon|evening", "getting worse", "worse",
            "really|pretty|very|quite bad", "can not use", "no hot water|water|power|electricity",
            "pain|painful|hurts|hurting|agony", "broken|not working|stopped working",
            "leaking badly", "keeps leaking",
        ].map(PhrasePattern.init)),
        (.medium, [
            "this week", "tomorrow", "next few days", "when you can", "dripping|drip|annoying|slow",
            "few days", "next week", "sometime",
        ].map(PhrasePattern.init)),
        (.low, [
            "whenever", "no rush|hurry", "not|non|nothing ..2 urgent|emergency", "quote|quotes|estimate|quotation",
            "any time|anytime", "your convenience", "when convenient", "next month", "routine", "check up|checkup",
            "just wondering", "no|not a? big deal", "minor",
        ].map(PhrasePattern.init)),
    ]
}
