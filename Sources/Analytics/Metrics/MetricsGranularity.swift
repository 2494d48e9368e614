/// The length of a metrics bucket, in the business's own calendar: a day is midnight to midnight local time
/// (23 or 25 hours on a daylight-saving change), an hour is a local clock hour (the repeated hour when clocks
/// go back is two buckets with different UTC offsets).
public enum MetricsGranularity: String, Sendable, Codable, CaseIterable {
    case day, hour
}
