import Foundation

extension EntityExtractor {
    /// A time window in the caller's words resolved against `now` in `timeZone`: "today", "tomorrow", "tomorrow
    /// morning" (08–12), "afternoon" (12–17), "evening" (17–20), weekday names ("Friday" = the next Friday, not
    /// today), "next Tuesday", "after three" (15:00–end of business day 18:00), "before noon", "at 10 am",
    /// "around 2 pm" (±1h), "this weekend", "as soon as possible"/"asap"/"right away" (now … now+4h).
    ///
    /// Resolution rules:
    /// - a day alone is its business day, 08:00–18:00; "this weekend" is Saturday 08:00 – Sunday 18:00, "next
    ///   week" Monday 08:00 – Friday 18:00; windows that have begun start at `now`;
    /// - "next Tuesday" is the same day as "Tuesday": the next one after today;
    /// - a time or part of day without a day is today while it has not ended, else tomorrow;
    /// - an hour without am/pm is 1–7 → afternoon, 8–11 → morning, unless a part of day says otherwise
    ///   ("at 3 in the morning"); "at 10" is 10:00–11:00; "after 7 pm" past business hours runs two hours;
    /// - "asap" is now … now + 4 h, and yields to an explicit day or time ("asap, tomorrow morning is fine").
    /// Wall-clock times are built in `timeZone` on the resolved date, so they stay right across DST changes.
    /// Dates ("the 14th", "March 3rd") are not read.
    public static func timeWindow(in text: String, now: Date, timeZone: TimeZone) -> TimeWindow? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let spoken = SpokenText(text).convertingNumberWords()
        var reader = TimeReader(text: spoken)
        reader.read()
        return reader.resolve(now: now, calendar: calendar)
    }
}

/// One pass over the words collecting day, part of day, clock time and "asap", then resolution against `now`.
struct TimeReader {
    enum Day { case offset(Int), weekday(Int, this: Bool), weekend, nextWeek }
    enum Part { case morning, afternoon, evening, firstThing }
    enum ClockKind { case at, around, after, before }
    struct Clock { var hour: Int; var minute: Int; var meridiem: String?; var kind: ClockKind }

    let text: SpokenText
    var day: Day?
    var part: Part?
    var clock: Clock?
    var until: Clock?   // "between 2 and 4": the second time
    var asap = false
    var used: [Int] = []

    init(text: SpokenText) { self.text = text }

    static let weekdays: [String: Int] = [
        "sunday": 1, "monday": 2, "tuesday": 3, "wednesday": 4, "thursday": 5, "friday": 6, "saturday": 7,
        "sundays": 1, "mondays": 2, "tuesdays": 3, "wednesdays": 4, "thursdays": 5, "fridays": 6, "saturdays": 7,
        "tues": 3, "weds": 4, "thurs": 5,
    ]
    static let countedNouns: Set<String> = [
        "minute", "minutes", "mins", "hour", "hours", "day", "days", "week", "weeks", "month", "months", "year",
        "years", "people", "of", "times", "kids", "children", "bedroom", "bedrooms", "toilets", "bathrooms",
    ]
    static let asapPatterns: [PhrasePattern] = [
        "as soon as possible", "as soon as you can", "asap", "a s a p", "right away|now", "straight away", "immediately",
        "come|here|over|out|round now", "urgently",
    ].map(PhrasePattern.init)

