import Events
import Foundation
import GRDB
import Maintenance
import Testing
@testable import Server

/// The invariant checker of `frontdesk simulate dispatch` reports each rule broken: a finished run's database passes,
/// then one rule at a time is broken in it — by writing to the database directly (as a faulty loop would), or, where
/// the schema itself refuses the state (two open offers, one vendor offered a ticket twice), in the snapshot read
/// from it.
@Suite struct DispatchInvariantsTests {
    /// A finished small run: its simulator (the database) and what it stored.
    struct Run {
        let directory: TemporaryDirectory
        let simulator: DispatchSimulator
        var database: AppDatabase { get throws { try #require(simulator.core.storage as? SQLiteStorage).database } }

        func violations() async throws -> [String] {
            DispatchInvariants.check(try await snapshot())
        }

        func snapshot() async throws -> DispatchSnapshot {
            try await DispatchSnapshot.read(businessId: simulator.business.id, from: simulator.repositories)
        }
    }

    static func cleanRun(stop: Double = 0.3) async throws -> Run {
        let directory = try TemporaryDirectory()
        let simulator = try await DispatchSimulatorTests.simulator(
            DispatchSimulatorTests.parameters(tickets: 24, vendors: 5, seed: 3) { $0.stopProbability = stop }, in: directory)
        let report = try await simulator.run()
        #expect(report.violations.isEmpty, "\(report.violations.prefix(5))")
        let run = Run(directory: directory, simulator: simulator)
        #expect(try await run.violations().isEmpty)
        return run
    }

    @Test func aTicketLeftBeingDispatchedIsReported() async throws {
        let run = try await Self.cleanRun()
        let ticket = try #require(try await run.snapshot().tickets.first { $0.state == .escalated })
        try await run.database.dbPool.write { db in
            try db.execute(sql: "UPDATE tickets SET state = 'vendor_contacting' WHERE id = ?", arguments: [ticket.id])
        }
        #expect(try await run.violations() == ["ticket \(ticket.code) (\(ticket.id)) ended vendor_contacting"])
    }

    @Test func aTicketBookedTwiceOrWithAnotherVendorIsReported() async throws {
        let run = try await Self.cleanRun()
        let snapshot = try await run.snapshot()
        let winner = try #require(snapshot.offers.first { $0.state == .accepted })
        let ticket = try #require(snapshot.tickets.first { $0.id == winner.ticketId })
        #expect(ticket.vendorId == winner.vendorId)
        // Another vendor's acceptance of the same ticket, as a loop without the conditional update could store it.
        let other = try #require(snapshot.vendors.first { vendor in
            !snapshot.offers.contains { $0.ticketId == ticket.id && $0.vendorId == vendor.id }
        })
        let second = UUID().uuidString.lowercased()
        try await run.database.dbPool.write { db in
            try db.execute(sql: """
                INSERT INTO dispatch_offers (id, business_id, ticket_id, vendor_id, code, sent_at, expires_at, state, resolved_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'accepted', ?)
                """, arguments: [second, ticket.businessId, ticket.id, other.id, ticket.code, winner.sentAt, winner.expiresAt,
                                 winner.resolvedAt])
        }
        let twice = try await run.violations()
        #expect(twice.contains("ticket \(ticket.code) (\(ticket.id)) booked twice: 2 accepted offers"), "\(twice)")

