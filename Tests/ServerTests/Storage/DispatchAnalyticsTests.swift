import Foundation
import Maintenance
import Testing
@testable import Server

/// `GET /v1/analytics/dispatch`'s figures, on every backend: the measures of a business's tickets read back from
/// their event streams (offers sent and resolved, state changes), per business, vendor, trade and property, and
/// nothing of another business's.
@Suite struct DispatchAnalyticsTests {
    @Test(arguments: RepositoryBackend.all)
    func theMeasuresComeFromTheTicketsStreams(_ backend: RepositoryBackend) async throws {
        let world = try await DispatchRepositoryTests.world(backend)
        let start = world.clock.read()
        let vendors = world.vendors
        // Ticket 1: vendor 0 lets the offer time out after 10 minutes; vendor 1 takes it 5 minutes after theirs.
        let booked = try await DispatchRepositoryTests.ticket(world)
        let first = try await DispatchRepositoryTests.open(world, booked, vendors[0])
        world.clock.advance(by: 600)
        _ = try await world.dispatch.resolveOffer(id: first.id, businessId: world.business.id, outcome: .timedOut,
                                                  actor: TicketActor(.system), reason: "no answer", effects: .none)
        let second = try await DispatchRepositoryTests.open(world, booked, vendors[1])
        world.clock.advance(by: 300)
        _ = try await world.dispatch.accept(offerId: second.id, businessId: world.business.id, appointmentId: nil,
                                           reason: "YES", effects: .none)
        // Ticket 2: vendor 2 declines at once, then it escalates 60 s after it was opened.
        let escalated = try await DispatchRepositoryTests.ticket(world, priority: .emergency)
        let third = try await DispatchRepositoryTests.open(world, escalated, vendors[2])
        _ = try await world.dispatch.resolveOffer(id: third.id, businessId: world.business.id, outcome: .declined,
                                                  actor: TicketActor(.vendor, id: vendors[2].id), reason: "NO", effects: .none)
        world.clock.advance(by: 60)
        _ = try await world.dispatch.move(ticketId: escalated.id, businessId: world.business.id, TicketStateChange(
            to: .escalated, actor: TicketActor(.system), reason: "all_declined_or_timed_out"), effects: .none)

        let analytics = DispatchAnalytics(events: world.store.repositories.events, vendors: world.store.repositories.vendors)
        let range = AnalyticsRange(from: start.addingTimeInterval(-3600), to: start.addingTimeInterval(3600))
        let report = try await analytics.report(businessId: world.business.id, range: range)
        let all = report.business
        #expect(all.tickets == 2 && all.offers == 3)
        #expect(all.timeToAccept.median == 300, "sent, then accepted 5 minutes later")
        #expect(all.timeToBook.median.map { $0 >= 900 } == true, "booked 15 minutes after opening: \(all.timeToBook)")
        #expect(all.emergencyEscalationTime.count == 1)
        #expect(all.responseRate.map { abs($0 - 2.0 / 3) < 1e-9 } == true, "a YES and a NO of three offers")
        #expect(all.acceptanceRate.map { abs($0 - 1.0 / 3) < 1e-9 } == true)
        #expect(all.timeoutRate.map { abs($0 - 1.0 / 3) < 1e-9 } == true)
        #expect(all.escalationRate == 0.5)
        #expect(report.byVendor[vendors[1].id]?.name == "Vendor 1")
        #expect(report.byVendor[vendors[1].id]?.measures.acceptanceRate == 1)
        #expect(report.byVendor[vendors[0].id]?.measures.timeoutRate == 1)
        #expect(report.byTrade["plumbing"]?.tickets == 2)
        #expect(report.byProperty["14 Elm St"]?.tickets == 2)

        let csv = DispatchAnalytics.csv(report).split(separator: "\n")
        #expect(csv.first?.hasPrefix("group,key,name,tickets,offers,") == true)
        #expect(csv.contains { $0.hasPrefix("business,,,2,3,") })
        #expect(csv.contains { $0.hasPrefix("vendor,\(vendors[1].id),Vendor 1,1,1,") })

        // Tickets opened outside the range, and another business, count nothing.
        let later = AnalyticsRange(from: start.addingTimeInterval(3600), to: start.addingTimeInterval(7200))
        #expect(try await analytics.report(businessId: world.business.id, range: later).business.tickets == 0)
        let other = try await world.store.makeBusiness("other-property")
        #expect(try await analytics.report(businessId: other.id, range: range).business.tickets == 0)
    }
}
