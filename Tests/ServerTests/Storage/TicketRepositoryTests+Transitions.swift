import Events
import Foundation
import Maintenance
import Testing
@testable import Server

/// Moves of a ticket: the table, who and why, the booking set with the move to `scheduled`, and two moves at once.
extension TicketRepositoryTests {
    static func vendor(_ store: RepositoryStore, _ business: Business, phone: String = "+15550103000") async throws -> Vendor {
        try await store.repositories.vendors.create(
            businessId: business.id, VendorProfile(name: "Acme Plumbing \(phone.suffix(4))", phone: phone, trades: [.plumbing],
                                                   serviceAreas: ["606"]))
    }

    static func appointment(_ store: RepositoryStore, _ business: Business, at start: String = "2030-06-03T13:00") async throws -> Appointment {
        let customer = try await store.repositories.customers.create(businessId: business.id, CustomerFields(phone: "+15550102000"))
        let startAt = ContractTime.chicago(start)
        return try await store.repositories.appointments.create(
            Appointment(businessId: business.id, customerId: customer.id, startAt: startAt, endAt: startAt + 3600,
                        createdAt: startAt, updatedAt: startAt),
            rules: business.bookingRules, now: ContractTime.now)
    }

    @Test(arguments: RepositoryBackend.all)
    func movesFollowTheTableAndRecordWhoAndWhy(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let tickets = store.repositories.tickets
        let business = try await store.makeBusiness("elm-property", settings: CRMTestApp.settings())
        let vendor = try await Self.vendor(store, business)
        let visit = try await Self.appointment(store, business)
        let ticket = try await tickets.create(Self.new(business))

        clock.advance(by: 5)
        let contacting = try await tickets.transition(id: ticket.id, businessId: business.id, TicketStateChange(
            to: .vendorContacting, actor: .system, expectedState: .new, expectedVersion: 1))
        #expect(contacting.state == .vendorContacting && contacting.version == 2)
        clock.advance(by: 300)
        let scheduled = try await tickets.transition(id: ticket.id, businessId: business.id, TicketStateChange(
            to: .scheduled, actor: TicketActor(.vendor, id: vendor.id), reason: "YES by text", expectedState: .vendorContacting,
            vendorId: .some(vendor.id.uppercased()), appointmentId: .some(visit.id)))
        #expect(scheduled.state == .scheduled)
        #expect(scheduled.vendorId == vendor.id && scheduled.appointmentId == visit.id)
        #expect(scheduled.closedAt == nil)
        clock.advance(by: 86_400)
        let closed = try await tickets.transition(id: ticket.id, businessId: business.id, TicketStateChange(
            to: .closed, actor: TicketActor(.tenant, id: "+15550102000"), reason: "  DONE  "))
        #expect(closed.state == .closed && closed.version == 4)
        #expect(closed.closedAt == closed.updatedAt)
        #expect(closed.vendorId == vendor.id, "the booking stays: who did the job")

        // A closed ticket stays closed; the refusal writes nothing.
        await #expect(throws: IllegalTicketTransition(from: .closed, to: .cancelled,
                                                      rule: "a closed ticket cannot be reopened; open a new ticket")) {
            _ = try await tickets.transition(id: ticket.id, businessId: business.id,
                                             TicketStateChange(to: .cancelled, actor: TicketActor(.admin), reason: "oops"))
        }
        let events = try await Self.stream(store, ticket)
        #expect(events.map(\.type) == [.ticketOpened, .ticketStateChanged, .ticketStateChanged, .ticketStateChanged])
        let moves = try events.dropFirst().map { try $0.decode(TicketStateChanged.self) }
        #expect(moves.map(\.from) == [.new, .vendorContacting, .scheduled])
        #expect(moves.map(\.to) == [.vendorContacting, .scheduled, .closed])
        #expect(moves.map(\.actor) == [.system, TicketActor(.vendor, id: vendor.id), TicketActor(.tenant, id: "+15550102000")])
        #expect(moves.map(\.reason) == [nil, "YES by text", "DONE"])
        #expect(moves[1].vendorId == vendor.id && moves[1].appointmentId == visit.id)
        // Rebuilt from the log, the stream is exactly the stored row — times and version included.
        let stored = try #require(try await tickets.get(id: ticket.id, businessId: business.id))
        #expect(stored == closed)
        #expect(try Ticket.rebuild(from: events) == stored)
    }

    @Test(arguments: RepositoryBackend.all)
    func aMoveWhoseExpectationNoLongerHoldsIsAConflict(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let tickets = store.repositories.tickets
        let business = try await store.makeBusiness("elm-property")
        let ticket = try await tickets.create(Self.new(business))
        let moved = try await tickets.transition(id: ticket.id, businessId: business.id,
                                                 TicketStateChange(to: .escalated, actor: .system, reason: "no_candidates"))
        await #expect(throws: TicketConflict(ticketId: ticket.id, state: .escalated, version: 2)) {
            _ = try await tickets.transition(id: ticket.id, businessId: business.id,
                                             TicketStateChange(to: .vendorContacting, actor: .system, expectedState: .new))
        }
        await #expect(throws: TicketConflict(ticketId: ticket.id, state: .escalated, version: 2)) {
            _ = try await tickets.transition(id: ticket.id, businessId: business.id,
                                             TicketStateChange(to: .vendorContacting, actor: .system, expectedVersion: 1))
        }
        await #expect(throws: RepositoryError.notFound) {
            _ = try await tickets.transition(id: UUID().uuidString, businessId: business.id,
                                             TicketStateChange(to: .cancelled, actor: .system))
        }
        await #expect(throws: RepositoryError.invalid("reason must be at most 500 characters")) {
            _ = try await tickets.transition(id: ticket.id, businessId: business.id, TicketStateChange(
                to: .cancelled, actor: .system, reason: String(repeating: "x", count: 501)))
        }
        #expect(try await tickets.get(id: ticket.id, businessId: business.id) == moved)
        #expect(try await Self.stream(store, ticket).count == 2)
    }

    /// Two vendors' YES at the same moment: both move `vendor_contacting → scheduled`, expecting
    /// `vendor_contacting`. Exactly one wins, the other is a conflict; the row and the stream hold the winner only.
    @Test(arguments: RepositoryBackend.all)
    func twoConcurrentMovesNeverBothWin(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let tickets = store.repositories.tickets
        let business = try await store.makeBusiness("elm-property")
        let first = try await Self.vendor(store, business, phone: "+15550103001")
        let second = try await Self.vendor(store, business, phone: "+15550103002")
        for round in 0..<6 {
            let ticket = try await tickets.create(Self.new(business, Self.details("leak \(round)")))
            _ = try await tickets.transition(id: ticket.id, businessId: business.id,
                                             TicketStateChange(to: .vendorContacting, actor: .system))
            func accept(_ vendor: Vendor) async -> Result<Ticket, any Error> {
                await Result {
                    try await tickets.transition(id: ticket.id, businessId: business.id, TicketStateChange(
                        to: .scheduled, actor: TicketActor(.vendor, id: vendor.id), expectedState: .vendorContacting,
                        vendorId: .some(vendor.id)))
                }
            }
            async let a = accept(first)
            async let b = accept(second)
            let results = await [a, b]
            let winners = results.compactMap { try? $0.get() }
            #expect(winners.count == 1, "round \(round)")
            let loser = results.compactMap { result -> (any Error)? in
                if case .failure(let error) = result { return error }
                return nil
            }
            #expect(loser.count == 1 && loser.first is TicketConflict, "round \(round): \(loser)")
            let stored = try #require(try await tickets.get(id: ticket.id, businessId: business.id))
            #expect(stored.vendorId == winners.first?.vendorId && stored.version == 3, "round \(round)")
            let events = try await Self.stream(store, ticket)
            #expect(events.filter { $0.type == .ticketStateChanged }.count == 2, "round \(round)")
            #expect(try Ticket.rebuild(from: events) == stored)
        }

        // Cancel and close at once, expecting nothing: one wins; the other either lost the race (a conflict) or saw
        // the winner's state and was refused by the table.
        for round in 0..<4 {
            let ticket = try await tickets.create(Self.new(business, Self.details("drip \(round)")))
            _ = try await tickets.transition(id: ticket.id, businessId: business.id,
                                             TicketStateChange(to: .scheduled, actor: TicketActor(.admin), vendorId: .some(first.id)))
            func move(_ change: TicketStateChange) async -> Result<Ticket, any Error> {
                await Result { try await tickets.transition(id: ticket.id, businessId: business.id, change) }
            }
            async let cancel = move(TicketStateChange(to: .cancelled, actor: TicketActor(.admin), reason: "r"))
            async let close = move(TicketStateChange(to: .closed, actor: TicketActor(.tenant)))
            let results = await [cancel, close]
            #expect(results.filter { (try? $0.get()) != nil }.count == 1, "round \(round)")
            for case .failure(let error) in results {
                #expect(error is TicketConflict || error is IllegalTicketTransition, "round \(round): \(error)")
            }
            #expect(try await Self.stream(store, ticket).count == 3, "round \(round)")
        }
    }

    @Test(arguments: RepositoryBackend.all)
    func ticketsAreTheirBusinesssOnly(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let tickets = store.repositories.tickets
        let a = try await store.makeBusiness("elm-property", settings: CRMTestApp.settings())
        let b = try await store.makeBusiness("oak-property", settings: CRMTestApp.settings())
        let ticket = try await tickets.create(Self.new(a))
        let theirVendor = try await Self.vendor(store, b)
        let theirVisit = try await Self.appointment(store, b)

        #expect(try await tickets.get(id: ticket.id, businessId: b.id) == nil)
        #expect(try await tickets.openTicket(code: ticket.code, businessId: b.id) == nil)
        #expect(try await tickets.list(businessId: b.id, filter: TicketFilter(), limit: 50, cursor: nil).items.isEmpty)
        await #expect(throws: RepositoryError.notFound) {
            _ = try await tickets.update(id: ticket.id, businessId: b.id, TicketPatch(problem: "hijacked"), actor: .system)
        }
        await #expect(throws: RepositoryError.notFound) {
            _ = try await tickets.transition(id: ticket.id, businessId: b.id, TicketStateChange(to: .cancelled, actor: .system))
        }
        // Another business's vendor or appointment cannot be booked onto a ticket.
        await #expect(throws: RepositoryError.invalid("vendorId does not name a vendor of this business")) {
            _ = try await tickets.transition(id: ticket.id, businessId: a.id, TicketStateChange(
                to: .scheduled, actor: .system, vendorId: .some(theirVendor.id)))
        }
        await #expect(throws: RepositoryError.invalid("appointmentId does not name an appointment of this business")) {
            _ = try await tickets.transition(id: ticket.id, businessId: a.id, TicketStateChange(
                to: .scheduled, actor: .system, appointmentId: .some(theirVisit.id)))
        }
        #expect(try await tickets.get(id: ticket.id, businessId: a.id) == ticket, "untouched")
        #expect(try await store.repositories.events.events(EventQuery(businessId: b.id, stream: .ticket(ticket.id))).isEmpty)
    }

    @Test(arguments: RepositoryBackend.all)
    func listingFiltersAndPagesInCreationOrder(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let tickets = store.repositories.tickets
        let business = try await store.makeBusiness("elm-property")
        let rows: [(Trade, TicketPriority, String)] = [
            (.plumbing, .urgent, "14 Elm St"), (.electrical, .emergency, "2 Oak Avenue"), (.plumbing, .routine, "9 ELM Court"),
            (.hvac, .routine, "50% Off Plaza"), (.plumbing, .emergency, "7 Birch Rd"),
        ]
        var made: [Ticket] = []
        for (index, (trade, priority, address)) in rows.enumerated() {
            made.append(try await tickets.create(Self.new(business, Self.details("job \(index)", trade: trade, priority: priority,
                                                                                 address: address))))
            clock.advance(by: 3600)
        }
        _ = try await tickets.transition(id: made[2].id, businessId: business.id, TicketStateChange(to: .escalated, actor: .system))

        var seen: [String] = []
        var cursor: String?
        repeat {
            let page = try await tickets.list(businessId: business.id, filter: TicketFilter(), limit: 2, cursor: cursor)
            seen += page.items.map(\.id)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen == made.map(\.id))

        func ids(_ filter: TicketFilter) async throws -> [String] {
            try await tickets.list(businessId: business.id, filter: filter, limit: 50, cursor: nil).items.map(\.id)
        }
        #expect(try await ids(TicketFilter(trade: .plumbing)) == [made[0].id, made[2].id, made[4].id])
        #expect(try await ids(TicketFilter(trade: .plumbing, priority: .emergency)) == [made[4].id])
        #expect(try await ids(TicketFilter(state: .escalated)) == [made[2].id])
        #expect(try await ids(TicketFilter(state: .new, trade: .plumbing)) == [made[0].id, made[4].id])
        #expect(try await ids(TicketFilter(property: "elm")) == [made[0].id, made[2].id], "a substring, either case")
        #expect(try await ids(TicketFilter(property: "50%")) == [made[3].id], "% is literal")
        #expect(try await ids(TicketFilter(property: "%")) == [made[3].id])
        #expect(try await ids(TicketFilter(property: "_")).isEmpty, "_ is literal")
        #expect(try await ids(TicketFilter(createdFrom: made[1].createdAt, createdTo: made[3].createdAt)) == [made[1].id, made[2].id])
        await #expect(throws: RepositoryError.invalid("malformed cursor")) {
            _ = try await tickets.list(businessId: business.id, filter: TicketFilter(), limit: 2, cursor: "not a cursor")
        }
    }
}
