import Foundation
import Testing
import Receptionist

/// Booking rules, table-driven, in New York time (EDT in June, DST switches on 2030-03-10 and 2030-11-03).
struct BookingRulesTests {
    static let zone = TimeZone(identifier: "America/New_York")!
    /// Monday–Friday 08:00–17:00, Saturday 09:00–12:00, Sunday closed.
    static let weekHours: [Int: OpeningHours] = [
        2: OpeningHours(open: 480, close: 1020), 3: OpeningHours(open: 480, close: 1020), 4: OpeningHours(open: 480, close: 1020),
        5: OpeningHours(open: 480, close: 1020), 6: OpeningHours(open: 480, close: 1020), 7: OpeningHours(open: 540, close: 720),
    ]
    static let allDay: [Int: OpeningHours] = Dictionary(uniqueKeysWithValues: (1...7).map { ($0, OpeningHours(open: 0, close: 1440)) })
    static let now = date("2030-06-01", "00:00")

    /// Local wall-clock time in New York.
    static func date(_ day: String, _ time: String) -> Date {
        let d = LocalDate(iso: day)!
        let parts = time.split(separator: ":").map { Int($0)! }
        return d.instant(atMinute: parts[0] * 60 + parts[1], in: zone)
    }

    static func slot(_ day: String, _ start: String, _ end: String, emergency: Bool = false) -> BookingInterval {
        BookingInterval(start: date(day, start), end: date(day, end), isEmergency: emergency)
    }

    static func rules(maxJobs: Int? = nil, buffer: Int = 0, reserveMornings: Bool = false, hours: [Int: OpeningHours] = weekHours) -> BookingRules {
        BookingRules(policy: BookingPolicy(hours: hours, slotMinutes: 60, maxJobsPerDay: maxJobs, travelBufferMinutes: buffer,
                                           reserveMorningsForEmergencies: reserveMornings, timeZone: zone))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let rules: BookingRules
        let proposed: BookingInterval
        let existing: [BookingInterval]
        let expected: BookingRejection?
        var testDescription: String { name }
    }

    static let existingTen = slot("2030-06-03", "10:00", "11:00")

    static let cases: [Case] = [
        Case(name: "inside hours, nothing booked", rules: rules(), proposed: slot("2030-06-03", "09:00", "10:00"), existing: [], expected: nil),
        Case(name: "exactly opening to closing", rules: rules(), proposed: slot("2030-06-03", "08:00", "17:00"), existing: [], expected: nil),
        Case(name: "before opening", rules: rules(), proposed: slot("2030-06-03", "07:00", "08:00"), existing: [], expected: .outsideHours),
        Case(name: "runs past closing", rules: rules(), proposed: slot("2030-06-03", "16:30", "17:30"), existing: [], expected: .outsideHours),
        Case(name: "closed on Sunday", rules: rules(), proposed: slot("2030-06-09", "10:00", "11:00"), existing: [], expected: .outsideHours),
        Case(name: "Saturday morning hours", rules: rules(), proposed: slot("2030-06-08", "11:00", "12:00"), existing: [], expected: nil),
        Case(name: "Saturday afternoon", rules: rules(), proposed: slot("2030-06-08", "12:00", "13:00"), existing: [], expected: .outsideHours),
        Case(name: "in the past", rules: rules(), proposed: slot("2030-05-27", "09:00", "10:00"), existing: [], expected: .inThePast),
        Case(name: "ends before it starts", rules: rules(), proposed: slot("2030-06-03", "10:00", "09:00"), existing: [], expected: .invalidRange),
        Case(name: "zero length", rules: rules(), proposed: slot("2030-06-03", "10:00", "10:00"), existing: [], expected: .invalidRange),
        Case(name: "morning reserved", rules: rules(reserveMornings: true), proposed: slot("2030-06-03", "09:00", "10:00"), existing: [], expected: .morningReserved),
        Case(name: "morning for an emergency", rules: rules(reserveMornings: true), proposed: slot("2030-06-03", "09:00", "10:00", emergency: true), existing: [], expected: nil),
        Case(name: "noon is afternoon", rules: rules(reserveMornings: true), proposed: slot("2030-06-03", "12:00", "13:00"), existing: [], expected: nil),
        Case(name: "day full", rules: rules(maxJobs: 2), proposed: slot("2030-06-03", "09:00", "10:00"),
             existing: [slot("2030-06-03", "13:00", "14:00"), slot("2030-06-03", "15:00", "16:00")], expected: .dayFull(limit: 2)),
        Case(name: "other days do not count", rules: rules(maxJobs: 2), proposed: slot("2030-06-03", "09:00", "10:00"),
             existing: [slot("2030-06-04", "13:00", "14:00"), slot("2030-06-04", "15:00", "16:00"), existingTen], expected: nil),
        Case(name: "overlaps", rules: rules(), proposed: slot("2030-06-03", "10:30", "11:30"), existing: [existingTen], expected: .overlaps(existingTen)),
        Case(name: "inside another", rules: rules(), proposed: slot("2030-06-03", "10:15", "10:45"), existing: [existingTen], expected: .overlaps(existingTen)),
        Case(name: "back to back without buffer", rules: rules(), proposed: slot("2030-06-03", "11:00", "12:00"), existing: [existingTen], expected: nil),
        Case(name: "back to back before, without buffer", rules: rules(), proposed: slot("2030-06-03", "09:00", "10:00"), existing: [existingTen], expected: nil),
        Case(name: "after, within the travel buffer", rules: rules(buffer: 30), proposed: slot("2030-06-03", "11:00", "12:00"), existing: [existingTen], expected: .overlaps(existingTen)),
        Case(name: "before, within the travel buffer", rules: rules(buffer: 30), proposed: slot("2030-06-03", "09:00", "10:00"), existing: [existingTen], expected: .overlaps(existingTen)),
        Case(name: "just clear of the buffer", rules: rules(buffer: 30), proposed: slot("2030-06-03", "11:30", "12:30"), existing: [existingTen], expected: nil),
        Case(name: "past comes before hours", rules: rules(), proposed: slot("2030-05-26", "03:00", "04:00"), existing: [], expected: .inThePast),
    ]

