import Foundation
import Testing
@testable import Maintenance

/// The dispatch simulation (`frontdesk simulate dispatch`): deterministic for a seed, its counts consistent with its
/// measures, and the loop's invariants holding under heavy STOP and silent-vendor load.
@Suite struct DispatchSimulationTests {
    static func parameters(tickets: Int = 300, seed: UInt64 = 7, stop: Double = 0.05, yes: Double = 0.45,
                           no: Double = 0.30) -> DispatchSimulation.Parameters {
        var parameters = DispatchSimulation.Parameters()
        parameters.tickets = tickets
        parameters.seed = seed
        parameters.stopProbability = stop
        parameters.yesProbability = yes
        parameters.noProbability = no
        return parameters
    }

    @Test func aSeedGivesTheSameRunAndAnotherSeedAnother() {
        let first = DispatchSimulation(Self.parameters()).run()
        let again = DispatchSimulation(Self.parameters()).run()
        let other = DispatchSimulation(Self.parameters(seed: 8)).run()
        #expect(first.measures.business == again.measures.business)
        #expect(first.states == again.states && first.texts == again.texts)
        #expect(first.measures.business != other.measures.business)
    }

    @Test func countsAgreeWithTheMeasures() {
        let report = DispatchSimulation(Self.parameters()).run()
        #expect(report.states.values.reduce(0, +) == 300)
        #expect(report.measures.business.tickets == 300)
        #expect(report.escalations.values.reduce(0, +) == report.states[.escalated] ?? 0)
        #expect(report.measures.byTrade.values.map(\.tickets).reduce(0, +) == 300)
        #expect(report.escalations[.noCandidates] ?? 0 > 0, "tickets in the ZIP no vendor covers escalate at once")
        #expect((report.states[.closed] ?? 0) > 0 && (report.states[.escalated] ?? 0) > 0)
    }

    @Test(arguments: [(0.5, 0.45, 0.30), (0.05, 0.0, 0.0), (0.3, 0.9, 0.05), (0.0, 0.1, 0.8)])
    func theInvariantsHoldUnderStopsSilenceAndEagerVendors(stop: Double, yes: Double, no: Double) {
        for seed: UInt64 in [1, 2, 3] {
            let report = DispatchSimulation(Self.parameters(seed: seed, stop: stop, yes: yes, no: no)).run()
            #expect(report.violations.isEmpty, "seed \(seed): \(report.violations.prefix(3))")
            #expect(report.states[.new] == nil && report.states[.vendorContacting] == nil)
        }
    }

    @Test func withNoAnswersEveryCoveredTicketEscalatesAndNothingIsBooked() {
        let report = DispatchSimulation(Self.parameters(yes: 0, no: 0)).run()
        #expect(report.states == [.escalated: 300])
        #expect(report.measures.business.acceptanceRate == 0)
        #expect(report.measures.business.timeoutRate == 1)
    }
}
