import Foundation
import Testing
@testable import Analytics

@Suite struct CallMetricsTests {
    static let newYork = TimeZone(identifier: "America/New_York")!

    /// An instant written in UTC: "2024-03-10T05:30:00Z".
    static func utc(_ text: String) -> Date {
        try! Date(text, strategy: .iso8601)
    }

    @Test func nearestRankQuantiles() {
        #expect(Quantiles.nearestRank([], percent: 50) == nil)
        #expect(Quantiles.nearestRank([7], percent: 95) == 7)
        #expect(Quantiles.nearestRank([1, 2, 3, 4], percent: 50) == 2)
        #expect(Quantiles.nearestRank([1, 2, 3, 4], percent: 100) == 4)
        let tens = (1...10).map(Double.init)
        #expect(Quantiles.nearestRank(tens, percent: 90) == 9)   // ⌈9.0⌉, not ⌈9.000…02⌉
        #expect(Quantiles.nearestRank(tens, percent: 91) == 10)
        #expect(Quantiles.nearestRank(tens, percent: 1) == 1)
    }

    @Test func hourBucketStatisticsByHand() throws {
        let base = Self.utc("2024-06-05T14:00:00Z")   // 10:00 EDT
        let facts = [
            CallFact(startedAt: base + 60, durationSeconds: 30, outcome: .answeredQuestion, callerTurns: 2,
                     questionsAnswered: 2, sentiment: 0.5, turnLatenciesMs: (1...8).map(Double.init)),
            CallFact(startedAt: base + 120, durationSeconds: 60, outcome: .transferred, callerTurns: 1,
                     transferAttempted: true, transferConnected: true, sentiment: -0.5,
                     turnLatenciesMs: (9...14).map(Double.init)),
            CallFact(startedAt: base + 180, durationSeconds: 90, outcome: .leadCaptured, callerTurns: 4,
                     questionsAnswered: 1, questionsDeclined: 1, transferAttempted: true, sentiment: 1,
                     turnLatenciesMs: (15...20).map(Double.init)),
            CallFact(startedAt: base + 240, durationSeconds: 120, outcome: .emergency, isEmergency: true, callerTurns: 3),
            CallFact(startedAt: base + 3_599, durationSeconds: 600, outcome: .abandoned, callerTurns: 0),
            CallFact(startedAt: base + 1_000, outcome: nil, callerTurns: 1),   // still in progress
        ]
        let buckets = CallMetrics.rollup(facts, granularity: .hour, timeZone: Self.newYork)
        try #require(buckets.count == 1)
        let bucket = buckets[0]
        #expect(bucket.start == base && bucket.end == base + 3_600 && bucket.granularity == .hour)
        #expect(bucket.calls == 6)
        #expect(bucket.answered == 5)
        #expect(bucket.inProgress == 1)
        #expect(bucket.emergencies == 1)
        var outcomes = MetricsBucket.OutcomeCounts()
        outcomes.answeredQuestion = 1; outcomes.transferred = 1; outcomes.leadCaptured = 1
        outcomes.emergency = 1; outcomes.abandoned = 1
        #expect(bucket.outcomes == outcomes)
        #expect(bucket.durationCount == 5)
        #expect(bucket.durationMeanSeconds == 180)    // (30 + 60 + 90 + 120 + 600) / 5
        #expect(bucket.durationP50Seconds == 90)      // rank ⌈2.5⌉ = 3
        #expect(bucket.durationP90Seconds == 600)     // rank ⌈4.5⌉ = 5
        #expect(bucket.transferAttempts == 2 && bucket.transfersConnected == 1)
        #expect(bucket.transferSuccessRate == 0.5)
        #expect(bucket.questionsAnswered == 3 && bucket.questionsDeclined == 1)
        #expect(bucket.knowledgeAnswerRate == 0.75)
        #expect(bucket.sentimentCount == 3)
        #expect(abs(bucket.sentimentMean! - 1.0 / 3) < 1e-12)
        #expect(bucket.latencyCount == 20)
        #expect(bucket.latencyP50Ms == 10)            // rank 10 of 1…20
        #expect(bucket.latencyP95Ms == 19)            // rank 19
    }

