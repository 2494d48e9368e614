import Foundation
import Testing
import Receptionist

/// All instants are written in UTC so the tests show the DST offsets explicitly.
private func utc(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.date(from: text)!
}

@Suite struct EntityExtractorTimeTests {
    // Wednesday 4 March 2026, 10:30 in Chicago (CST, UTC−6); Chicago moves to CDT (UTC−5) on Sunday 8 March.
    static let chicagoNow = utc("2026-03-04T16:30:00Z")
    static let chicago = TimeZone(identifier: "America/Chicago")!

    @Test(arguments: [
        ("can someone come tomorrow morning", "tomorrow morning", "2026-03-05T14:00:00Z", "2026-03-05T18:00:00Z"),
        ("friday", "friday", "2026-03-06T14:00:00Z", "2026-03-07T00:00:00Z"),
        // Today is Wednesday: "Wednesday" is next week's, after the DST change (08:00 CDT = 13:00Z).
        ("how about wednesday", "wednesday", "2026-03-11T13:00:00Z", "2026-03-11T23:00:00Z"),
        ("next tuesday after three", "next tuesday after 3", "2026-03-10T20:00:00Z", "2026-03-10T23:00:00Z"),
        ("monday morning please", "monday morning", "2026-03-09T13:00:00Z", "2026-03-09T17:00:00Z"),
        ("after three", "after 3", "2026-03-04T21:00:00Z", "2026-03-05T00:00:00Z"),
        ("before noon", "before noon", "2026-03-04T16:30:00Z", "2026-03-04T18:00:00Z"),
        ("around 2 pm", "around 2 pm", "2026-03-04T19:00:00Z", "2026-03-04T21:00:00Z"),
        ("at 9 am", "at 9 am", "2026-03-05T15:00:00Z", "2026-03-05T16:00:00Z"),       // 9 am has passed
        ("tomorrow at half past two", "tomorrow at half past 2", "2026-03-05T20:30:00Z", "2026-03-05T21:30:00Z"),
        ("thursday between 2 and 4", "thursday between 2 and 4", "2026-03-05T20:00:00Z", "2026-03-05T22:00:00Z"),
        ("at 3:30pm tomorrow", "at 3:30 pm tomorrow", "2026-03-05T21:30:00Z", "2026-03-05T22:30:00Z"),
        ("this evening", "this evening", "2026-03-04T23:00:00Z", "2026-03-05T02:00:00Z"),
        ("tonight", "tonight", "2026-03-04T23:00:00Z", "2026-03-05T02:00:00Z"),
        ("sometime in the afternoon", "afternoon", "2026-03-04T18:00:00Z", "2026-03-04T23:00:00Z"),
        ("today", "today", "2026-03-04T16:30:00Z", "2026-03-05T00:00:00Z"),
        ("as soon as possible", "as soon as possible", "2026-03-04T16:30:00Z", "2026-03-04T20:30:00Z"),
        ("asap", "asap", "2026-03-04T16:30:00Z", "2026-03-04T20:30:00Z"),
        ("can you come right away", "right away", "2026-03-04T16:30:00Z", "2026-03-04T20:30:00Z"),
        ("right away, tomorrow morning is fine", "right away tomorrow morning", "2026-03-05T14:00:00Z", "2026-03-05T18:00:00Z"),
        // The weekend spans the DST change: Saturday 08:00 CST, Sunday 18:00 CDT.
        ("this weekend", "this weekend", "2026-03-07T14:00:00Z", "2026-03-08T23:00:00Z"),
        ("next week", "next week", "2026-03-09T13:00:00Z", "2026-03-13T23:00:00Z"),
        ("first thing tomorrow", "first thing tomorrow", "2026-03-05T14:00:00Z", "2026-03-05T16:00:00Z"),
        ("at 10 in the evening", "at 10 in the evening", "2026-03-05T04:00:00Z", "2026-03-05T05:00:00Z"),
        ("at 7 in the morning on saturday", "at 7 in the morning on saturday", "2026-03-07T13:00:00Z", "2026-03-07T14:00:00Z"),
        ("around four o'clock", "around 4 oclock", "2026-03-04T21:00:00Z", "2026-03-04T23:00:00Z"),
    ])
    func resolvesInChicago(text: String, phrase: String, start: String, end: String) throws {
        let window = try #require(EntityExtractor.timeWindow(in: text, now: Self.chicagoNow, timeZone: Self.chicago))
        #expect(window == TimeWindow(phrase: phrase, start: utc(start), end: utc(end)), "\(text)")
    }

    // Saturday 28 March 2026, 15:00 in London (GMT); clocks go forward to BST at 01:00 on Sunday 29 March.
    static let londonNow = utc("2026-03-28T15:00:00Z")
    static let london = TimeZone(identifier: "Europe/London")!

    @Test(arguments: [
        ("tomorrow morning", "2026-03-29T07:00:00Z", "2026-03-29T11:00:00Z"),
        ("in the morning", "2026-03-29T07:00:00Z", "2026-03-29T11:00:00Z"),
        ("monday after 3", "2026-03-30T14:00:00Z", "2026-03-30T17:00:00Z"),
        ("this weekend", "2026-03-28T15:00:00Z", "2026-03-29T17:00:00Z"),
        ("around 2 pm", "2026-03-29T12:00:00Z", "2026-03-29T14:00:00Z"),   // today's has passed
        ("saturday", "2026-04-04T07:00:00Z", "2026-04-04T17:00:00Z"),      // not today
        ("this saturday", "2026-03-28T15:00:00Z", "2026-03-28T18:00:00Z"),
    ])
    func resolvesInLondonAcrossTheClockChange(text: String, start: String, end: String) throws {
        let window = try #require(EntityExtractor.timeWindow(in: text, now: Self.londonNow, timeZone: Self.london))
        #expect(window.start == utc(start), "\(text)")
        #expect(window.end == utc(end), "\(text)")
    }

    @Test(arguments: [
        "what are your hours",
        "I live at 14 elm road",
        "it started about 2 weeks ago",
        "I have 3 kids",
        "my number is 555 123 4567",
        "",
    ])
    func findsNoTime(text: String) {
        #expect(EntityExtractor.timeWindow(in: text, now: Self.chicagoNow, timeZone: Self.chicago) == nil, "\(text)")
    }
}
