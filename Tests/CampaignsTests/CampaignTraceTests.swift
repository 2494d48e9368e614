import Foundation
import Testing
@testable import Campaigns

/// The checks `frontdesk bench campaign` runs on what Twilio was asked for: each rule catches its own breach, and a
/// trace that keeps them all passes.
@Suite struct CampaignTraceTests {
    static let ny = TimeZone(identifier: "America/New_York")!
    static let la = TimeZone(identifier: "America/Los_Angeles")!
    /// Tuesday 2031-03-11 15:00 UTC: 11:00 in New York (after the DST change), 08:00 in Los Angeles.
    static let t0 = ISO8601DateFormatter().date(from: "2031-03-11T15:00:00Z")!
    static let rules = CampaignTrace.Rules(callsPerSecond: 1, maxConcurrentCalls: 2, window: .standard, retry: .standard)

    func trace(_ dials: [CampaignTrace.Dial], doNotCall: Set<String> = [], optedOutAt: [String: Date] = [:]) -> CampaignTrace {
        CampaignTrace(dials: dials, zones: ["+15550000001": Self.ny, "+15550000002": Self.la, "+15550000003": Self.ny],
                      doNotCall: doNotCall, optedOutAt: optedOutAt,
                      finalStates: ["+15550000001": .completed, "+15550000002": .busy, "+15550000003": .voicemail])
    }

    func dial(_ n: Int, _ seconds: TimeInterval, lasting: TimeInterval = 30) -> CampaignTrace.Dial {
        CampaignTrace.Dial(phone: "+1555000000\(n)", at: Self.t0.addingTimeInterval(seconds),
                           endedAt: Self.t0.addingTimeInterval(seconds + lasting))
    }

    @Test func aTraceThatKeepsEveryRulePasses() {
        let (problems, figures) = trace([dial(1, 0), dial(2, 1), dial(3, 30), dial(2, 7300)]).check(Self.rules)
        #expect(problems.isEmpty, "\(problems)")
        #expect(figures.peakCallsPerSecond == 1 && figures.peakConcurrentCalls == 2 && figures.mostAttempts == 2)
        #expect(figures.shortestRetryGap == 7299)
    }

    @Test func eachBreachIsFound() {
        func problems(_ dials: [CampaignTrace.Dial], doNotCall: Set<String> = [], optedOutAt: [String: Date] = [:]) -> [String] {
            trace(dials, doNotCall: doNotCall, optedOutAt: optedOutAt).check(Self.rules).problems
        }
        #expect(problems([dial(1, 0), dial(2, 0.5)]).contains { $0.contains("calls per second") })
        #expect(problems([dial(1, 0), dial(2, 1), dial(3, 2)]).contains { $0.contains("concurrent calls") })
        // 07:59 in Los Angeles.
        #expect(problems([dial(2, -60)]).contains { $0.contains("outside the calling window") && $0.contains("07:59") })
        #expect(problems([dial(1, 0)], doNotCall: ["+15550000001"]).contains { $0.contains("do-not-call") })
        #expect(problems([dial(1, 100)], optedOutAt: ["+15550000001": Self.t0]).contains { $0.contains("asked not to be called") })
        #expect(problems([dial(1, 0), dial(1, 3600)]).contains { $0.contains("retries sooner") })
        #expect(problems([dial(1, 0), dial(1, 7200), dial(1, 14_400), dial(1, 21_600)]).contains { $0.contains("more than 3 times") })
        #expect(problems([CampaignTrace.Dial(phone: "+15550000001", at: Self.t0, endedAt: nil)]).contains { $0.contains("never ended") })
        var unfinished = trace([])
        unfinished.finalStates["+15550000003"] = .pending
        #expect(unfinished.check(Self.rules).problems.contains { $0.contains("not in a final state") && $0.contains("pending") })
        // A busy line with its attempts spent is done; one with a retry still scheduled is not.
        var retrying = trace([])
        #expect(retrying.check(Self.rules).problems.isEmpty)
        retrying.waiting = ["+15550000002"]
        #expect(retrying.check(Self.rules).problems.contains { $0.contains("+15550000002 busy") })
    }

    @Test func theSimulatedWorldIsTheSameForASeed() {
        var parameters = CampaignSimulation.Parameters()
        parameters.recipients = 500
        let first = CampaignSimulation.recipients(parameters)
        #expect(first == CampaignSimulation.recipients(parameters))
        #expect(Set(first.map(\.phone)).count == 500 && Set(first.map(\.zone)).count == CampaignSimulation.zones.count)
        let kinds: [AnswerKind] = [.yesNo, .freeText]
        #expect((0..<500).map { CampaignSimulation.pickup(recipient: $0, attempt: 1, questionKinds: kinds, parameters) }
                == (0..<500).map { CampaignSimulation.pickup(recipient: $0, attempt: 1, questionKinds: kinds, parameters) })
        // The CSV a business would upload has a row per recipient and says where each lives.
        let rows = CampaignSimulation.csv(first).split(separator: "\n")
        #expect(rows.count == 501 && rows.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false)[2...].contains { !$0.isEmpty } })
    }
}
