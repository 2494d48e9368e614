import Foundation

/// Rolls calls up into per-day or per-hour ``MetricsBucket``s one ``CallFact`` at a time, so the server can
/// stream rows out of SQLite without holding them.
///
/// Memory is a few counters per bucket plus, for the exact quantiles, every duration (8 bytes per call) and every
/// turn latency (8 bytes per turn) of each bucket: 100,000 calls of ~6 turns are ~5 MB. That is fine up to
/// millions of turns per rollup; past that a fixed histogram would bound it (not needed at our call volumes).
///
/// Buckets are found by binary search over the ones already seen; the calendar (the slow part) is asked only
/// for a fact outside all of them, so facts in any order cost O(log buckets) each.
public struct MetricsAccumulator: Sendable {
    public let granularity: MetricsGranularity
    public let timeZone: TimeZone
    private let calendar: Calendar
    /// Bucket intervals, sorted by start, and their tallies at the same positions.
    private var intervals: [DateInterval] = []
    private var tallies: [Tally] = []
    private var lastHit = 0

    /// - Parameters:
    ///   - granularity: local days or local hours.
    ///   - timeZone: the business's time zone (`TimeZone(identifier: "America/New_York")`).
    public init(granularity: MetricsGranularity, timeZone: TimeZone) {
        self.granularity = granularity
        self.timeZone = timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    /// Calls added so far.
    public private(set) var callCount = 0

    /// Counts one call in the bucket of its `startedAt`.
    public mutating func add(_ fact: CallFact) {
        let index = bucketIndex(for: fact.startedAt)
        tallies[index].add(fact)
        callCount += 1
    }

    /// Counts every call of a sequence.
    public mutating func add(contentsOf facts: some Sequence<CallFact>) {
        for fact in facts { add(fact) }
    }

    /// The buckets, in time order.
    ///
    /// - Parameter range: when given, every bucket that starts inside `range` is included even without calls
    ///   (counts 0, statistics nil), so a 30-day chart has 30 points; buckets with calls outside `range` are
    ///   still returned. When nil, only buckets with calls are returned.
    public func buckets(filling range: DateInterval? = nil) -> [MetricsBucket] {
        var result: [MetricsBucket] = []
        result.reserveCapacity(intervals.count)
        var filled = range.map { emptyIntervals(in: $0) } ?? []
        filled.reverse()   // pop from the end in time order
        for (interval, tally) in zip(intervals, tallies) {
            while let next = filled.last, next.start <= interval.start {
                filled.removeLast()
                if next.start < interval.start { result.append(Tally().bucket(next, granularity)) }
            }
            result.append(tally.bucket(interval, granularity))
        }
        result += filled.reversed().map { Tally().bucket($0, granularity) }
        return result
    }

    /// The calendar's day or hour containing `date`.
    public func interval(containing date: Date) -> DateInterval {
        let component: Calendar.Component = granularity == .day ? .day : .hour
        guard let interval = calendar.dateInterval(of: component, for: date) else {
            // Only for dates Foundation cannot place; fall back to fixed-length UTC-offset buckets.
            let length: TimeInterval = granularity == .day ? 86_400 : 3_600
            let offset = TimeInterval(timeZone.secondsFromGMT(for: date))
            let start = ((date.timeIntervalSince1970 + offset) / length).rounded(.down) * length - offset
            return DateInterval(start: Date(timeIntervalSince1970: start), duration: length)
        }
        return interval
    }

    private func emptyIntervals(in range: DateInterval) -> [DateInterval] {
        var result: [DateInterval] = []
        var interval = self.interval(containing: range.start)
        if interval.start < range.start { interval = self.interval(containing: interval.end) }
        while interval.start < range.end {
            result.append(interval)
            interval = self.interval(containing: interval.end)
        }
        return result
    }

    private mutating func bucketIndex(for date: Date) -> Int {
        if lastHit < intervals.count, intervals[lastHit].start <= date, date < intervals[lastHit].end {
            return lastHit
        }
        // First interval whose end is after `date`.
        var low = 0, high = intervals.count
        while low < high {
            let mid = (low + high) / 2
            if intervals[mid].end <= date { low = mid + 1 } else { high = mid }
        }
        if low < intervals.count, intervals[low].start <= date {
            lastHit = low
            return low
        }
        intervals.insert(interval(containing: date), at: low)
        tallies.insert(Tally(), at: low)
        lastHit = low
        return low
    }
}

/// One bucket's running counts and quantile samples.
struct Tally: Sendable {
    var calls = 0, answered = 0, inProgress = 0, emergencies = 0
    var outcomes = MetricsBucket.OutcomeCounts()
    var durations: [Double] = []
    var durationSum = 0.0
    var transferAttempts = 0, transfersConnected = 0
    var questionsAnswered = 0, questionsDeclined = 0
    var sentimentSum = 0.0, sentimentCount = 0
    var latencies: [Double] = []

    mutating func add(_ fact: CallFact) {
        calls += 1
        if fact.callerTurns > 0 { answered += 1 }
        if let outcome = fact.outcome { outcomes[outcome] += 1 } else { inProgress += 1 }
        if fact.isEmergency { emergencies += 1 }
        if let duration = fact.durationSeconds {
            durations.append(duration)
            durationSum += duration
        }
        if fact.transferAttempted {
            transferAttempts += 1
            if fact.transferConnected { transfersConnected += 1 }
        }
        questionsAnswered += fact.questionsAnswered
        questionsDeclined += fact.questionsDeclined
        if let sentiment = fact.sentiment {
            sentimentSum += sentiment
            sentimentCount += 1
        }
        latencies.append(contentsOf: fact.turnLatenciesMs)
    }

    func bucket(_ interval: DateInterval, _ granularity: MetricsGranularity) -> MetricsBucket {
        var bucket = MetricsBucket(start: interval.start, end: interval.end, granularity: granularity)
        bucket.calls = calls
        bucket.answered = answered
        bucket.inProgress = inProgress
        bucket.emergencies = emergencies
        bucket.outcomes = outcomes
        bucket.durationCount = durations.count
        if !durations.isEmpty {
            let sorted = durations.sorted()
            bucket.durationMeanSeconds = durationSum / Double(durations.count)
            bucket.durationP50Seconds = Quantiles.nearestRank(sorted, percent: 50)
            bucket.durationP90Seconds = Quantiles.nearestRank(sorted, percent: 90)
        }
        bucket.transferAttempts = transferAttempts
        bucket.transfersConnected = transfersConnected
        if transferAttempts > 0 { bucket.transferSuccessRate = Double(transfersConnected) / Double(transferAttempts) }
        bucket.questionsAnswered = questionsAnswered
        bucket.questionsDeclined = questionsDeclined
        let questions = questionsAnswered + questionsDeclined
        if questions > 0 { bucket.knowledgeAnswerRate = Double(questionsAnswered) / Double(questions) }
        bucket.sentimentCount = sentimentCount
        if sentimentCount > 0 { bucket.sentimentMean = sentimentSum / Double(sentimentCount) }
        bucket.latencyCount = latencies.count
        if !latencies.isEmpty {
            let sorted = latencies.sorted()
            bucket.latencyP50Ms = Quantiles.nearestRank(sorted, percent: 50)
            bucket.latencyP95Ms = Quantiles.nearestRank(sorted, percent: 95)
        }
        return bucket
    }
}
