import Foundation

/// Per-business call metrics, per local day or hour. See ``MetricsBucket`` for each number's definition and
/// ``MetricsAccumulator`` to feed calls one at a time.
public enum CallMetrics {
    /// Rolls calls up into buckets of the business's local days or hours.
    ///
    /// - Parameters:
    ///   - facts: the calls, in any order (time order is cheapest).
    ///   - granularity: `.day` or `.hour`.
    ///   - timeZone: the business's time zone; a bucket is a local calendar day or hour, so a DST-change day is
    ///     one bucket of 23 or 25 hours.
    ///   - range: when given, empty buckets starting inside it are included; otherwise only buckets with calls.
    /// - Returns: buckets ordered by start.
    public static func rollup(_ facts: some Sequence<CallFact>, granularity: MetricsGranularity, timeZone: TimeZone,
                              filling range: DateInterval? = nil) -> [MetricsBucket] {
        var accumulator = MetricsAccumulator(granularity: granularity, timeZone: timeZone)
        accumulator.add(contentsOf: facts)
        return accumulator.buckets(filling: range)
    }
}
