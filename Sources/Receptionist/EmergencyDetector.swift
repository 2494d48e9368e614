import Foundation

/// Finds an emergency in a caller's words — a gas smell, a burst pipe, sparks, a knocked-out tooth — so the call
/// can be escalated before anything else is asked.
///
/// Matching is on normalised words (``SpokenText``) against the phrase tables in
/// `EmergencyDetector+Phrases.swift`, in category order (gas first: when a caller reports several things, the most
/// dangerous decides). A phrase does not count when it is negated:
/// - a negator ("no", "not", "never", "without", …) at most 3 words before it in the same clause
///   ("there's no gas smell", "I don't smell gas", "not flooding anymore", "no sparks or anything");
/// - or the caller says it is not an emergency anywhere in the utterance ("it's not an emergency", "nothing
///   urgent"): we take the caller's word for it, even next to an alarming phrase, and let the conversation go on.
///
/// Deliberate non-matches: "gas" alone ("the gas bill", "gas cooker"), "fire" in "fire pit", "fireplace",
/// "fire alarm test", "fire safety", "gas fire"/"electric fire" (UK heaters), a plain "leak" ("a small leak under
/// the sink" is a booking, not an emergency), "heating is a bit slow".
///
/// Known limits: tense is not read ("my boiler broke last spring" matches), nor negation after the phrase
/// ("the pipe burst but it's fixed"); any mention of carbon monoxide or a CO alarm counts, even "install a CO
/// alarm", because escalating a harmless call costs far less than missing a real one.
public struct EmergencyDetector: Sendable {
    struct Rule: Sendable {
        var category: EmergencyCategory
        var pattern: PhrasePattern
        /// Patterns that, when they overlap a match, make it something else ("gas fire" is a heater).
        var unless: [PhrasePattern] = []
    }

    let rules: [Rule]

    /// - Parameter extraPhrases: the business's own emergency phrases ("roof caved in", "lift stuck"), matched
    ///   as whole words, case-insensitively, with one other word allowed between two of theirs ("tooth came
    ///   out" matches "tooth came right out", "locked out" matches "locked myself out"), with the same negation
    ///   rules; reported as ``EmergencyCategory/custom``.
    public init(extraPhrases: [String] = []) {
        let custom = extraPhrases.compactMap { phrase -> Rule? in
            let words = SpokenText(phrase).words
            return words.isEmpty ? nil : Rule(category: .custom, pattern: PhrasePattern(literal: words, slack: 1))
        }
        rules = Self.defaultRules + custom
    }

    /// The first emergency `text` reports, or nil (also nil when the caller says it is not an emergency).
    public func detect(_ text: String) -> EmergencyMatch? {
        detect(SpokenText(text))
    }

    /// The first emergency already-normalised words report, or nil.
    public func detect(_ text: SpokenText) -> EmergencyMatch? {
        if Self.notAnEmergency.contains(where: { $0.firstMatch(in: text) != nil }) { return nil }
        // Category order decides; within a category the leftmost, then longest, phrase is reported, so the
        // caller's words read whole ("outlet is sparking", not "sparking").
        var best: (category: EmergencyCategory, range: Range<Int>)?
        for rule in rules {
            if let found = best, found.category != rule.category { break }
            let exceptions = rule.unless.flatMap { $0.matches(in: text) }
            for range in rule.pattern.matches(in: text) {
                if Negation.isNegated(range, in: text) { continue }
                if exceptions.contains(where: { $0.overlaps(range) }) { continue }
                if let found = best?.range,
                   found.lowerBound < range.lowerBound
                    || (found.lowerBound == range.lowerBound && found.count >= range.count) { continue }
                best = (rule.category, range)
            }
        }
        return best.map { EmergencyMatch(phrase: text.words[$0.range].joined(separator: " "), category: $0.category) }
    }

    /// The caller's own word that this is not an emergency, which overrides every phrase.
    static let notAnEmergency: [PhrasePattern] = [
        "not|no|nothing|non ..2 emergency|emergencies|urgent",
    ].map(PhrasePattern.init)
}
