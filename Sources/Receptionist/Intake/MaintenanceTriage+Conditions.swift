import Foundation

/// The conditions that make no heat or no cooling an emergency: temperatures the tenant states and who lives there.
extension MaintenanceTriage {
    /// Temperatures stated in `text` (number words already digits), in °F:
    /// - a number with a unit: "40 degrees", "40 degrees f", "5 degrees celsius", "5 c", "minus 5 degrees";
    /// - a bare number placed as a temperature: "it is 40 in here", "50 inside", "98 outside";
    /// - "below|under freezing|zero" → 31 °F (either way below every threshold).
    /// Celsius is converted; "degrees" alone is Fahrenheit. Values outside −60…140 °F are not temperatures.
    static func statedTemperatures(in text: SpokenText) -> [Double] {
        let words = text.words
        var found: [Double] = []
        func word(_ index: Int) -> String? {
            index < words.count && !text.isClauseBreak(before: index) ? words[index] : nil
        }
        for (index, raw) in words.enumerated() {
            if ["below", "under"].contains(raw), let next = word(index + 1), ["freezing", "zero"].contains(next) {
                found.append(31)
                continue
            }
            guard var value = Double(raw) else { continue }
            if index > 0, !text.isClauseBreak(before: index), ["minus", "negative"].contains(words[index - 1]) {
                value = -value
            }
            var next = index + 1
            var unit: String?
            if let w = word(next), ["degrees", "degree", "deg", "degs"].contains(w) {
                unit = "f"
                next += 1
            }
            if let w = word(next) {
                if ["f", "fahrenheit"].contains(w) { unit = "f" }
                if ["c", "celsius", "centigrade"].contains(w) { unit = "c" }
            }
            if unit == nil, let w = word(next), ["inside", "indoors", "outside", "outdoors"].contains(w) { unit = "f" }
            if unit == nil, word(next) == "in", let w = word(next + 1), ["here", "the", "my", "our"].contains(w) {
                // "it's 40 in here", "50 in the apartment"; not "2 in the morning" (a time).
                if w == "here" || (word(next + 2).map { placeWords.contains($0) } ?? false) { unit = "f" }
            }
            guard let unit else { continue }
            let fahrenheit = unit == "c" ? value * 9 / 5 + 32 : value
            if (-60...140).contains(fahrenheit) { found.append(fahrenheit) }
        }
        return found
    }

    static let people: Set<String> = [
        "mum", "mom", "mother", "dad", "father", "husband", "wife", "partner", "nan", "nana", "gran", "grandad",
        "granddad", "grandma", "grandpa", "he", "she", "aunt", "uncle", "neighbour", "neighbor", "tenant", "lady", "man",
    ]

    static let placeWords: Set<String> = ["apartment", "flat", "house", "unit", "home", "bedroom", "place", "building"]

    /// Infants, elderly people and medical needs, as the tenant states them ("my baby", "my mother is elderly",
    /// "my husband is on oxygen"); negated mentions do not count ("no kids or anything").
    static let vulnerablePhrases: [PhrasePattern] = [
        "baby|babies|infant|infants|newborn|newborns|toddler|toddlers",
        "elderly|pensioner|pensioners|frail", "senior|seniors !discount|center|centre",
        "grandmother|grandfather|grandma|grandpa|granny|grandparent|grandparents",
        "old ..1 lady|man|woman|people|mother|father|mum|mom|dad",
        "eighties|nineties|seventies", "80s|90s|70s",
        "medical|disabled|disability|disabilities|wheelchair|oxygen|dialysis|chemo|chemotherapy|pregnant|asthma|asthmatic|copd|bedridden|hospice|immunocompromised|insulin",
        "heart|lung|breathing condition|problem|problems", "health condition|conditions|problems|issues",
        "sick|ill !of", "just had surgery", "just had an operation",
    ].map(PhrasePattern.init)

    static func vulnerableOccupants(in text: SpokenText) -> Bool {
        firstUnnegated(vulnerablePhrases, in: text) != nil
    }

    /// "my 85 year old mother", "a 3 month old": 65 and over, 2 and under, or any age in months or weeks; "my mum
    /// is 90", "she is aged 70": a person 65 to 110.
    static func vulnerableAge(in text: SpokenText) -> Bool {
        let words = text.words
        for index in words.indices where index >= 2 {
            guard let age = Int(words[index]), (65...110).contains(age),
                  ["is", "aged", "age"].contains(words[index - 1]) else { continue }
            let before = words[max(0, index - 4)..<(index - 1)]
            if before.contains(where: people.contains) { return true }
        }
        for index in words.indices.dropLast(2) {
            guard let age = Int(words[index]), words[index + 2] == "old" else { continue }
            switch words[index + 1] {
            case "year", "years", "yr", "yrs": if age >= 65 || age <= 2 { return true }
            case "month", "months", "week", "weeks", "day", "days": return true
            default: continue
            }
        }
        return false
    }
}
