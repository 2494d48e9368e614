import Foundation

extension EntityExtractor {
    /// A street address: house number + street name + suffix (road, rd, street, st, avenue, ave, lane, drive, court,
    /// close, way, boulevard, place, crescent …) with optional unit ("apartment 3", "unit 4b", "flat 2") and
    /// town/postcode tail if present; spoken numbers ("fourteen elm road") converted to digits. nil when none.
    ///
    /// The result is formatted for a person to read back: "14 Elm Road, Apartment 3, Springfield SW1A 1AA".
    /// Suffix and unit abbreviations are spelled out ("rd" → "Road", "apt" → "Apartment"); a unit said before the
    /// street ("flat 2, 14 Elm Road") moves after it. Digit-by-digit house numbers join ("one two three main
    /// street" → "123 Main Street"). The street name is one to three words; the town is the up to three words after
    /// the street that are not common English, so "14 Elm Road please hurry" has no town.
    public static func address(in text: String) -> String? {
        addressParts(in: text)?.formatted
    }

    /// The same address as ``address(in:)``, in its parts: street ("14 Elm Road"), unit ("Apartment 3"), town and
    /// postcode or ZIP, each nil when not said. A ticket stores them apart: vendors are matched by postcode.
    public static func addressParts(in text: String) -> SpokenAddress? {
        let spoken = SpokenText(text).convertingNumberWords()
        let words = spoken.words
        var i = 0
        while i < words.count {
            defer { i += 1 }
            guard isHouseNumber(words[i]) else { continue }
            if i > 0, unitWords[words[i - 1]] != nil { continue }   // "flat 2 …": a unit, not a house.
            // Digit-by-digit house numbers: "1 2 3 main street".
            var end = i + 1
            var number = words[i]
            while end < words.count, !spoken.isClauseBreak(before: end), isHouseNumber(words[end]),
                  number.allSatisfy(\.isNumber) {
                number += words[end]
                end += 1
            }
            guard number.count <= 6 else { continue }
            guard let (street, afterStreet) = streetName(from: end, in: spoken) else { continue }
            var address = SpokenAddress(street: number.uppercased() + " " + street)
            var position = afterStreet
            if let (unit, next) = unit(at: position, in: spoken) {
                address.unit = unit
                position = next
            } else if let unit = unitBefore(i, in: spoken) {
                address.unit = unit
            }
            (address.town, address.postcode) = townAndPostcode(at: position, in: spoken)
            return address
        }
        return nil
    }

    static let streetSuffixes: [String: String] = [
        "road": "Road", "rd": "Road", "street": "Street", "st": "Street", "avenue": "Avenue", "ave": "Avenue",
        "av": "Avenue", "lane": "Lane", "ln": "Lane", "drive": "Drive", "dr": "Drive", "court": "Court",
        "ct": "Court", "close": "Close", "way": "Way", "boulevard": "Boulevard", "blvd": "Boulevard",
        "place": "Place", "pl": "Place", "crescent": "Crescent", "cres": "Crescent", "terrace": "Terrace",
        "gardens": "Gardens", "grove": "Grove", "hill": "Hill", "square": "Square", "sq": "Square",
        "parkway": "Parkway", "pkwy": "Parkway", "highway": "Highway", "hwy": "Highway", "circle": "Circle",
        "cir": "Circle", "trail": "Trail", "mews": "Mews", "row": "Row", "walk": "Walk", "green": "Green",
        "rise": "Rise", "parade": "Parade", "plaza": "Plaza", "pike": "Pike", "loop": "Loop", "view": "View",
    ]
    static let unitWords: [String: String] = [
        "apartment": "Apartment", "apt": "Apartment", "unit": "Unit", "flat": "Flat", "suite": "Suite",
        "ste": "Suite", "room": "Room", "floor": "Floor",
    ]

    static func isHouseNumber(_ word: String) -> Bool {
        guard let first = word.first, first.isNumber, word.count <= 6 else { return false }
        let letters = word.drop { $0.isNumber }
        return letters.count <= 1 && letters.allSatisfy(\.isLetter)
    }

    /// "elm road" → ("Elm Road", index after); one to three name words, then a suffix.
    static func streetName(from start: Int, in text: SpokenText) -> (String, Int)? {
        let words = text.words
        var j = start
        while j < words.count, j - start <= 3 {
            if j > start, text.isClauseBreak(before: j) { return nil }
            let word = words[j]
            if j > start, let suffix = streetSuffixes[word] {
                let name = words[start..<j].map(capitalisedName).joined(separator: " ")
                return (name + " " + suffix, j + 1)
            }
            // "7 the crescent", "2 the green": "the" may open a street name of one word.
            let leadingThe = word == "the" && j == start && j + 1 < words.count && streetSuffixes[words[j + 1]] != nil
            guard isStreetNameWord(word) || leadingThe else { return nil }
            j += 1
        }
        return nil
    }

    static func isStreetNameWord(_ word: String) -> Bool {
        if addressStopWords.contains(word) { return false }
        // "5th avenue" is a street name; "14 2 road" is not.
        if word.first?.isNumber == true {
            return ["st", "nd", "rd", "th"].contains { word.hasSuffix($0) } && word.dropLast(2).allSatisfy(\.isNumber)
        }
        return word.allSatisfy { $0.isLetter || $0 == "'" }
    }

