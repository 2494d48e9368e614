import Foundation
import Maintenance
import Testing

@Suite struct VisitWindowTests {
    let chicago = TimeZone(identifier: "America/Chicago")!

    /// A local time in Chicago: 2026-01-`day` `hour`:`minute`.
    private func local(_ day: Int, _ hour: Int, _ minute: Int = 0, month: Int = 1) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = chicago
        return calendar.date(from: DateComponents(year: 2026, month: month, day: day, hour: hour, minute: minute))!
    }

    @Test func todayTomorrowAndLater() {
        let now = local(1, 10)   // Thursday 1 January 2026, 10am
        #expect(VisitWindow(start: local(1, 14), end: local(1, 18)).phrase(now: now, timeZone: chicago) == "today 2-6pm")
        #expect(VisitWindow(start: local(2, 9), end: local(2, 12)).phrase(now: now, timeZone: chicago)
                == "tomorrow 9am-12pm")
        #expect(VisitWindow(start: local(9, 9), end: local(9, 12)).phrase(now: now, timeZone: chicago)
                == "Fri 9 Jan 9am-12pm")
        #expect(VisitWindow(start: local(3, 9, 30), end: local(3, 11)).phrase(now: now, timeZone: chicago)
                == "Sat 3 Jan 9:30-11am")
    }

    @Test func meridiemsNoonAndMidnight() {
        let now = local(5, 8)
        func phrase(_ from: (Int, Int), _ to: (Int, Int)) -> String {
            VisitWindow(start: local(5, from.0, from.1), end: local(5, to.0, to.1)).phrase(now: now, timeZone: chicago)
        }
        #expect(phrase((11, 30), (13, 0)) == "today 11:30am-1pm")
        #expect(phrase((12, 0), (13, 0)) == "today 12-1pm")
        #expect(phrase((0, 0), (2, 5)) == "today 12-2:05am")
        #expect(phrase((8, 0), (9, 0)) == "today 8-9am")
    }

    @Test func theDayIsTheBusinessesNotUTCs() {
        // 11pm in Chicago on the 5th is already the 6th in UTC; "today" is Chicago's today.
        let now = local(5, 22)
        let window = VisitWindow(start: local(5, 23), end: local(6, 1))
        #expect(window.phrase(now: now, timeZone: chicago) == "today 11pm-1am")
        #expect(window.phrase(now: now, timeZone: TimeZone(identifier: "UTC")!) == "today 5-7am")
    }
}