    @Test func ratesAreNilWithoutData() {
        let fact = CallFact(startedAt: Self.utc("2024-06-05T14:00:00Z"))
        let bucket = CallMetrics.rollup([fact], granularity: .day, timeZone: Self.newYork)[0]
        #expect(bucket.calls == 1 && bucket.answered == 0 && bucket.inProgress == 1)
        #expect(bucket.durationMeanSeconds == nil && bucket.durationP50Seconds == nil && bucket.durationP90Seconds == nil)
        #expect(bucket.transferSuccessRate == nil)
        #expect(bucket.knowledgeAnswerRate == nil)
        #expect(bucket.sentimentMean == nil)
        #expect(bucket.latencyP50Ms == nil && bucket.latencyP95Ms == nil)
    }

    /// 10 March 2024: New York springs forward at 02:00 EST, so the local day is 23 hours long.
    @Test func springForwardDayIsOneTwentyThreeHourBucket() {
        let facts = [
            CallFact(startedAt: Self.utc("2024-03-10T04:59:00Z"), durationSeconds: 10),  // 9 Mar 23:59 EST
            CallFact(startedAt: Self.utc("2024-03-10T05:30:00Z"), durationSeconds: 20),  // 10 Mar 00:30 EST
            CallFact(startedAt: Self.utc("2024-03-10T07:30:00Z"), durationSeconds: 30),  // 10 Mar 03:30 EDT
            CallFact(startedAt: Self.utc("2024-03-11T03:59:00Z"), durationSeconds: 40),  // 10 Mar 23:59 EDT
            CallFact(startedAt: Self.utc("2024-03-11T04:00:00Z"), durationSeconds: 50),  // 11 Mar 00:00 EDT
        ]
        let buckets = CallMetrics.rollup(facts, granularity: .day, timeZone: Self.newYork)
        #expect(buckets.map(\.start) == [Self.utc("2024-03-09T05:00:00Z"), Self.utc("2024-03-10T05:00:00Z"),
                                         Self.utc("2024-03-11T04:00:00Z")])
        #expect(buckets.map(\.calls) == [1, 3, 1])
        #expect(buckets[1].end.timeIntervalSince(buckets[1].start) == 23 * 3_600)
        #expect(buckets[1].durationMeanSeconds == 30)
        #expect(buckets[0].end == buckets[1].start && buckets[1].end == buckets[2].start)
    }

    /// 3 November 2024: New York falls back at 02:00 EDT, so the local day is 25 hours long and 01:00–02:00 happens
    /// twice — two hour buckets with the same local label and different offsets.
    @Test func fallBackDayAndItsRepeatedHour() {
        let facts = [
            CallFact(startedAt: Self.utc("2024-11-03T04:00:00Z")),   // 00:00 EDT
            CallFact(startedAt: Self.utc("2024-11-03T05:30:00Z")),   // 01:30 EDT
            CallFact(startedAt: Self.utc("2024-11-03T06:30:00Z")),   // 01:30 EST
            CallFact(startedAt: Self.utc("2024-11-03T06:45:00Z")),   // 01:45 EST
            CallFact(startedAt: Self.utc("2024-11-04T04:59:59Z")),   // 23:59:59 EST
        ]
        let days = CallMetrics.rollup(facts, granularity: .day, timeZone: Self.newYork)
        #expect(days.count == 1)
        #expect(days[0].start == Self.utc("2024-11-03T04:00:00Z"))
        #expect(days[0].end == Self.utc("2024-11-04T05:00:00Z"))   // 25 hours
        #expect(days[0].calls == 5)

        let hours = CallMetrics.rollup(facts, granularity: .hour, timeZone: Self.newYork)
        #expect(hours.map(\.start) == [Self.utc("2024-11-03T04:00:00Z"), Self.utc("2024-11-03T05:00:00Z"),
                                       Self.utc("2024-11-03T06:00:00Z"), Self.utc("2024-11-04T04:00:00Z")])
        #expect(hours.map(\.calls) == [1, 1, 2, 1])
        #expect(hours.allSatisfy { $0.end.timeIntervalSince($0.start) == 3_600 })
    }

    @Test func springForwardHoursSkipTheMissingHour() {
        let facts = [CallFact(startedAt: Self.utc("2024-03-10T06:59:00Z")),    // 01:59 EST
                     CallFact(startedAt: Self.utc("2024-03-10T07:00:00Z"))]    // 03:00 EDT
        let hours = CallMetrics.rollup(facts, granularity: .hour, timeZone: Self.newYork,
                                       filling: DateInterval(start: Self.utc("2024-03-10T06:00:00Z"),
                                                             end: Self.utc("2024-03-10T08:00:00Z")))
        #expect(hours.map(\.start) == [Self.utc("2024-03-10T06:00:00Z"), Self.utc("2024-03-10T07:00:00Z")])
        #expect(hours.map(\.calls) == [1, 1])
    }

    @Test func halfHourOffsetZone() {
        let kolkata = TimeZone(identifier: "Asia/Kolkata")!   // UTC+05:30
        let fact = CallFact(startedAt: Self.utc("2024-06-05T05:15:00Z"))   // 10:45 IST
        let hour = CallMetrics.rollup([fact], granularity: .hour, timeZone: kolkata)[0]
        #expect(hour.start == Self.utc("2024-06-05T04:30:00Z"))
        let day = CallMetrics.rollup([fact], granularity: .day, timeZone: kolkata)[0]
        #expect(day.start == Self.utc("2024-06-04T18:30:00Z"))
    }

    @Test func fillingIncludesEmptyDaysInOrder() {
        let facts = [CallFact(startedAt: Self.utc("2024-06-06T16:00:00Z"), durationSeconds: 5),
                     CallFact(startedAt: Self.utc("2024-06-20T16:00:00Z"))]   // outside the range: still returned
        let range = DateInterval(start: Self.utc("2024-06-05T04:00:00Z"), end: Self.utc("2024-06-08T04:00:00Z"))
        let buckets = CallMetrics.rollup(facts, granularity: .day, timeZone: Self.newYork, filling: range)
        #expect(buckets.map(\.start) == [Self.utc("2024-06-05T04:00:00Z"), Self.utc("2024-06-06T04:00:00Z"),
                                         Self.utc("2024-06-07T04:00:00Z"), Self.utc("2024-06-20T04:00:00Z")])
        #expect(buckets.map(\.calls) == [0, 1, 0, 1])
        #expect(buckets[0].durationMeanSeconds == nil && buckets[0].knowledgeAnswerRate == nil)
        #expect(zip(buckets, buckets.dropFirst()).allSatisfy { $0.start < $1.start })
    }

    @Test func orderOfFactsDoesNotMatter() {
        let start = Self.utc("2024-10-20T04:00:00Z")   // midnight EDT; 30 local days, across the fall-back day
        let facts = (0..<2_000).map { i in
            CallFact(startedAt: start + Double(i * 1_297 % (30 * 86_400)), durationSeconds: Double(i % 300),
                     outcome: CallOutcomeKind.allCases[i % 6], callerTurns: i % 3, questionsAnswered: i % 2,
                     questionsDeclined: i % 5 == 0 ? 1 : 0, transferAttempted: i % 7 == 0,
                     transferConnected: i % 14 == 0, sentiment: i % 4 == 0 ? nil : Double(i % 10) / 10,
                     turnLatenciesMs: [Double(i % 97), Double(i % 13)])
        }
        let ordered = CallMetrics.rollup(facts.sorted { $0.startedAt < $1.startedAt }, granularity: .day,
                                         timeZone: Self.newYork)
        let permuted = (0..<facts.count).map { facts[$0 * 7_919 % facts.count] }   // 7,919 is prime: a permutation
        let shuffled = CallMetrics.rollup(permuted, granularity: .day, timeZone: Self.newYork)
        #expect(ordered.count == 30)
        #expect(ordered.map(\.calls).reduce(0, +) == 2_000)
        // Sums of doubles may differ in the last bit with order; everything else is exact.
        for (a, b) in zip(ordered, shuffled) {
            var b = b
            #expect(abs((a.sentimentMean ?? 0) - (b.sentimentMean ?? 0)) < 1e-9)
            #expect(abs((a.durationMeanSeconds ?? 0) - (b.durationMeanSeconds ?? 0)) < 1e-9)
            b.sentimentMean = a.sentimentMean
            b.durationMeanSeconds = a.durationMeanSeconds
            #expect(a == b)
        }
        var accumulator = MetricsAccumulator(granularity: .day, timeZone: Self.newYork)
        for fact in facts { accumulator.add(fact) }
        #expect(accumulator.callCount == 2_000)
        #expect(accumulator.buckets().map(\.calls) == ordered.map(\.calls))
    }
}