    mutating func read() {
        let words = text.words
        for pattern in Self.asapPatterns {
            if let range = pattern.firstMatch(in: text) { asap = true; used += Array(range); break }
        }
        var i = 0
        while i < words.count {
            let word = words[i]
            let next = i + 1 < words.count ? words[i + 1] : nil
            let previous = i > 0 ? words[i - 1] : nil
            switch word {
            case "today":
                day = .offset(0); used.append(i)
            case "tonight":
                day = .offset(0); part = .evening; used.append(i)
            case "tomorrow":
                if previous == "after", i >= 2, words[i - 2] == "day" {
                    day = .offset(2); used += [i - 2, i - 1, i]
                } else {
                    day = .offset(1); used.append(i)
                }
            case "this" where next == "morning" || next == "afternoon" || next == "evening":
                day = .offset(0); used.append(i)
            case "morning", "afternoon", "evening":
                part = word == "morning" ? .morning : word == "afternoon" ? .afternoon : .evening
                used.append(i)
            case "first" where next == "thing":
                part = .firstThing; used += [i, i + 1]
            case "weekend":
                day = .weekend; used.append(i)
                if previous == "this" || previous == "the" { used.append(i - 1) }
            case "week" where previous == "next":
                day = .nextWeek; used += [i - 1, i]
            default:
                if let weekday = Self.weekdays[word] {
                    day = .weekday(weekday, this: previous == "this")
                    used.append(i)
                    if previous == "next" || previous == "this" || previous == "on" { used.append(i - 1) }
                } else if let (found, end) = readClock(at: i) {
                    if clock == nil { clock = found } else if until == nil { until = found }
                    used += Array(i..<end)
                    i = end
                    continue
                }
            }
            i += 1
        }
    }

    /// A clock time starting at `words[i]` ("after 3", "at 10 am", "around 2:30", "half past 4", "noon"), or nil.
    func readClock(at i: Int) -> (Clock, Int)? {
        let words = text.words
        var j = i
        var kind: ClockKind?
        switch words[j] {
        case "after", "past": kind = .after
        case "before", "by", "until", "till", "til": kind = .before
        case "at": kind = .at
        case "around", "about", "approximately", "roughly": kind = .around
        case "between": kind = .after
        case "and" where clock != nil && until == nil: kind = .at
        default: break
        }
        if kind != nil { j += 1 }
        guard j < words.count else { return nil }
        var hour: Int
        var minute = 0
        switch words[j] {
        case "noon", "midday", "lunch", "lunchtime":
            hour = 12; j += 1
            return (Clock(hour: hour, minute: 0, meridiem: "pm", kind: kind ?? .at), j)
        case "half", "quarter":
            let offset = words[j] == "half" ? 30 : 15
            guard j + 2 < words.count, words[j + 1] == "past" || words[j + 1] == "to",
                  let h = Int(words[j + 2]), (1...12).contains(h) else { return nil }
            if words[j + 1] == "past" { hour = h; minute = offset } else { hour = h - 1; minute = 60 - offset }
            j += 3
            kind = kind ?? .at
        default:
            let parts = words[j].split(whereSeparator: { $0 == ":" || $0 == "." }).map(String.init)
            guard let h = parts.first.flatMap({ Int($0) }), (0...23).contains(h), parts.count <= 2 else { return nil }
            hour = h
            if parts.count == 2 {
                guard let m = Int(parts[1]), (0...59).contains(m) else { return nil }
                minute = m
            }
            j += 1
            // "3 30": minutes said as a separate number.
            if parts.count == 1, j < words.count, words[j].count == 2, let m = Int(words[j]), (0...59).contains(m) {
                minute = m; j += 1
            }
        }
        var meridiem: String?
        if j < words.count, words[j] == "am" || words[j] == "pm" { meridiem = words[j]; j += 1 }
        var explicit = meridiem != nil
        if j < words.count, words[j] == "oclock" || words[j] == "ish" {
            if words[j] == "ish" { kind = .around }
            explicit = true; j += 1
        }
        // A bare number is a time only when introduced ("after 3") or marked ("3 pm"), and not when it counts
        // something or is a house number: "about 2 weeks", "at 14 elm road".
        guard kind != nil || explicit else { return nil }
        if !explicit, j < words.count,
           Self.countedNouns.contains(words[j]) || EntityExtractor.streetName(from: j, in: text) != nil {
            return nil
        }
        return (Clock(hour: hour, minute: minute, meridiem: meridiem, kind: kind ?? .at), j)
    }

    // MARK: - Resolving

