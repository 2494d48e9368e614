import ArgumentParser
import Campaigns
import Foundation
import Logging
import Server

struct BenchCampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign",
        abstract: "A calling campaign run by the real server against a simulated Twilio on a virtual clock.",
        discussion: """
            Uploads --recipients people (spread over seven US time zones, 2 % on the do-not-call list) over REST, \
            starts the campaign and watches GET /v1/campaigns/{id}/live while the server's dialer, pacing, webhooks \
            and consumers run it to completion against a simulated Twilio on 127.0.0.1: seeded answers (people who \
            answer the three questions, some asking not to be called again), busy lines, calls nobody answers, \
            failures and answering machines, over the night the US moves its clocks forward. Checks that calls per \
            second and concurrent calls never exceed their limits, nobody is called outside 08:00-21:00 in their own \
            time zone, on the do-not-call list or after asking not to be, the retry budget and gap hold, and every \
            recipient ends in a final state; exits non-zero when one does not. Prints the dialer's CPU time per dial \
            against the anchor (one event append, measured in the same run) and the live stream's delay from an \
            event's commit to the client (p50, p95, max).
            """
    )

    @Option(help: "Recipients to call (at most 10,000: one upload).")
    var recipients: Int = 10_000

    @Option(help: "The seed of the simulated world.")
    var seed: UInt64 = 1

    @Option(help: "The account's calls per second (Twilio's default is 1).")
    var callsPerSecond: Double = 1

    @Option(help: "The account's concurrent outbound calls.")
    var accountConcurrency: Int = 10

    @Option(help: "The campaign's pacing.max_concurrent_calls.")
    var campaignConcurrency: Int = 10

    @OptionGroup var model: ModelOptions

    func run() async throws {
        guard (1...10_000).contains(recipients) else { throw ValidationError("--recipients must be 1 to 10000") }
        guard OutboundLimits.callsPerSecondRange.contains(callsPerSecond),
              OutboundLimits.maxConcurrentCallsRange.contains(accountConcurrency),
              (1...CampaignPacing.maxConcurrentCallsLimit).contains(campaignConcurrency)
        else { throw ValidationError("--calls-per-second, --account-concurrency or --campaign-concurrency out of range") }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-bench-campaign-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        var options = CampaignBench.Options(modelDirectory: model.resolvedDirectory.path, directory: directory.path)
        options.simulation.recipients = recipients
        options.simulation.seed = seed
        options.limits = OutboundLimits(callsPerSecond: callsPerSecond, maxConcurrentCalls: accountConcurrency)
        options.campaignConcurrency = campaignConcurrency
        var logger = Logger(label: "frontdesk.bench")
        logger.logLevel = .error
        print(BenchMachine.line())
        print("campaign of \(recipients) recipients, seed \(seed): \(callsPerSecond) calls per second, \(accountConcurrency) concurrent calls for the account, \(campaignConcurrency) for the campaign")
        let report = try await CampaignBench(options, logger: logger).run()

        let hours = report.virtualSeconds / 3600
        print(String(format: "ran %.1f simulated hours in %.0f s: %d dials, %d webhooks, %d dialer passes", hours,
                     report.wallSeconds, report.dials, report.webhooks, report.dialerPasses))
        print("final states: " + report.states.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        let figures = report.figures
        print("peaks: \(figures.peakCallsPerSecond) calls in one second (limit \(callsPerSecond)), \(figures.peakConcurrentCalls) concurrent calls (limit \(min(accountConcurrency, campaignConcurrency))), \(figures.mostAttempts) attempts to one number"
              + (figures.shortestRetryGap.map { String(format: ", shortest retry gap %.1f h", $0 / 3600) } ?? ""))
        let perDial = report.cpuPerDialSeconds
        printTable(["measure", "value", "ratio to anchor"], [
            ["anchor: CPU time of one event append", String(format: "%.3f ms", report.appendCPUSeconds * 1000), "1.00×"],
            ["dialer CPU time per dial", String(format: "%.3f ms", perDial * 1000),
             String(format: "%.1f×", perDial / report.appendCPUSeconds)],
            ["live stream delay, event commit → client, p50", String(format: "%.1f ms", report.liveDelay(percentile: 0.5)), ""],
            ["live stream delay, p95", String(format: "%.1f ms", report.liveDelay(percentile: 0.95)), ""],
            ["live stream delay, max", String(format: "%.1f ms", report.liveDelay(percentile: 1)), ""],
        ])
        print("live stream: \(report.liveDelaysMilliseconds.count) events received, \(report.missedLiveEvents) missed")
        if report.problems.isEmpty {
            print("checks: PASS (pacing, concurrency, calling windows across the DST change, do-not-call, opt-outs, retry budget, every recipient final)")
        } else {
            print("checks: FAIL")
            for problem in report.problems { print("  - \(problem)") }
            throw ExitCode(1)
        }
    }
}
