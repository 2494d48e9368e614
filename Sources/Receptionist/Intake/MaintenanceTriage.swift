import Foundation
import Maintenance

/// Reads a tenant's report of a maintenance problem — said on a call or typed in a text — into a trade, a priority
/// and the emergency rule that fired, by explicit rules (the tables are in `MaintenanceTriage+Rules.swift` and in
/// docs/dispatch.md ("Intake")), no model.
///
/// Priority, first match wins:
/// 1. **Life safety** — gas, carbon monoxide, fire or smoke, an electrical hazard (sparks, burning smell, live
///    wires), a medical emergency: the ``EmergencyDetector``'s own phrases for those categories, with its negation
///    and its "not an emergency" rule. `emergency`; the caller is told to get out and call the emergency number first.
/// 2. **Maintenance emergencies**, in table order: flooding or an active leak, sewage backup, no heat when it is
///    below 45 °F (55 °F when the tenant says an infant, an elderly person or someone with a medical need lives
///    there), no air conditioning when it is above 95 °F, no water, no power, a home that cannot be secured, and
///    the business's own emergency phrases (except on no heat or no cooling: a business listing "no heat" does not
///    overrule the temperature rule). `emergency`.
///    Temperatures come from the tenant's words ("it's 40 degrees in here", "minus five celsius", "below
///    freezing") and from the outdoor temperature the business supplies (``outdoorFahrenheit``); the coldest known
///    one decides for heat, the hottest for cooling. With no temperature known, no heat or no cooling is
///    `urgent`, not an emergency: a warm November afternoon without heat is not a 15-minute job.
/// 3. **Urgent conditions**: no hot water, a leak that is not active, a toilet that does not work, a fridge or
///    stove that does not work, a lock-out, a tripping breaker or dead outlets, a safety alarm beeping; or the
///    tenant's own urgency ("urgent", "asap", "getting worse"). `urgent`.
/// 4. Anything else is `routine`.
///
/// A phrase does not count when it is negated ("no leak anymore", "it's not flooding", "the heat is not out"), when
/// the words say it is over ("the leak has stopped", "the heat is back on"), or, for flooding, sewage and
/// security, when it is in the past ("the basement flooded last year"). Unlike the call's emergency detector, the
/// tenant's "it's not an emergency" does not cancel a maintenance rule (water pouring through a ceiling is an
/// emergency for the building whatever the tenant thinks) — except for the life-safety phrases, which keep the
/// detector's behaviour exactly. The word "emergency" alone makes a problem urgent, not an emergency: the rules do.
public struct MaintenanceTriage: Sendable {
    /// Below this (°F) no heat is an emergency.
    public static let noHeatBelowFahrenheit = 45.0
    /// Below this (°F) no heat is an emergency when an infant, elderly person or medical need is in the home.
    public static let noHeatVulnerableBelowFahrenheit = 55.0
    /// Above this (°F) no air conditioning is an emergency.
    public static let noCoolingAboveFahrenheit = 95.0

    /// The outdoor temperature at the property now (°F), when the business supplies one.
    public var outdoorFahrenheit: Double?
    let lifeSafety: EmergencyDetector
    let businessPhrases: EmergencyDetector

    /// - Parameters:
    ///   - outdoorFahrenheit: the outdoor temperature now, °F; nil when unknown.
    ///   - emergencyPhrases: the business's own emergency phrases (matched as ``EmergencyDetector`` matches them);
    ///     a match is the ``MaintenanceRule/businessPhrase`` rule.
    public init(outdoorFahrenheit: Double? = nil, emergencyPhrases: [String] = []) {
        self.outdoorFahrenheit = outdoorFahrenheit
        lifeSafety = EmergencyDetector(categories: Set(Self.lifeSafetyCategories.keys))
        businessPhrases = EmergencyDetector(categories: [.custom], extraPhrases: emergencyPhrases)
    }

    /// The detector's categories that are life-safety rules.
    static let lifeSafetyCategories: [EmergencyCategory: MaintenanceRule] = [
        .gas: .gas, .carbonMonoxide: .carbonMonoxide, .fire: .fire, .electrical: .electricalHazard, .medical: .medical,
    ]

