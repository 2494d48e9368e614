import Campaigns
import Foundation
import Logging
import Testing
@testable import Server

/// `frontdesk bench campaign` at a small size: the real server runs a campaign against the simulated Twilio on a
/// virtual clock over the night the US clocks change, and every rule holds — pacing, concurrency, windows,
/// do-not-call, opt-outs, the retry budget — with every recipient final and the live stream complete.
@Suite struct CampaignBenchTests {
    @Test func aSmallCampaignRunsToCompletionWithinEveryRule() async throws {
        try ServerTestPaths.requireModel()
        let directory = try TemporaryDirectory()
        var options = CampaignBench.Options(modelDirectory: ServerTestPaths.modelDirectory, directory: directory.url.path)
        options.simulation.recipients = 120
        options.simulation.seed = 3
        // More people ask not to be called again than in the full run, so a small one has some.
        options.simulation.optOutProbability = 0.2
        options.simulation.doNotCallShare = 0.05
        options.limits = OutboundLimits(callsPerSecond: 1, maxConcurrentCalls: 4)
        options.campaignConcurrency = 6
        var logger = Logger(label: "bench-test")
        logger.logLevel = .error
        let report = try await CampaignBench(options, logger: logger).run()

        #expect(report.problems.isEmpty, "\(report.problems)")
        let recipients = CampaignSimulation.recipients(options.simulation)
        #expect(report.states.values.reduce(0, +) == recipients.count)
        // Final, or busy / no answer with no attempt left (CampaignTrace checks which).
        let finals = Set(report.states.keys.compactMap(RecipientState.init(rawValue:)))
        #expect(finals.allSatisfy { $0.isFinal || $0.mayBeRetried }, "\(report.states)")
        // Every kind of ending the world draws shows up, and the do-not-call list is honoured at the upload.
        for state in ["completed", "voicemail", "opted_out", "busy", "no_answer"] {
            #expect((report.states[state] ?? 0) > 0, "no recipient ended \(state): \(report.states)")
        }
        #expect((report.states["opted_out"] ?? 0) >= recipients.filter(\.doNotCall).count)
        // The limits were reached and held (the account's four calls bind before the campaign's six).
        #expect(report.figures.peakConcurrentCalls == 4 && report.figures.peakCallsPerSecond == 1, "\(report.figures)")
        #expect(report.figures.mostAttempts > 1 && report.figures.mostAttempts <= RetryPolicy.standard.maxAttempts)
        #expect((report.figures.shortestRetryGap ?? 0) >= RetryPolicy.standard.minimumGap)
        // The live client got every event of the campaign's stream, once.
        #expect(report.missedLiveEvents == 0 && report.liveDelaysMilliseconds.count > report.dials)
        #expect(report.dials > recipients.count / 2 && report.dialerPasses > 0 && report.dialerCPUSeconds > 0)
        // New York's window opened at 08:00 EDT on the Sunday the clocks changed: 12:00 UTC, not 13:00 as the day
        // before. Calls went out in that hour, and none before it.
        let newYork = TimeZone(identifier: "America/New_York")!
        let sundayNewYork = report.trace.dials.filter { report.trace.zones[$0.phone] == newYork }.map(\.at)
        let opening = ISO8601DateFormatter().date(from: "2031-03-09T12:00:00Z")!
        #expect(sundayNewYork.min() == opening, "\(String(describing: sundayNewYork.min()))")
        #expect(sundayNewYork.contains { $0 < opening.addingTimeInterval(3600) })
    }
}
