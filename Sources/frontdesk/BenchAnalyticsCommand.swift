import ArgumentParser
import Foundation
import Server

struct BenchAnalyticsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analytics",
        abstract: "Export and rollup speed on a seeded business: 100,000 calls with 1,000,000 transcript lines.",
        discussion: """
            Seeds a temporary database (calls over 90 days, leads, summaries, sentiment, citations), then times the \
            CSV export of every call (the rows of GET /v1/analytics/calls.csv, formatted in this process) with the \
            growth of peak memory during it, and a 30-day daily rollup. Targets: export ≤ 3 s, rollup ≤ 1 s. The \
            anchor, measured in the same run, is one bare SQLite pass over the same rows.
            """
    )

    @Option(help: "Calls to seed.")
    var calls: Int = 100_000

    @Option(help: "Transcript lines per call.")
    var turns: Int = 10

    @Option(help: "Days the calls are spread over.")
    var days: Int = 90

    func run() async throws {
        guard calls > 0, turns >= 2, (30...366).contains(days) else { throw ValidationError("--calls, --turns or --days out of range") }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-bench-analytics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let bench = try await AnalyticsBenchmark.create(path: directory.appendingPathComponent("bench.sqlite").path)
        let end = Date()
        let clock = ContinuousClock()
        let seedStart = clock.now
        try await bench.seed(calls: calls, turnsPerCall: turns, days: days, end: end)
        let seeded = clock.now - seedStart
        let figures = try await bench.measure(end: end, days: days)
        try bench.close()

        func ms(_ seconds: Double) -> String { String(format: "%.0f ms", seconds * 1000) }
        print("seeded \(figures.calls) calls, \(figures.turns) transcript lines over \(days) days in \(seeded)")
        printTable(["measure", "time", "target", "", "ratio to anchor"], [
            ["anchor: bare SQLite pass over all calls", ms(figures.anchorScanSeconds), "", "", "1.00×"],
            ["export all calls as CSV (\(figures.exportBytes / 1_000_000) MB)", ms(figures.exportSeconds), "≤ 3 s",
             figures.exportSeconds <= 3 ? "PASS" : "MISS", String(format: "%.2f×", figures.exportSeconds / figures.anchorScanSeconds)],
            ["30-day daily rollup (\(figures.rollupCalls) calls, \(figures.rollupDays) days)", ms(figures.rollupSeconds), "≤ 1 s",
             figures.rollupSeconds <= 1 ? "PASS" : "MISS", String(format: "%.2f×", figures.rollupSeconds / figures.anchorScanSeconds)],
        ])
        print(String(format: "export: %.0f ms reading from SQLite, %.0f ms formatting CSV", (figures.exportSeconds - figures.exportFormattingSeconds) * 1000,
                     figures.exportFormattingSeconds * 1000))
        print(String(format: "peak memory growth during the export: %.1f MB (pages of 2,000 rows; flat in the number of calls)",
                     Double(figures.exportPeakGrowthBytes) / 1_048_576))
    }
}
