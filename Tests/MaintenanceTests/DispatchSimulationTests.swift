import Foundation
import Testing
@testable import Maintenance

/// The simulated world of `frontdesk simulate dispatch` (the server's simulator runs the real loop against it; see
/// `DispatchSimulatorTests`): deterministic for a seed, each decision independent of the order it is asked in, and
/// the parameters' proportions respected.
@Suite struct DispatchSimulationTests {
    static func parameters(tickets: Int = 2000, vendors: Int = 30, seed: UInt64 = 7) -> DispatchSimulation.Parameters {
        var parameters = DispatchSimulation.Parameters()
        parameters.tickets = tickets
        parameters.vendors = vendors
        parameters.seed = seed
        return parameters
    }

    @Test func aSeedGivesTheSameWorldAndAnotherSeedAnother() {
        let first = DispatchSimulation.World(Self.parameters())
        #expect(first == DispatchSimulation.World(Self.parameters()))
        #expect(first != DispatchSimulation.World(Self.parameters(seed: 8)))
        #expect(first.tickets.map(\.index) == Array(0..<2000))
        #expect(Set(first.vendors.map(\.phone)).count == 30 && Set(first.tickets.map(\.tenantPhone)).count == 2000)
    }

    @Test func theWorldHasTheParametersProportions() {
        let world = DispatchSimulation.World(Self.parameters())
        let emergencies = world.tickets.filter { $0.priority == .emergency }.count
        let urgent = world.tickets.filter { $0.priority == .urgent }.count
        let uncovered = world.tickets.filter { $0.postcode == DispatchSimulation.areas.last }.count
        #expect((150...250).contains(emergencies), "10 % emergencies: \(emergencies)")
        #expect((500...700).contains(urgent), "30 % urgent: \(urgent)")
        #expect((30...90).contains(uncovered), "3 % in the ZIP nobody covers: \(uncovered)")
        let horizon = DispatchSimulation.start.addingTimeInterval(14 * 86_400)
        #expect(world.tickets.allSatisfy { $0.arrivesAt >= DispatchSimulation.start && $0.arrivesAt < horizon })
        // Every trade has a vendor (vendor i takes trade i mod 8), nobody covers the last ZIP.
        #expect(Set(world.vendors.flatMap(\.trades)) == Set(Trade.allCases))
        #expect(world.vendors.allSatisfy { !$0.areas.contains(DispatchSimulation.areas.last!) && (3...5).contains($0.areas.count) })
        #expect(world.vendors.allSatisfy { $0.yes >= 0.45 * 0.7 && $0.yes <= 0.45 * 1.3 && $0.yes + $0.no <= 1 })
    }

    @Test func answersDependOnWhoAndWhatNotOnTheOrderAsked() {
        let parameters = Self.parameters()
        let world = DispatchSimulation.World(parameters)
        let vendor = world.vendors[3]
        let asked = (0..<200).map { DispatchSimulation.answer(of: vendor, toTicket: $0, timeout: 3600, parameters) }
        let backwards = (0..<200).reversed().map { DispatchSimulation.answer(of: vendor, toTicket: $0, timeout: 3600, parameters) }
        #expect(asked.map(\.0) == backwards.reversed().map(\.0) && asked.map(\.delay) == backwards.reversed().map(\.delay))
        #expect(asked.allSatisfy { (30...3600 * 1.3).contains($0.delay) })
        #expect(asked.contains { $0.delay > 3600 }, "some answers come after the offer's timeout")
        let yes = asked.filter { if case .yes = $0.0 { true } else { false } }.count
        let no = asked.filter { $0.0 == .no }.count
        #expect(abs(Double(yes) / 200 - vendor.yes) < 0.12 && abs(Double(no) / 200 - vendor.no) < 0.12)
        #expect(asked.contains { $0.0 == .yes(bare: true) } && asked.contains { $0.0 == .yes(bare: false) })
    }

    @Test func silenceStopsAndConfirmationsFollowTheParameters() {
        var silent = Self.parameters(tickets: 10)
        silent.yesProbability = 0
        silent.noProbability = 0
        let quiet = DispatchSimulation.World(silent)
        #expect((0..<100).allSatisfy { DispatchSimulation.answer(of: quiet.vendors[$0 % 30], toTicket: $0, timeout: 900, silent).0 == .silence })
        var stopping = Self.parameters(tickets: 10)
        stopping.stopProbability = 1
        #expect(DispatchSimulation.World(stopping).vendors.allSatisfy { $0.stopsAt != nil })
        #expect(DispatchSimulation.World(silent).vendors.filter { $0.stopsAt != nil }.count < 6, "5 % of 30 vendors STOP")
        var confirms = Self.parameters(tickets: 10)
        confirms.doneProbability = 0
        #expect((0..<100).allSatisfy { DispatchSimulation.confirmation(ofTicket: $0, confirms).0 == .nobody })
    }
}
