import Analytics
import Foundation
import Receptionist
import Testing
@testable import Server

/// `AnalyticsRepository`'s contract, on every backend: the export's keyset pages, the rollup's facts, the
/// knowledge-gap questions and the activity counts, each scoped to one business.
@Suite struct AnalyticsRepositoryTests {
    static let dayStart = ContractTime.chicago("2030-06-03T00:00")
    static let dayEnd = ContractTime.chicago("2030-06-04T00:00")
    static let t0 = ContractTime.chicago("2030-06-03T09:00")

    /// Business A's day: an answered question with a lead, a call with a declined and a weakly answered question
    /// and a connected transfer, an emergency still in progress; and a call the next day. One booking and one
    /// cancelled booking made that day.
    static func seedDay(_ store: RepositoryStore, clock: TestClock) async throws -> (a: Business, b: Business) {
        let a = try await store.makeBusiness("business-a", settings: CRMTestApp.settings())
        let b = try await store.makeBusiness("business-b", settings: CRMTestApp.settings())
        try await store.seedCall(
            "CA1", business: a, startedAt: t0, durationSeconds: 60, outcome: .answeredQuestion, questionsAnswered: 1,
            citedEntries: "e1;e2",
            lines: [.caller("what time do you open on saturday"), .answer("We open at nine.", entry: "e1", confidence: 0.8, latencyMs: 12)],
            lead: LeadDraft(reason: .message, name: "Jo O'Neil", phone: "+15557654321", notes: "call back"),
            leadAt: t0.addingTimeInterval(30))
        try await store.seedCall(
            "CA2", business: a, startedAt: t0.addingTimeInterval(3600), durationSeconds: 30, outcome: .transferred,
            transferStatus: "completed", questionsAnswered: 1, questionsDeclined: 1,
            lines: [.caller("do you fix pool pumps"), .declined("Sorry, I don't know that.", latencyMs: 20),
                    .caller("can you repair hot tubs"), .answer("We repair spas.", confidence: 0.3, latencyMs: 30)])
        try await store.seedCall("CA3", business: a, startedAt: t0.addingTimeInterval(7200), durationSeconds: nil,
                                 outcome: nil, isEmergency: true, lines: [.caller("a pipe burst in the kitchen")])
        try await store.seedCall("CA4", business: a, startedAt: dayEnd, durationSeconds: 10, outcome: .abandoned)
        // B's call the same day, with a declined question of its own.
        try await store.seedCall("CAb", business: b, startedAt: t0, durationSeconds: 5, outcome: .abandoned, isEmergency: true,
                                 lines: [.caller("B's own question"), .declined("Sorry.")],
                                 lead: LeadDraft(reason: .unanswered, name: "B's caller"))

        let ann = try await store.repositories.customers.create(businessId: a.id, CustomerFields(phone: "+15550001111"))
        let booking = Appointment(businessId: a.id, customerId: ann.id, startAt: ContractTime.chicago("2030-06-05T13:00"),
                                  endAt: ContractTime.chicago("2030-06-05T14:00"), createdAt: t0, updatedAt: t0)
        _ = try await store.repositories.appointments.create(booking, rules: a.bookingRules, now: clock.read())
        var dropped = booking
        dropped.id = UUID().uuidString.lowercased()
        dropped.startAt = ContractTime.chicago("2030-06-05T15:00")
        dropped.endAt = ContractTime.chicago("2030-06-05T16:00")
        let made = try await store.repositories.appointments.create(dropped, rules: a.bookingRules, now: clock.read())
        _ = try await store.repositories.appointments.update(id: made.id, businessId: a.id, AppointmentPatch(status: .cancelled),
                                                             rules: a.bookingRules, now: clock.read())
        return (a, b)
    }

    /// Repositories stamp bookings with this clock: 08:00 on the seeded day.
    static func clock() -> TestClock { TestClock(ContractTime.chicago("2030-06-03T08:00")) }

