import Analytics
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `frontdesk bench analytics`: seeds a business with many calls and times the analyst's reads on them.
public struct AnalyticsBenchmark: Sendable {
    public struct Figures: Sendable {
        public var calls: Int
        public var turns: Int
        public var seedSeconds: Double
        public var exportSeconds: Double
        /// Of which formatting rows as CSV: the export's time less a pass that only reads the same pages.
        public var exportFormattingSeconds: Double
        public var exportBytes: Int
        /// Growth of the process's peak resident memory during the export, in bytes.
        public var exportPeakGrowthBytes: Int
        public var rollupSeconds: Double
        public var rollupDays: Int
        public var rollupCalls: Int
        /// Same-run anchor: one SQLite pass reading every call's row and its turns' latencies (no formatting).
        public var anchorScanSeconds: Double
    }

    /// The SQLite file the calls are seeded into (`AnalyticsBenchmark+SQLite`: seeding and the anchor scan).
    let database: AppDatabase
    /// What the API reads through.
    let analytics: any AnalyticsRepository
    public let businessId: String
    let timeZone: TimeZone

    /// Times the CSV export of every call, the 30-day daily rollup, and the anchor scan.
    public func measure(end: Date, days: Int) async throws -> Figures {
        let counts = try await storedCounts()
        let everything = AnalyticsRange(from: end.addingTimeInterval(-Double(days) * 86_400 - 1), to: end.addingTimeInterval(1))

        // Anchor: a bare pass over the same rows in SQLite.
        let clock = ContinuousClock()
        let anchorStart = clock.now
        _ = try await anchorScan(everything)
        let anchor = clock.now - anchorStart

        let export = CallExport(analytics: analytics, businessId: businessId, timeZone: timeZone, range: everything)
        let before = Self.peakResidentBytes()
        var bytes = 0
        let exportStart = clock.now
        try await export.write(.csv) { bytes += $0.utf8.count }  // the API's export, counted instead of sent
        let exportTime = clock.now - exportStart
        // Reading alone (the same pages, not formatted); formatting is the rest.
        let readStart = clock.now
        try await export.forEachPage { _ in }
        let formatting = max(.zero, exportTime - (clock.now - readStart))
        let growth = max(0, Self.peakResidentBytes() - before)

        let month = AnalyticsRange(from: end.addingTimeInterval(-30 * 86_400), to: end)
        let rollup = CallRollup(analytics: analytics, businessId: businessId, timeZone: timeZone, range: month)
        let rollupStart = clock.now
        let buckets = try await rollup.buckets(.day)
        let rollupTime = clock.now - rollupStart

        func seconds(_ duration: Duration) -> Double { Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18 }
        return Figures(calls: counts.0, turns: counts.1, seedSeconds: 0, exportSeconds: seconds(exportTime),
                       exportFormattingSeconds: seconds(formatting), exportBytes: bytes,
                       exportPeakGrowthBytes: growth, rollupSeconds: seconds(rollupTime), rollupDays: buckets.count,
                       rollupCalls: buckets.map(\.calls).reduce(0, +), anchorScanSeconds: seconds(anchor))
    }

    /// The anchor alone, for benchmarks that time other readers of the same calls (`frontdesk bench panel`):
    /// seconds of the bare SQLite pass over the calls started in the `days` days before `end`.
    public func anchorScanSeconds(end: Date, days: Int) async throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        _ = try await anchorScan(AnalyticsRange(from: end.addingTimeInterval(-Double(days) * 86_400), to: end))
        let elapsed = clock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    public func close() throws { try database.close() }

    /// The process's peak resident set size so far (Linux `ru_maxrss` is in KiB).
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024
    }
}