        // One acceptance again, but the ticket names the other vendor.
        try await run.database.dbPool.write { db in
            try db.execute(sql: "DELETE FROM dispatch_offers WHERE id = ?", arguments: [second])
            try db.execute(sql: "UPDATE tickets SET vendor_id = ? WHERE id = ?", arguments: [other.id, ticket.id])
        }
        #expect(try await run.violations() == [
            "ticket \(ticket.code) (\(ticket.id)) is booked with vendor \(other.id), but vendor \(winner.vendorId) accepted its offer",
        ])
    }

    @Test func anOfferOutsideTheVendorsAreaOrTradeIsReported() async throws {
        let run = try await Self.cleanRun()
        let snapshot = try await run.snapshot()
        let offer = try #require(snapshot.offers.first)
        let ticket = try #require(snapshot.tickets.first { $0.id == offer.ticketId })
        try await run.database.dbPool.write { db in
            try db.execute(sql: "UPDATE tickets SET postcode = '99999' WHERE id = ?", arguments: [ticket.id])
        }
        let moved = try await run.violations()
        #expect(!moved.isEmpty && moved.allSatisfy { $0.hasPrefix("ticket \(ticket.code) (\(ticket.id)) (\(ticket.trade.rawValue), 99999) offered to ") && $0.hasSuffix("outside their trade or area") },
                "\(moved)")
        #expect(moved.count == snapshot.offers.filter { $0.ticketId == ticket.id }.count)
    }

    @Test func textsAfterAStopAndTextsLongerThanOneSMSAreReported() async throws {
        let run = try await Self.cleanRun(stop: 0)
        let repositories = run.simulator.repositories
        let businessId = run.simulator.business.id
        let vendor = try #require(try await run.snapshot().vendors.first)
        _ = try await repositories.dispatch.setOptedOut(vendorId: vendor.id, businessId: businessId, optedOut: true)
        _ = try await repositories.outbox.enqueue(OutgoingText(businessId: businessId, to: vendor.phone, body: "Job ABCD: one more?",
                                                               kind: .customer, dedupeKey: "dispatch-test-after-stop"),
                                                  at: run.simulator.clock.now)
        let stop = try await run.violations()
        #expect(stop == ["texted \(PhoneMask.mask(vendor.phone)) after their STOP: \"Job ABCD: one more?\""], "\(stop)")

        // START lifts it: a text after that is fine.
        _ = try await repositories.dispatch.setOptedOut(vendorId: vendor.id, businessId: businessId, optedOut: false)
        _ = try await repositories.outbox.enqueue(OutgoingText(businessId: businessId, to: vendor.phone, body: "Job ABCD again",
                                                               kind: .customer, dedupeKey: "dispatch-test-after-start"),
                                                  at: run.simulator.clock.now)
        #expect(try await run.violations() == stop)

        let long = String(repeating: "a long text ", count: 14)
        _ = try await repositories.outbox.enqueue(OutgoingText(businessId: businessId, to: "+15550109001", body: long, kind: .owner,
                                                               dedupeKey: "dispatch-test-long"), at: run.simulator.clock.now)
        let all = try await run.violations()
        #expect(all.count == 2 && all[1] == "a text does not fit one SMS (168 characters): \"\(long)\"", "\(all)")
    }

    @Test func twoOpenOffersOrOneVendorOfferedTwiceIsReported() async throws {
        // The schema refuses both states (`dispatch_offers_one_open`, `dispatch_offers_once`), so they are made in the
        // snapshot read from a real run, as a backend without those indexes could store them.
        let run = try await Self.cleanRun()
        var snapshot = try await run.snapshot()
        let first = try #require(snapshot.offers.first)
        let ticket = try #require(snapshot.tickets.first { $0.id == first.ticketId })
        var again = first
        again.id = UUID().uuidString.lowercased()
        snapshot.offers.append(again)
        #expect(DispatchInvariants.check(snapshot).contains { $0.hasPrefix("ticket \(ticket.code) (\(ticket.id)) offered to ") && $0.hasSuffix(" twice") })

        var overlapping = try await run.snapshot()
        let sent = try #require(overlapping.events.first { $0.type == .dispatchOfferSent })
        let payload = try sent.decode(DispatchOfferSent.self)
        var second = sent
        second.id = sent.id + 1_000_000
        second.payload = EventCoding.encode(DispatchOfferSent(ticketId: payload.ticketId, offerId: "another-offer", vendorId: payload.vendorId,
                                                         code: payload.code, expiresAt: payload.expiresAt, windowStart: nil, windowEnd: nil))
        // The second offer is sent right after the first, before anything resolved it.
        let position = try #require(overlapping.events.firstIndex { $0.id == sent.id })
        overlapping.events.insert(second, at: position + 1)
        let violations = DispatchInvariants.check(overlapping)
        #expect(violations.first?.hasPrefix("ticket \(payload.code) (\(payload.ticketId)) had 2 open offers at once") == true, "\(violations)")
    }
}
