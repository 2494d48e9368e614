import Campaigns
import Foundation
import Testing

@Suite struct CallingWindowTests {
    static let newYork = TimeZone(identifier: "America/New_York")!

    /// An instant from its UTC text.
    static func utc(_ text: String) -> Date { try! Date(text + "Z", strategy: .iso8601) }

    @Test func theStandardWindowIsEightToNineLocalStartInclusiveEndExclusive() {
        let window = CallingWindow.standard
        // 2030-06-12: EDT, UTC-4.
        #expect(!window.allows(Self.utc("2030-06-12T11:59:59"), in: Self.newYork), "07:59:59")
        #expect(window.allows(Self.utc("2030-06-12T12:00:00"), in: Self.newYork), "08:00")
        #expect(window.allows(Self.utc("2030-06-13T00:59:59"), in: Self.newYork), "20:59:59")
        #expect(!window.allows(Self.utc("2030-06-13T01:00:00"), in: Self.newYork), "21:00")
        // The same instant is inside the window in Los Angeles only three hours later.
        let la = TimeZone(identifier: "America/Los_Angeles")!
        #expect(!window.allows(Self.utc("2030-06-12T13:00:00"), in: la), "06:00 in LA")
        #expect(window.nextAllowed(atOrAfter: Self.utc("2030-06-12T13:00:00"), in: la) == Self.utc("2030-06-12T15:00:00"))
    }

    /// 2030-03-10: New York springs forward at 02:00 EST to 03:00 EDT; the window opens at 08:00 EDT (12:00 UTC),
    /// not 08:00 EST (13:00 UTC), and the night before it is 9.5 hours from 21:30 to the opening, not 10.5.
    @Test func theSpringForwardDayOpensAtEightLocal() {
        let window = CallingWindow.standard
        let lateSaturday = Self.utc("2030-03-10T02:30:00") // 21:30 EST on the 9th
        #expect(!window.allows(lateSaturday, in: Self.newYork))
        let opening = window.nextAllowed(atOrAfter: lateSaturday, in: Self.newYork)
        #expect(opening == Self.utc("2030-03-10T12:00:00"))
        #expect(opening.timeIntervalSince(lateSaturday) == 9.5 * 3600)
        #expect(!window.allows(Self.utc("2030-03-10T11:59:00"), in: Self.newYork), "07:59 EDT")
        #expect(window.allows(Self.utc("2030-03-10T12:30:00"), in: Self.newYork), "08:30 EDT (07:30 if the offset were still EST's)")
        #expect(window.allows(Self.utc("2030-03-11T00:59:00"), in: Self.newYork), "20:59 EDT")
        #expect(!window.allows(Self.utc("2030-03-11T01:00:00"), in: Self.newYork), "21:00 EDT")
        // During the skipped hour (there is no 02:30 local) the next opening is still that day's 08:00.
        #expect(window.nextAllowed(atOrAfter: Self.utc("2030-03-10T07:30:00"), in: Self.newYork) == Self.utc("2030-03-10T12:00:00"))
    }

    /// 2030-11-03: New York falls back at 02:00 EDT to 01:00 EST; the window opens at 08:00 EST (13:00 UTC).
    @Test func theFallBackDayOpensAtEightLocal() {
        let window = CallingWindow.standard
        let lateSaturday = Self.utc("2030-11-03T01:30:00") // 21:30 EDT on the 2nd
        let opening = window.nextAllowed(atOrAfter: lateSaturday, in: Self.newYork)
        #expect(opening == Self.utc("2030-11-03T13:00:00"))
        #expect(opening.timeIntervalSince(lateSaturday) == 11.5 * 3600)
        #expect(!window.allows(Self.utc("2030-11-03T12:30:00"), in: Self.newYork), "07:30 EST (08:30 if the offset were still EDT's)")
        #expect(window.allows(Self.utc("2030-11-03T13:00:00"), in: Self.newYork))
        #expect(window.allows(Self.utc("2030-11-04T01:59:00"), in: Self.newYork), "20:59 EST")
        #expect(!window.allows(Self.utc("2030-11-04T02:00:00"), in: Self.newYork), "21:00 EST")
        // In the repeated hour (01:30 happens twice) the opening is still 08:00 EST.
        #expect(window.nextAllowed(atOrAfter: Self.utc("2030-11-03T05:30:00"), in: Self.newYork) == Self.utc("2030-11-03T13:00:00"))
        #expect(window.nextAllowed(atOrAfter: Self.utc("2030-11-03T06:30:00"), in: Self.newYork) == Self.utc("2030-11-03T13:00:00"))
    }

