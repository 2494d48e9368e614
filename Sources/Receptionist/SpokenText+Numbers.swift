import Foundation

extension SpokenText {
    static let units: [String: Int] = [
        "zero": 0, "nought": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
        "six": 6, "seven": 7, "eight": 8, "nine": 9,
    ]
    static let teens: [String: Int] = [
        "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
        "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    ]
    static let tens: [String: Int] = [
        "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
        "seventy": 70, "eighty": 80, "ninety": 90,
    ]

    /// Whether `word` is a number word this module reads ("five", "fourteen", "twenty", "hundred").
    public static func isNumberWord(_ word: String) -> Bool {
        units[word] != nil || teens[word] != nil || tens[word] != nil || word == "hundred" || word == "thousand"
    }

    /// A copy whose number words are digits: "fourteen elm road" → "14 elm road", "twenty one" → "21",
    /// "a hundred and five" → "105", "seventy seven hundred" → "7700".
    ///
    /// Digit-by-digit speech stays digit by digit ("five five five" → "5 5 5"), because one unit never
    /// continues another; phone-number reading depends on that. Numbers never run across a clause break.
    /// "oh", "double" and "triple" are left alone: they are digits only in a phone number.
    ///
    /// - Parameter digitGroups: read as a phone number is spoken: "hundred" and "thousand" end a number, so
    ///   "eight hundred five five five" is "800 5 5 5", not "805 5 5".
    public func convertingNumberWords(digitGroups: Bool = false) -> SpokenText {
        var out: [String] = []
        var breaks: Set<Int> = []
        var i = 0
        while i < words.count {
            if isClauseBreak(before: i) { breaks.insert(out.count) }
            if let (value, end) = Self.number(in: words, at: i, clauseBreaks: clauseBreaks, digitGroups: digitGroups) {
                out.append(String(value))
                i = end
            } else {
                out.append(words[i])
                i += 1
            }
        }
        return SpokenText(words: out, clauseBreaks: breaks)
    }

    /// Reads one spoken number starting at `words[start]`; returns its value and the index after it.
    /// "a" counts only before "hundred"/"thousand", "and" only between "hundred" and what follows.
    public static func number(in words: [String], at start: Int, clauseBreaks: Set<Int> = [],
                              digitGroups: Bool = false) -> (Int, Int)? {
        enum Last { case none, unit, teen, tens, hundred, thousand, and }
        var last = Last.none
        var total = 0
        var current = 0
        var j = start
        func peek(_ k: Int) -> String? { k < words.count && !clauseBreaks.contains(k) ? words[k] : nil }
        while j < words.count {
            if j > start && clauseBreaks.contains(j) { break }
            let word = words[j]
            if word == "a", last == .none, let next = peek(j + 1), next == "hundred" || next == "thousand" {
                current = 1; last = .unit; j += 1; continue
            }
            if let v = units[word] {
                guard [.none, .tens, .hundred, .thousand, .and].contains(last) else { break }
                if v == 0 && last != .none { break }
                current += v; last = .unit
                j += 1
                if v == 0 { break }   // "zero" is a whole number on its own.
                continue
            }
            if let v = teens[word] {
                guard [.none, .hundred, .thousand, .and].contains(last) else { break }
                current += v; last = .teen; j += 1; continue
            }
            if let v = tens[word] {
                guard [.none, .hundred, .thousand, .and].contains(last) else { break }
                current += v; last = .tens; j += 1; continue
            }
            if word == "hundred" {
                guard [.unit, .teen, .tens].contains(last), current > 0, current < 100 else { break }
                current *= 100; last = .hundred; j += 1
                if digitGroups { break }
                continue
            }
            if word == "thousand" {
                guard [.unit, .teen, .tens, .hundred].contains(last), total == 0, current > 0 else { break }
                total = current * 1000; current = 0; last = .thousand; j += 1
                if digitGroups { break }
                continue
            }
            if word == "and", last == .hundred || last == .thousand, let next = peek(j + 1),
               units[next] != nil || teens[next] != nil || tens[next] != nil {
                last = .and; j += 1; continue
            }
            break
        }
        guard last != .none else { return nil }
        return (total + current, j)
    }
}
