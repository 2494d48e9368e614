import Events
import Foundation
import Logging
import Maintenance
import Testing
@testable import Server

/// `frontdesk simulate dispatch` runs the server's booking loop (DispatchService, the repositories on SQLite, the
/// work queue, the event consumers, the outbox) against simulated vendors and tenants: a small run holds every
/// invariant, and what it reports is what the database holds.
@Suite struct DispatchSimulatorTests {
    static func parameters(tickets: Int = 60, vendors: Int = 8, seed: UInt64 = 7,
                           change: (inout DispatchSimulation.Parameters) -> Void = { _ in }) -> DispatchSimulation.Parameters {
        var parameters = DispatchSimulation.Parameters()
        parameters.tickets = tickets
        parameters.vendors = vendors
        parameters.seed = seed
        parameters.days = 3
        change(&parameters)
        return parameters
    }

    static func simulator(_ parameters: DispatchSimulation.Parameters, in directory: TemporaryDirectory) async throws
        -> DispatchSimulator {
        var logger = Logger(label: "simulation")
        logger.logLevel = .error
        return try await DispatchSimulator(parameters, databasePath: directory.path("simulation.sqlite"), logger: logger)
    }

    @Test func aSmallRunBooksEscalatesAndHoldsEveryInvariant() async throws {
        let directory = try TemporaryDirectory()
        // Half the vendors text STOP at some point: their offers are withdrawn and they must hear nothing after.
        let simulator = try await Self.simulator(Self.parameters { $0.stopProbability = 0.5 }, in: directory)
        let report = try await simulator.run()
        #expect(report.violations.isEmpty, "\(report.violations.prefix(5))")

        let repositories = simulator.repositories
        let businessId = simulator.business.id
        let tickets = try await repositories.tickets.list(businessId: businessId, filter: TicketFilter(), limit: 500, cursor: nil).items
        #expect(tickets.count == 60 && report.tickets == 60)
        #expect(tickets.allSatisfy { [.scheduled, .escalated, .closed].contains($0.state) })
        let booked = tickets.filter { $0.vendorId != nil }
        #expect(booked.count > 10, "vendors took jobs: \(booked.count)")
        #expect(tickets.filter { $0.state == .escalated }.count > 3)
        #expect(tickets.filter { $0.state == .closed }.count > 5, "DONE replies and auto-closes closed tickets")

        // The report's counts are the database's.
        var offers: [DispatchOfferRecord] = []
        for ticket in tickets { offers += try await repositories.dispatch.offers(ticketId: ticket.id, businessId: businessId) }
        #expect(report.offers == offers.count && offers.count > 30)
        for state in TicketState.allCases {
            #expect(report.states[state, default: 0] == tickets.filter { $0.state == state }.count)
        }
        // Every escalation is counted once; a ticket that escalated may since have been booked by a late YES.
        let lateBooked = try await escalatedThenBooked(tickets, repositories: repositories, businessId: businessId)
        #expect(report.escalations.values.reduce(0, +) == report.states[.escalated, default: 0] + lateBooked)
        #expect(report.business.tickets == 60 && report.byTrade.values.map(\.tickets).reduce(0, +) == 60)
        let accepted = offers.filter { $0.state == .accepted }
        #expect(accepted.count == booked.count)
        for offer in accepted {
            #expect(tickets.first { $0.id == offer.ticketId }?.vendorId == offer.vendorId)
        }
        #expect(report.business.acceptanceRate == Double(accepted.count)
            / Double(offers.filter { [.accepted, .declined, .timedOut].contains($0.state) }.count))

        // A vendor who texted STOP was offered jobs before and was queued nothing after.
        let vendors = try await repositories.vendors.list(businessId: businessId, filter: VendorFilter(), limit: 100, cursor: nil).items
        let stopped = vendors.filter(\.optedOut)
        #expect(!stopped.isEmpty && stopped.count == report.optedOutVendors)
        let snapshot = try await DispatchSnapshot.read(businessId: businessId, from: repositories)
        #expect(report.texts == snapshot.texts.count && snapshot.texts.count > 3 * 60)
        var offeredBeforeStop = 0
        for vendor in stopped {
            let texts = snapshot.texts.filter { $0.to == vendor.phone }
            // `updatedAt` is the STOP: nothing else changes a simulated vendor.
            #expect(texts.allSatisfy { $0.createdAt <= vendor.updatedAt }, "\(vendor.name): \(texts.filter { $0.createdAt > vendor.updatedAt }.map(\.body))")
            offeredBeforeStop += offers.filter { $0.vendorId == vendor.id }.count
        }
        #expect(offeredBeforeStop > 0, "a stopped vendor had been offered jobs")
        #expect(report.escalationCalls > 0, "escalations call the landlord contact")
        withExtendedLifetime(directory) {}
    }

    /// Tickets that escalated and are no longer escalated (a late YES booked them afterwards).
    func escalatedThenBooked(_ tickets: [Ticket], repositories: Repositories, businessId: String) async throws -> Int {
        var count = 0
        for ticket in tickets where ticket.state != .escalated {
            let changes = try await repositories.events.events(EventQuery(
                businessId: businessId, stream: .ticket(ticket.id), types: [.ticketStateChanged], limit: 100))
            if try changes.contains(where: { try $0.decode(TicketStateChanged.self).to == .escalated }) { count += 1 }
        }
        return count
    }

    @Test func theSameSeedGivesTheSameRun() async throws {
        let (one, two) = (try TemporaryDirectory(), try TemporaryDirectory())
        let first = try await Self.simulator(Self.parameters(tickets: 40, vendors: 6), in: one).run()
        let again = try await Self.simulator(Self.parameters(tickets: 40, vendors: 6), in: two).run()
        withExtendedLifetime((one, two)) {}
        #expect(first.states == again.states && first.escalations == again.escalations)
        #expect(first.offers == again.offers && first.texts == again.texts && first.yesReplies == again.yesReplies)
        #expect(first.business == again.business)
    }

    @Test func withNoAnswersEveryTicketEscalates() async throws {
        let directory = try TemporaryDirectory()
        let report = try await Self.simulator(Self.parameters(tickets: 30, vendors: 6) {
            $0.yesProbability = 0
            $0.noProbability = 0
            $0.stopProbability = 0
        }, in: directory).run()
        #expect(report.violations.isEmpty, "\(report.violations.prefix(5))")
        #expect(report.states == [.escalated: 30])
        #expect(report.business.acceptanceRate == 0 && report.business.timeoutRate == 1)
        #expect(report.yesReplies == 0 && report.offers > 0 && report.lateYes == 0)
        withExtendedLifetime(directory) {}
    }
}