    /// The closing time of an open window is that local day's end, in the recipient's zone and through a DST change;
    /// a closed window has none.
    @Test func anOpenWindowClosesAtTheLocalEnd() {
        let window = CallingWindow(startMinute: 9 * 60, endMinute: 17 * 60 + 30)
        let la = TimeZone(identifier: "America/Los_Angeles")!
        // 2030-06-12 16:00 PDT (UTC-7) closes at 17:30 PDT.
        #expect(window.closing(after: Self.utc("2030-06-12T23:00:00"), in: la) == Self.utc("2030-06-13T00:30:00"))
        #expect(window.closing(after: Self.utc("2030-06-13T00:29:59"), in: la) == Self.utc("2030-06-13T00:30:00"))
        #expect(window.closing(after: Self.utc("2030-06-13T00:30:00"), in: la) == nil, "17:30 is already closed")
        #expect(window.closing(after: Self.utc("2030-06-12T15:59:00"), in: la) == nil, "08:59 is not open yet")
        // On the spring-forward Sunday in New York the window closes at 21:00 EDT, 01:00 UTC the next day.
        #expect(CallingWindow.standard.closing(after: Self.utc("2030-03-10T20:00:00"), in: Self.newYork)
                == Self.utc("2030-03-11T01:00:00"))
        // The closing instant agrees with allows(): the second before is open, the closing one is not.
        let closes = CallingWindow.standard.closing(after: Self.utc("2030-11-03T20:00:00"), in: Self.newYork)!
        #expect(closes == Self.utc("2030-11-04T02:00:00"))
        #expect(CallingWindow.standard.allows(closes.addingTimeInterval(-1), in: Self.newYork))
        #expect(!CallingWindow.standard.allows(closes, in: Self.newYork))
    }

    /// Over both change weekends, every 7 minutes: the next allowed instant is the first minute a minute-by-minute
    /// walk finds allowed, and it is allowed.
    @Test(arguments: ["2030-03-08T00:00:00", "2030-11-01T00:00:00"])
    func nextAllowedAgreesWithAMinuteByMinuteWalk(from start: String) {
        let window = CallingWindow(startMinute: 9 * 60 + 30, endMinute: 17 * 60)
        var instant = Self.utc(start)
        let end = instant.addingTimeInterval(4 * 86_400)
        while instant < end {
            var walk = instant
            while !window.allows(walk, in: Self.newYork) { walk = walk.addingTimeInterval(60) }
            let next = window.nextAllowed(atOrAfter: instant, in: Self.newYork)
            #expect(next == walk, "from \(instant)")
            #expect(window.allows(next, in: Self.newYork))
            #expect(CallingWindow.minuteOfDay(next, in: Self.newYork) == (next == instant ? CallingWindow.minuteOfDay(instant, in: Self.newYork) : 9 * 60 + 30))
            instant = instant.addingTimeInterval(7 * 60)
        }
    }

    @Test func aCampaignMayNarrowTheWindowButNeverWidenIt() throws {
        #expect(try CallingWindow(startMinute: 9 * 60, endMinute: 17 * 60).validated().startMinute == 540)
        #expect(throws: CampaignValidationError(field: "calling_window.start",
            "calling_window.start must be between 08:00 and 21:00 (the recipient's local time); 07:30 is not")) {
            _ = try CallingWindow(startMinute: 7 * 60 + 30, endMinute: 17 * 60).validated()
        }
        #expect(throws: CampaignValidationError(field: "calling_window.end",
            "calling_window.end must be between 08:00 and 21:00 (the recipient's local time); 21:30 is not")) {
            _ = try CallingWindow(startMinute: 9 * 60, endMinute: 21 * 60 + 30).validated()
        }
        #expect(throws: CampaignValidationError(field: "calling_window.end",
            "calling_window.end must be at least 15 minutes after calling_window.start")) {
            _ = try CallingWindow(startMinute: 12 * 60, endMinute: 12 * 60 + 10).validated()
        }
        #expect(throws: CampaignValidationError.self) { _ = try CallingWindow(startMinute: 17 * 60, endMinute: 9 * 60).validated() }
    }

    @Test func theWindowIsWrittenAsClockTimes() throws {
        let data = try JSONEncoder().encode(CallingWindow(startMinute: 9 * 60 + 5, endMinute: 20 * 60))
        #expect(String(decoding: data, as: UTF8.self).contains("\"start\":\"09:05\""))
        #expect(try JSONDecoder().decode(CallingWindow.self, from: data) == CallingWindow(startMinute: 545, endMinute: 1200))
        #expect(throws: DecodingError.self) {
            _ = try JSONDecoder().decode(CallingWindow.self, from: Data(#"{"start":"9am","end":"17:00"}"#.utf8))
        }
        #expect(CallingWindow.minute(parsing: "24:00") == 1440)
        #expect(CallingWindow.minute(parsing: "24:01") == nil)
        #expect(CallingWindow.minute(parsing: "8:00") == nil)
    }
}