    @Test(arguments: cases) func check(_ testCase: Case) {
        #expect(testCase.rules.check(testCase.proposed, existing: testCase.existing, now: Self.now) == testCase.expected)
    }

    @Test func availabilityOfAnEmptyDayIsEveryHour() {
        let slots = Self.rules().availability(on: LocalDate(iso: "2030-06-03")!, existing: [], now: Self.now)
        #expect(slots.count == 9)
        #expect(slots.first?.start == Self.date("2030-06-03", "08:00"))
        #expect(slots.last?.end == Self.date("2030-06-03", "17:00"))
    }

    @Test func availabilityLeavesOutBookedTimeAndItsBuffer() {
        let day = LocalDate(iso: "2030-06-03")!
        #expect(Self.rules().availability(on: day, existing: [Self.existingTen], now: Self.now).count == 8)
        let buffered = Self.rules(buffer: 30).availability(on: day, existing: [Self.existingTen], now: Self.now)
        #expect(buffered.map(\.start) == ["08:00", "12:00", "13:00", "14:00", "15:00", "16:00"].map { Self.date("2030-06-03", $0) })
    }

    @Test func availabilityStartsAfterNow() {
        let slots = Self.rules().availability(on: LocalDate(iso: "2030-06-03")!, existing: [], now: Self.date("2030-06-03", "12:30"))
        #expect(slots.map(\.start) == ["13:00", "14:00", "15:00", "16:00"].map { Self.date("2030-06-03", $0) })
    }

    @Test func availabilityOfAFullOrClosedDayIsEmpty() {
        let two = [Self.slot("2030-06-03", "13:00", "14:00"), Self.slot("2030-06-03", "15:00", "16:00")]
        #expect(Self.rules(maxJobs: 2).availability(on: LocalDate(iso: "2030-06-03")!, existing: two, now: Self.now).isEmpty)
        #expect(Self.rules().availability(on: LocalDate(iso: "2030-06-09")!, existing: [], now: Self.now).isEmpty)
    }

    @Test func reservedMorningsAreOfferedOnlyToEmergencies() {
        let day = LocalDate(iso: "2030-06-03")!
        let rules = Self.rules(reserveMornings: true)
        #expect(rules.availability(on: day, existing: [], now: Self.now).first?.start == Self.date("2030-06-03", "12:00"))
        #expect(rules.availability(on: day, existing: [], now: Self.now, emergency: true).count == 9)
    }

    /// The spring-forward day has 23 hours, the fall-back day 25; slots are real hours either way.
    @Test(arguments: [("2030-03-10", 23), ("2030-11-03", 25), ("2030-06-09", 24)])
    func dstDaysHaveTheirRealLength(day: String, expected: Int) {
        let rules = Self.rules(hours: Self.allDay)
        let slots = rules.availability(on: LocalDate(iso: day)!, existing: [], now: Date(timeIntervalSince1970: 0))
        #expect(slots.count == expected)
        #expect(slots.allSatisfy { $0.end.timeIntervalSince($0.start) == 3600 })
        // Consecutive, no gaps or overlaps across the jump.
        for (a, b) in zip(slots, slots.dropFirst()) { #expect(a.end == b.start) }
    }

    @Test func aSlotAcrossTheSpringForwardGapIsAnHourOfRealTime() {
        // 01:00 EST + 1 h is 03:00 EDT: bookable, and it overlaps a booking at 03:00.
        let rules = Self.rules(hours: Self.allDay)
        let start = Self.date("2030-03-10", "01:00")
        let proposed = BookingInterval(start: start, end: start.addingTimeInterval(3600))
        let existing = Self.slot("2030-03-10", "03:00", "04:00")
        #expect(rules.check(proposed, existing: [], now: .distantPast) == nil)
        #expect(proposed.end == existing.start)
        #expect(rules.check(BookingInterval(start: start, end: start.addingTimeInterval(3601)), existing: [existing], now: .distantPast) == .overlaps(existing))
    }

    @Test func morningIsLocal() {
        // 11:30 in New York is 15:30 UTC: still a morning there.
        let rules = Self.rules(reserveMornings: true)
        #expect(rules.check(Self.slot("2030-06-03", "11:30", "12:30"), existing: [], now: Self.now) == .morningReserved)
    }

    @Test(arguments: ["2030-02-30", "2030-6-03", "20300603", "2030-06-03T00:00", "", "abcd-ef-gh"])
    func malformedDaysAreRejected(_ text: String) {
        #expect(LocalDate(iso: text) == nil)
    }

    @Test func localDateWeekdayAndNext() {
        #expect(LocalDate(iso: "2030-06-03")!.weekday == 2)
        #expect(LocalDate(iso: "2030-12-31")!.next == LocalDate(year: 2031, month: 1, day: 1))
        #expect(LocalDate(Self.date("2030-06-03", "23:30"), in: Self.zone) == LocalDate(iso: "2030-06-03"))
    }
}