    /// Reads one report (a call's words or a text).
    public func assess(_ text: String) -> MaintenanceAssessment {
        // "40°F", "40 °C": the degree sign is not a word character; make it one.
        let prepared = text.replacingOccurrences(of: "\u{2109}", with: " degrees f ")
            .replacingOccurrences(of: "\u{2103}", with: " degrees c ")
            .replacingOccurrences(of: "\u{00B0}", with: " degrees ")
        let spoken = SpokenText(prepared)
        let numeric = spoken.convertingNumberWords()
        let stated = Self.statedTemperatures(in: numeric)
        let vulnerable = Self.vulnerableOccupants(in: spoken) || Self.vulnerableAge(in: numeric)
        var result = MaintenanceAssessment(
            trade: nil, priority: .routine, rule: nil, conditionalRule: nil, phrase: nil,
            reason: "routine: no emergency or urgent rule matched", statedFahrenheit: stated,
            vulnerableOccupants: vulnerable, namesProblem: false, asksForMaintenance: false)

        if let match = lifeSafety.detect(spoken), let rule = Self.lifeSafetyCategories[match.category] {
            result.fire(rule, phrase: match.phrase, reason: "\(rule.summary) (\"\(match.phrase)\"): people may be in danger")
        }
        var candidate: (rule: MaintenanceRule, phrase: String)?
        if result.rule == nil {
            for table in Self.emergencyRules {
                guard let range = table.firstMatch(in: spoken) else { continue }
                let phrase = spoken.words[range].joined(separator: " ")
                switch table.rule {
                case .noHeat:
                    let limit = vulnerable ? Self.noHeatVulnerableBelowFahrenheit : Self.noHeatBelowFahrenheit
                    if let coldest = (stated + [outdoorFahrenheit].compactMap { $0 }).min(), coldest < limit {
                        let who = vulnerable ? " with vulnerable occupants" : ""
                        result.fire(.noHeat, phrase: phrase,
                                    reason: "no heat (\"\(phrase)\") and \(Self.degrees(coldest)), below \(Self.degrees(limit))\(who)")
                    } else if candidate == nil {
                        candidate = (.noHeat, phrase)
                    }
                case .noCooling:
                    if let hottest = (stated + [outdoorFahrenheit].compactMap { $0 }).max(),
                       hottest > Self.noCoolingAboveFahrenheit {
                        result.fire(.noCooling, phrase: phrase, reason: "no air conditioning (\"\(phrase)\") and "
                                    + "\(Self.degrees(hottest)), above \(Self.degrees(Self.noCoolingAboveFahrenheit))")
                    } else if candidate == nil {
                        candidate = (.noCooling, phrase)
                    }
                default:
                    result.fire(table.rule, phrase: phrase, reason: "\(table.rule.summary) (\"\(phrase)\")")
                }
                if result.rule != nil { break }
            }
        }
        // The business's own phrases ("locked out", "stuck in the lift") make an emergency — but not of no heat or no
        // cooling, which the temperature rules decide even when the business lists "no heat".
        if result.rule == nil, candidate == nil, let match = businessPhrases.detect(spoken) {
            result.fire(.businessPhrase, phrase: match.phrase, reason: "the business's emergency phrase \"\(match.phrase)\"")
        }
        if result.rule == nil {
            if let candidate {
                let limit = vulnerable ? Self.noHeatVulnerableBelowFahrenheit : Self.noHeatBelowFahrenheit
                let threshold = candidate.rule == .noHeat ? "below \(Self.degrees(limit))"
                    : "above \(Self.degrees(Self.noCoolingAboveFahrenheit))"
                result.priority = .urgent
                result.conditionalRule = candidate.rule
                result.phrase = candidate.phrase
                result.reason = "urgent: \(candidate.rule == .noHeat ? "no heat" : "no air conditioning") "
                    + "(\"\(candidate.phrase)\") with no known temperature \(threshold)"
            } else if let (name, range) = Self.firstUrgent(in: spoken) {
                let phrase = spoken.words[range].joined(separator: " ")
                result.priority = .urgent
                result.phrase = phrase
                result.reason = "urgent: \(name) (\"\(phrase)\")"
            } else if let range = Self.firstUnnegated(Self.tenantUrgency, in: spoken) {
                let phrase = spoken.words[range].joined(separator: " ")
                result.priority = .urgent
                result.phrase = phrase
                result.reason = "urgent: the tenant says so (\"\(phrase)\")"
            }
        }

        result.trade = Self.trade(in: spoken, rule: result.rule ?? candidate?.rule)
        let problemWord = Self.firstUnnegated(Self.problemWords, in: spoken) != nil
        result.namesProblem = result.priority != .routine || (problemWord && result.trade != nil)
        result.asksForMaintenance = Self.firstUnnegated(Self.maintenanceRequest, in: spoken) != nil
        return result
    }

    static func degrees(_ fahrenheit: Double) -> String {
        let rounded = fahrenheit.rounded()
        return (rounded == fahrenheit ? String(Int(rounded)) : String(format: "%.1f", fahrenheit)) + " °F"
    }

    /// The first match of `patterns` (in order) that is not negated.
    static func firstUnnegated(_ patterns: [PhrasePattern], in text: SpokenText) -> Range<Int>? {
        for pattern in patterns {
            if let range = pattern.matches(in: text).first(where: { !Negation.isNegated($0, in: text) }) { return range }
        }
        return nil
    }
}

extension MaintenanceAssessment {
    mutating func fire(_ rule: MaintenanceRule, phrase: String, reason: String) {
        self.rule = rule
        self.phrase = phrase
        self.reason = "emergency: " + reason
        priority = .emergency
    }
}

extension EmergencyDetector {
    /// A detector of only these categories (`.custom`: the business's phrases).
    init(categories: Set<EmergencyCategory>, extraPhrases: [String] = []) {
        rules = EmergencyDetector(extraPhrases: extraPhrases).rules.filter { categories.contains($0.category) }
    }
}
