import Foundation

extension EntityExtractor {
    /// A phone number spoken or typed in `text`, normalised to E.164, or nil.
    /// Spoken forms: digits words ("five five five"), "oh"/"o"/"zero", "double nine", "triple two", "plus four four",
    /// mixed digits and words, separators/hyphens/spaces. `defaultCountryCode` ("1", "44") applies when the
    /// caller gives a national number: US 10 digits (or 11 starting with 1) → +1…; UK national numbers starting with
    /// 0 (11 digits) → +44 without the 0. Reject anything that is not a plausible E.164 (8…15 digits).
    ///
    /// Also read: international prefixes "00…" (and "011…" under country code 1) as "+…"; a national number given
    /// with its country code ("four four seven seven…"); filler inside the digits ("five five five, um, one two").
    /// A US number must have an area code starting 2–9. When the digits run on across a sentence break ("…4567.
    /// 14 Elm Road"), the sentence-bounded parts are tried, never an arbitrary slice: a number with a digit too many
    /// is rejected, not silently shortened.
    public static func phoneNumber(in text: String, defaultCountryCode: String) -> String? {
        let countryCode = defaultCountryCode.filter(\.isNumber)
        guard !countryCode.isEmpty else { return nil }
        for run in digitRuns(SpokenText(text).convertingNumberWords(digitGroups: true)) {
            // Whole run first, then the longest sentence-bounded parts from the earliest start.
            for start in run.segments.indices {
                for end in stride(from: run.segments.count, to: start, by: -1) {
                    let digits = run.segments[start..<end].joined()
                    let international = run.international && start == 0
                    if let number = e164(digits, international: international, countryCode: countryCode) {
                        return number
                    }
                }
            }
        }
        return nil
    }

    /// Consecutive spoken digits: `segments` split where the transcript had a sentence break.
    struct DigitRun { var segments: [String]; var international: Bool }

    static let phoneFillers: Set<String> = ["um", "uh", "er", "erm", "ah", "hmm", "dash", "hyphen", "and"]

    static func digitRuns(_ text: SpokenText) -> [DigitRun] {
        let words = text.words
        func digits(_ word: String) -> String? {
            guard let first = word.first, first.isNumber,
                  word.allSatisfy({ $0.isNumber || $0 == "." || $0 == ":" }) else { return nil }
            return word.filter(\.isNumber)
        }
        func isZeroWord(_ word: String) -> Bool { word == "oh" || word == "o" }
        /// The digits `words[i]` stands for, with the index after it; nil when it is not a digit word here.
        func read(_ i: Int, inRun: Bool) -> (String, Int)? {
            let word = words[i]
            if let d = digits(word) { return (d, i + 1) }
            if word == "double" || word == "triple", i + 1 < words.count {
                let next = words[i + 1]
                let digit = isZeroWord(next) ? "0" : digits(next).flatMap { $0.count == 1 ? $0 : nil }
                if let digit { return (String(repeating: digit, count: word == "double" ? 2 : 3), i + 2) }
            }
            if isZeroWord(word) {
                // "oh" is zero only among digits: "oh hi" and "oh, my number is…" are interjections.
                let nextIsDigit = i + 1 < words.count && read(i + 1, inRun: true) != nil
                if inRun || nextIsDigit { return ("0", i + 1) }
            }
            return nil
        }
        var runs: [DigitRun] = []
        var i = 0
        while i < words.count {
            let international = words[i] == "plus" && i + 1 < words.count && read(i + 1, inRun: false) != nil
            var j = international ? i + 1 : i
            var segments: [String] = []
            var current = ""
            while j < words.count {
                if let (d, next) = read(j, inRun: !current.isEmpty || !segments.isEmpty) {
                    if text.isClauseBreak(before: j), !current.isEmpty { segments.append(current); current = "" }
                    current += d
                    j = next
                } else if phoneFillers.contains(words[j]), !(current.isEmpty && segments.isEmpty),
                          j + 1 < words.count, read(j + 1, inRun: true) != nil {
                    j += 1
                } else {
                    break
                }
            }
            if !current.isEmpty { segments.append(current) }
            if segments.isEmpty {
                i += 1
            } else {
                runs.append(DigitRun(segments: segments, international: international))
                i = j
            }
        }
        return runs
    }

    /// `digits` as E.164 under the caller's country, or nil when implausible.
    static func e164(_ digits: String, international: Bool, countryCode: String) -> String? {
        func plausible(_ full: String) -> String? {
            (8...15).contains(full.count) && full.first != "0" ? "+" + full : nil
        }
        if international { return plausible(digits) }
        if countryCode == "1", digits.hasPrefix("011") { return plausible(String(digits.dropFirst(3))) }
        if countryCode != "1", digits.hasPrefix("00") { return plausible(String(digits.dropFirst(2))) }

        let national: String
        if countryCode == "1" {
            // NANP: 10 digits, or 11 with the leading 1; area codes never start with 0 or 1.
            if digits.count == 11 && digits.hasPrefix("1") {
                national = String(digits.dropFirst())
            } else if digits.count == 10 {
                national = digits
            } else {
                return nil
            }
            guard let area = national.first, area != "0", area != "1" else { return nil }
        } else if digits.hasPrefix("0") {
            // Trunk prefix: UK 07700 900123 → +44 7700 900123.
            national = String(digits.dropFirst())
        } else if digits.hasPrefix(countryCode), digits.count - countryCode.count >= minimumNationalLength(countryCode) {
            national = String(digits.dropFirst(countryCode.count))
        } else {
            national = digits
        }
        guard nationalLengths(countryCode).contains(national.count) else { return nil }
        return plausible(countryCode + national)
    }

    /// Digits after the country code (and without a trunk 0) a national number may have.
    static func nationalLengths(_ countryCode: String) -> ClosedRange<Int> {
        switch countryCode {
        case "1": 10...10
        case "44": 9...10
        default: 7...max(7, 15 - countryCode.count)
        }
    }
    static func minimumNationalLength(_ countryCode: String) -> Int { nationalLengths(countryCode).lowerBound }
}