    /// "apartment 3" / "apt number 4b" / "flat b" at `position` → ("Apartment 3", index after).
    static func unit(at position: Int, in text: SpokenText) -> (String, Int)? {
        let words = text.words
        guard position < words.count, let label = unitWords[words[position]] else { return nil }
        var j = position + 1
        if j < words.count, words[j] == "number" || words[j] == "no" { j += 1 }
        guard j < words.count else { return nil }
        var id = words[j]
        let isID = isHouseNumber(id) || (id.count == 1 && id.first?.isLetter == true)
        guard isID else { return nil }
        // "apartment 3 b": a number and a letter said apart ("a" and "i" are words, not unit letters).
        if id.allSatisfy(\.isNumber), j + 1 < words.count, !text.isClauseBreak(before: j + 1),
           words[j + 1].count == 1, let letter = words[j + 1].first, letter.isLetter, letter != "a", letter != "i" {
            id += words[j + 1]
            j += 1
        }
        return (label + " " + id.uppercased(), j + 1)
    }

    /// A unit said before the house number: "flat 2, 14 elm road", "apartment 3 at 14 elm road".
    static func unitBefore(_ houseIndex: Int, in text: SpokenText) -> String? {
        for start in stride(from: houseIndex - 1, through: max(0, houseIndex - 4), by: -1) {
            if let (unit, end) = unit(at: start, in: text), end <= houseIndex { return unit }
        }
        return nil
    }

    /// "springfield", "in london nw1 6xe", "62704" after the street → ("Springfield", nil), ("London", "NW1 6XE"),
    /// (nil, "62704").
    static func townAndPostcode(at position: Int, in text: SpokenText) -> (town: String?, postcode: String?) {
        let words = text.words
        var j = position
        if j < words.count, words[j] == "in" { j += 1 }
        var town: [String] = []
        while j < words.count, town.count < 3, !isPostcodeStart(at: j, words),
              isStreetNameWord(words[j]), words[j].first?.isLetter == true, !townStopWords.contains(words[j]),
              streetSuffixes[words[j]] == nil || !town.isEmpty {
            town.append(capitalisedName(words[j]))
            j += 1
        }
        var postcode: String?
        if isPostcodeStart(at: j, words) {
            if isUKOutward(words[j]), j + 1 < words.count, isUKInward(words[j + 1]) {
                postcode = (words[j] + " " + words[j + 1]).uppercased()
            } else {
                postcode = words[j]
            }
        }
        return (town.isEmpty ? nil : town.joined(separator: " "), postcode)
    }

    static func isPostcodeStart(at j: Int, _ words: [String]) -> Bool {
        guard j < words.count else { return false }
        let word = words[j]
        if word.count == 5, word.allSatisfy(\.isNumber) { return true }   // US ZIP
        return isUKOutward(word) && j + 1 < words.count && isUKInward(words[j + 1])
    }
    /// "sw1a", "m1", "nw10": 1–2 letters, a digit, then an optional digit or letter.
    static func isUKOutward(_ word: String) -> Bool {
        let chars = Array(word)
        guard (2...4).contains(chars.count) else { return false }
        let letters = chars.prefix { $0.isLetter }.count
        guard (1...2).contains(letters), letters < chars.count, chars[letters].isNumber else { return false }
        return chars.dropFirst(letters + 1).allSatisfy { $0.isNumber || $0.isLetter } && chars.count - letters <= 2
    }
    /// "1aa": a digit then two letters.
    static func isUKInward(_ word: String) -> Bool {
        let chars = Array(word)
        return chars.count == 3 && chars[0].isNumber && chars[1].isLetter && chars[2].isLetter
    }

    static let addressStopWords: Set<String> = [
        "and", "or", "but", "so", "my", "i", "me", "you", "your", "we", "our", "it", "is", "am", "are", "was", "the",
        "a", "an", "this", "that", "of", "for", "to", "at", "on", "in", "by", "with", "from", "about", "please",
        "thanks", "minutes", "minute", "hours", "hour", "days", "day", "weeks", "times", "people", "kids",
        "years", "number", "phone", "um", "uh", "er", "am", "pm", "oclock", "not", "no", "yes", "near",
    ]
    static let townStopWords: Set<String> = addressStopWords.union([
        "please", "hurry", "quickly", "asap", "today", "tomorrow", "tonight", "now", "thanks", "thank", "cheers",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "morning", "afternoon",
        "evening", "next", "last", "just", "there", "here", "can", "could", "would", "will", "should", "have",
        "has", "had", "do", "does", "did", "if", "when", "then", "opposite", "behind", "next", "round", "around",
        "corner", "apartment", "apt", "unit", "flat", "suite", "okay", "ok", "right", "yeah", "sorry", "again",
        "side", "back", "front", "door", "house", "home", "building", "block", "downstairs", "upstairs",
        "ground", "first", "second", "basement", "bell", "buzzer", "gate", "entrance", "call", "ring", "someone",
        "anyone", "need", "want", "like", "think", "also", "still",
    ])
}