    @Test(arguments: RepositoryBackend.all)
    func exportRowsCarryTheCallsFirstLeadAndCitations(_ backend: RepositoryBackend) async throws {
        let clock = Self.clock()
        let store = try await backend.make(clock: clock)
        let (a, _) = try await Self.seedDay(store, clock: clock)
        let rows = try await store.repositories.analytics.exportRows(businessId: a.id, from: Self.dayStart, to: Self.dayEnd,
                                                                     after: nil, limit: 10)
        #expect(rows.map(\.sid) == ["CA1", "CA2", "CA3"], "the range's calls only, oldest first")
        let first = try #require(rows.first)
        #expect(first.startedAt == Self.t0)
        #expect(first.endedAt == Self.t0.addingTimeInterval(60))
        #expect(first.durationSeconds == 60)
        #expect(first.outcome == "answered_question")
        #expect(first.citedEntries == ["e1", "e2"])
        #expect(first.questionsAnswered == 1)
        #expect(first.leadReason == "message")
        #expect(first.leadName == "Jo O'Neil")
        #expect(first.leadPhone == "+15557654321")
        #expect(first.leadNotes == "call back")
        #expect(first.sentimentScore == nil, "no summary yet")
        #expect(rows[1].leadName == nil)
        #expect(rows[1].questionsDeclined == 1)
        #expect(rows[2].isEmergency)
        #expect(rows[2].emergencyCategory == "water")
        #expect(rows[2].durationSeconds == nil)
        #expect(try await store.repositories.analytics.exportRows(
            businessId: a.id, from: Self.dayStart, to: Self.dayEnd,
            after: CallExportPosition(startedAt: rows[1].startedAt, sid: rows[1].sid), limit: 10).map(\.sid) == ["CA3"])
    }

    /// Keyset pages walk calls that share a start time without losing or repeating any.
    @Test(arguments: RepositoryBackend.all)
    func exportPagesWalkCallsWithEqualStartTimes(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let business = try await store.makeBusiness("acme")
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        for index in 0..<11 {
            try await store.seedCall(String(format: "CA%03d", index), business: business,
                                     startedAt: start.addingTimeInterval(Double(index / 4)), durationSeconds: index,
                                     outcome: .abandoned)
        }
        var export = CallExport(analytics: store.repositories.analytics, businessId: business.id, timeZone: .gmt,
                                range: AnalyticsRange(from: start, to: start.addingTimeInterval(60)))
        export.pageSize = 3
        var seen: [String] = []
        var pages = 0
        try await export.forEachPage { rows in
            pages += 1
            seen += rows.map(\.sid)
        }
        #expect(seen == (0..<11).map { String(format: "CA%03d", $0) })
        #expect(pages == 4)
    }

    @Test(arguments: RepositoryBackend.all)
    func callFactsFoldEveryCallOfTheRangeOldestFirst(_ backend: RepositoryBackend) async throws {
        let clock = Self.clock()
        let store = try await backend.make(clock: clock)
        let (a, _) = try await Self.seedDay(store, clock: clock)
        let facts = try await store.repositories.analytics.reduceCallFacts(
            businessId: a.id, from: Self.dayStart, to: Self.dayEnd, into: [CallFact]()) { $0.append($1) }
        #expect(facts.map(\.startedAt) == [Self.t0, Self.t0.addingTimeInterval(3600), Self.t0.addingTimeInterval(7200)])
        #expect(facts[0].outcome == .answeredQuestion)
        #expect(facts[0].durationSeconds == 60)
        #expect(facts[0].callerTurns == 1)
        #expect(facts[0].turnLatenciesMs == [12])
        #expect(!facts[0].transferAttempted)
        #expect(facts[1].turnLatenciesMs.sorted() == [20, 30], "receptionist turns only")
        #expect(facts[1].transferAttempted && facts[1].transferConnected)
        #expect(facts[1].questionsDeclined == 1)
        #expect(facts[2].isEmergency)
        #expect(facts[2].outcome == nil)
        #expect(facts[2].durationSeconds == nil)
        // `from` is inclusive, `to` exclusive.
        let lastHour = try await store.repositories.analytics.reduceCallFacts(
            businessId: a.id, from: Self.t0.addingTimeInterval(7200), to: Self.dayEnd.addingTimeInterval(1), into: 0) { count, _ in
            count += 1
        }
        #expect(lastHour == 2)

        // The rollup reads through the same fold.
        let rollup = CallRollup(analytics: store.repositories.analytics, businessId: a.id,
                                timeZone: TimeZone(identifier: "America/Chicago")!,
                                range: AnalyticsRange(from: Self.dayStart, to: Self.dayEnd))
        let buckets = try await rollup.buckets(.day)
        #expect(buckets.map(\.calls) == [3])
        #expect(buckets.first?.emergencies == 1)
    }

    @Test(arguments: RepositoryBackend.all)
    func gapQuestionsAreTheDeclinedAndWeaklyAnsweredNewestFirst(_ backend: RepositoryBackend) async throws {
        let clock = Self.clock()
        let store = try await backend.make(clock: clock)
        let (a, _) = try await Self.seedDay(store, clock: clock)
        let analytics = store.repositories.analytics
        #expect(try await analytics.gapQuestions(businessId: a.id, from: Self.dayStart, to: Self.dayEnd, lowConfidence: 0.5, limit: 10)
            == [GapQuestion(text: "can you repair hot tubs", declined: false), GapQuestion(text: "do you fix pool pumps", declined: true)])
        #expect(try await analytics.gapQuestions(businessId: a.id, from: Self.dayStart, to: Self.dayEnd, lowConfidence: 0.25, limit: 10)
            == [GapQuestion(text: "do you fix pool pumps", declined: true)])
        #expect(try await analytics.gapQuestions(businessId: a.id, from: Self.dayStart, to: Self.dayEnd, lowConfidence: 0.9, limit: 1)
            .map(\.text) == ["can you repair hot tubs"])
        #expect(try await analytics.gapQuestions(businessId: a.id, from: Self.dayEnd, to: Self.dayEnd.addingTimeInterval(86_400),
                                                 lowConfidence: 0.9, limit: 10).isEmpty)
    }

    @Test(arguments: RepositoryBackend.all)
    func activityCountsTheSpansCallsLeadsBookingsAndEmergencies(_ backend: RepositoryBackend) async throws {
        let clock = Self.clock()
        let store = try await backend.make(clock: clock)
        let (a, _) = try await Self.seedDay(store, clock: clock)
        #expect(try await store.repositories.analytics.activity(businessId: a.id, from: Self.dayStart, to: Self.dayEnd)
            == ActivityCounts(calls: 3, leads: 1, bookings: 1, emergencies: 1))
        #expect(try await store.repositories.analytics.activity(businessId: a.id, from: Self.dayEnd,
                                                                to: Self.dayEnd.addingTimeInterval(86_400))
            == ActivityCounts(calls: 1))
    }

    /// Every read with business B's id sees none of business A's calls, leads, turns or bookings (and A's reads none
    /// of B's).
    @Test(arguments: RepositoryBackend.all)
    func callsForAnotherBusinessSeeNothingOfIt(_ backend: RepositoryBackend) async throws {
        let clock = Self.clock()
        let store = try await backend.make(clock: clock)
        let (a, b) = try await Self.seedDay(store, clock: clock)
        let analytics = store.repositories.analytics
        let week = (from: Self.dayStart.addingTimeInterval(-86_400 * 3), to: Self.dayEnd.addingTimeInterval(86_400 * 3))
        #expect(try await analytics.exportRows(businessId: b.id, from: week.from, to: week.to, after: nil, limit: 100)
            .map(\.sid) == ["CAb"])
        #expect(try await analytics.reduceCallFacts(businessId: b.id, from: week.from, to: week.to, into: 0) { count, _ in count += 1 }
            == 1)
        #expect(try await analytics.gapQuestions(businessId: b.id, from: week.from, to: week.to, lowConfidence: 1, limit: 100)
            == [GapQuestion(text: "B's own question", declined: true)])
        #expect(try await analytics.activity(businessId: b.id, from: week.from, to: week.to)
            == ActivityCounts(calls: 1, leads: 1, bookings: 0, emergencies: 1))

        #expect(!(try await analytics.exportRows(businessId: a.id, from: week.from, to: week.to, after: nil, limit: 100)
            .map(\.sid).contains("CAb")))
        #expect(!(try await analytics.gapQuestions(businessId: a.id, from: week.from, to: week.to, lowConfidence: 1, limit: 100)
            .map(\.text).contains("B's own question")))
        #expect(try await analytics.activity(businessId: a.id, from: week.from, to: week.to)
            == ActivityCounts(calls: 4, leads: 1, bookings: 1, emergencies: 1))
        // A business that has nothing sees nothing.
        let c = try await store.makeBusiness("business-c")
        #expect(try await analytics.exportRows(businessId: c.id, from: week.from, to: week.to, after: nil, limit: 100).isEmpty)
        #expect(try await analytics.activity(businessId: c.id, from: week.from, to: week.to) == ActivityCounts())
    }
}
