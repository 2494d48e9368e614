import Foundation
import Testing
import Receptionist

struct SpokenClockTests {
    @Test(arguments: [("00:00", "midnight"), ("08:00", "8 a.m."), ("10:30", "10:30 a.m."), ("12:00", "noon"),
                      ("12:45", "12:45 p.m."), ("14:05", "2:05 p.m.")])
    func timesReadAsSpoken(local: String, spoken: String) throws {
        let zone = try #require(TimeZone(identifier: "America/Chicago"))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = local.split(separator: ":").compactMap { Int($0) }
        let date = try #require(calendar.date(from: DateComponents(year: 2026, month: 11, day: 25, hour: parts[0], minute: parts[1])))
        #expect(SpokenClock.time(date, in: zone) == spoken)
    }
}