    func resolve(now: Date, calendar: Calendar) -> TimeWindow? {
        guard day != nil || part != nil || clock != nil || asap else { return nil }
        let phrase: String = {
            guard let first = used.min(), let last = used.max() else { return "" }
            return text.words[first...last].joined(separator: " ")
        }()
        func window(_ start: Date, _ end: Date) -> TimeWindow { TimeWindow(phrase: phrase, start: start, end: end) }

        if asap, clock == nil, part == nil, day == nil || { if case .offset(0) = day { true } else { false } }() {
            return window(now, now.addingTimeInterval(4 * 3600))
        }
        let today = calendar.startOfDay(for: now)
        func date(_ dayOffset: Int, _ hour: Int, _ minute: Int = 0) -> Date {
            // Add days at noon, then set the wall-clock time on that calendar date: DST-safe.
            let noon = calendar.date(bySettingHour: 12, minute: 0, second: 0, of: today)!
            let target = calendar.date(byAdding: .day, value: dayOffset, to: noon)!
            var components = calendar.dateComponents([.year, .month, .day], from: target)
            components.hour = hour
            components.minute = minute
            return calendar.date(from: components)!
        }
        let weekdayToday = calendar.component(.weekday, from: now)

        // Hours on the resolved day, as (start, end) in minutes after midnight.
        var range: (Int, Int)
        if let clock {
            let start = minutes(clock)
            switch clock.kind {
            case .at: range = (start, start + 60)
            case .around: range = (start - 60, start + 60)
            case .after:
                if let until { range = (start, minutes(until, after: start)) }
                else { range = (start, start < 18 * 60 ? 18 * 60 : start + 120) }
            case .before: range = (start > 8 * 60 ? 8 * 60 : start - 60, start)
            }
        } else if let part {
            switch part {
            case .morning: range = (8 * 60, 12 * 60)
            case .afternoon: range = (12 * 60, 17 * 60)
            case .evening: range = (17 * 60, 20 * 60)
            case .firstThing: range = (8 * 60, 10 * 60)
            }
        } else {
            range = (8 * 60, 18 * 60)
        }

        let dayOffset: Int
        switch day {
        case .offset(let n)?:
            dayOffset = n
        case .weekday(let target, let this)?:
            let delta = (target - weekdayToday + 7) % 7
            dayOffset = delta == 0 && !this ? 7 : delta
        case .weekend?:
            let toSaturday = weekdayToday == 1 ? -1 : 7 - weekdayToday
            let start = max(now, date(toSaturday, 8))
            let end = date(toSaturday + 1, 18)
            return window(start, end)
        case .nextWeek?:
            let toMonday = (2 - weekdayToday + 7) % 7 == 0 ? 7 : (2 - weekdayToday + 7) % 7
            return window(date(toMonday, 8), date(toMonday + 4, 18))
        case nil:
            // No day: today while the window has not ended, else tomorrow.
            dayOffset = date(0, range.1 / 60, range.1 % 60) > now ? 0 : 1
        }
        var start = date(dayOffset, range.0 / 60, range.0 % 60)
        var end = date(dayOffset, range.1 / 60, range.1 % 60)
        if dayOffset == 0 {
            if start < now { start = now }
            // "today" asked after hours: the rest of the day.
            if end <= start { end = date(1, 0) }
        }
        if end <= start { end = start.addingTimeInterval(3600) }
        return window(start, end)
    }

    /// Minutes after midnight of `clock`, reading am/pm from the clock, the part of day, or business habits.
    func minutes(_ clock: Clock, after earlier: Int? = nil) -> Int {
        var hour = clock.hour
        if let meridiem = clock.meridiem {
            hour = hour % 12 + (meridiem == "pm" ? 12 : 0)
        } else if hour <= 12 {
            switch part {
            case .morning?, .firstThing?: hour = hour % 12
            case .afternoon?, .evening?: hour = hour == 12 ? 12 : hour + 12
            case nil:
                if let earlier, hour * 60 < earlier { hour += 12 }      // "between 11 and 1"
                else if earlier == nil, (1...7).contains(hour) { hour += 12 }
            }
        }
        return hour * 60 + clock.minute
    }
}
