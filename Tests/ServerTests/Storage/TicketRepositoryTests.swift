import Events
import Foundation
import Maintenance
import Testing
@testable import Server

/// `TicketRepository`'s contract, on every backend: codes, the event stream every write appends in its own
/// transaction, the transition table, conditional moves, and tenant scoping.
@Suite struct TicketRepositoryTests {
    static func details(_ problem: String = "No hot water since this morning", trade: Trade = .plumbing,
                        priority: TicketPriority = .urgent, address: String = "14 Elm St",
                        postcode: String? = "60614") -> TicketDetails {
        TicketDetails(trade: trade, priority: priority, problem: problem, propertyAddress: address, unit: "Apt 2",
                      postcode: postcode, accessWindow: "weekdays after 3pm", tenantName: "Ana Diaz",
                      tenantPhone: "+15550102000")
    }

    static func new(_ business: Business, _ details: TicketDetails = details(), source: TicketSource = .rest,
                    sourceRef: String? = nil) -> NewTicket {
        NewTicket(businessId: business.id, details: details, source: source, sourceRef: sourceRef,
                  actor: TicketActor(.admin, id: "fd_live_test1234"))
    }

    /// The ticket's stream, read back from the log.
    static func stream(_ store: RepositoryStore, _ ticket: Ticket) async throws -> [StoredEvent] {
        try await store.repositories.events.events(EventQuery(businessId: ticket.businessId, stream: .ticket(ticket.id),
                                                              limit: 1_000))
    }

    @Test(arguments: RepositoryBackend.all)
    func openingStoresTheTicketAndItsEventWithACodeForReplies(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let tickets = store.repositories.tickets
        let business = try await store.makeBusiness("elm-property")

        let ticket = try await tickets.create(Self.new(business, Self.details(" No hot water since this morning ", postcode: "sw1a 1aa")))
        #expect(ticket.state == .new)
        #expect(ticket.version == 1)
        #expect(ticket.problem == "No hot water since this morning", "trimmed")
        #expect(ticket.postcode == "SW1A1AA", "normalised")
        #expect(ticket.source == .rest && ticket.sourceRef == nil)
        #expect(ticket.closedAt == nil && ticket.vendorId == nil)
        #expect(abs(ticket.createdAt.timeIntervalSince(clock.read())) < 0.001, "the repository stamps the time")
        #expect(ticket.createdAt == ticket.updatedAt)
        #expect(TicketCode.isIssuable(ticket.code))
        #expect(try await tickets.get(id: ticket.id.uppercased(), businessId: business.id) == ticket)
        #expect(try await tickets.openTicket(code: ticket.code.lowercased(), businessId: business.id) == ticket)

        let events = try await Self.stream(store, ticket)
        #expect(events.map(\.type) == [.ticketOpened])
        let opened = try events[0].decode(TicketOpened.self)
        #expect(opened.actor == TicketActor(.admin, id: "fd_live_test1234"))
        #expect(opened.code == ticket.code)
        #expect(try Ticket.rebuild(from: events) == ticket, "the stream is the stored row")
    }

    @Test(arguments: RepositoryBackend.all)
    func aRedeliveredCallOrTextOpensOneTicket(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let tickets = store.repositories.tickets
        let a = try await store.makeBusiness("elm-property")
        let b = try await store.makeBusiness("oak-property")
        let first = try await tickets.create(Self.new(a, source: .sms, sourceRef: "SM123"))
        let again = try await tickets.create(Self.new(a, Self.details("a different wording"), source: .sms, sourceRef: "SM123"))
        #expect(again == first)
        // The same sid from another channel, or in another business, is another ticket.
        let fromCall = try await tickets.create(Self.new(a, source: .call, sourceRef: "SM123"))
        let other = try await tickets.create(Self.new(b, source: .sms, sourceRef: "SM123"))
        #expect(Set([first.id, fromCall.id, other.id]).count == 3)
        #expect(try await store.count("tickets") == 3)
        #expect(try await store.count("events", where: "type = 'ticket.opened'") == 3)
    }

    @Test(arguments: RepositoryBackend.all)
    func codesAreUniqueAmongTheBusinesssOpenTickets(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let tickets = store.repositories.tickets
        let business = try await store.makeBusiness("elm-property")
        var opened: [Ticket] = []
        for index in 0..<40 {
            opened.append(try await tickets.create(Self.new(business, Self.details("leak \(index)"))))
        }
        #expect(Set(opened.map(\.code)).count == 40)
        #expect(opened.allSatisfy { TicketCode.isIssuable($0.code) })
        // A cancelled ticket's code no longer finds it: replies only ever reach open jobs.
        let cancelled = try await tickets.transition(id: opened[3].id, businessId: business.id,
                                                     TicketStateChange(to: .cancelled, actor: TicketActor(.admin), reason: "duplicate"))
        #expect(cancelled.state == .cancelled)
        #expect(try await tickets.openTicket(code: opened[3].code, businessId: business.id) == nil)
        #expect(try await tickets.openTicket(code: opened[4].code, businessId: business.id)?.id == opened[4].id)
        #expect(try await tickets.openTicket(code: "K7QO", businessId: business.id) == nil)
    }

    @Test(arguments: RepositoryBackend.all)
    func badDetailsWriteNothing(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let tickets = store.repositories.tickets
        let business = try await store.makeBusiness("elm-property")
        var bad = Self.details()
        bad.tenantPhone = "555 0102"
        await #expect(throws: RepositoryError.invalid("tenantPhone must be E.164 (e.g. +15551234567)")) {
            _ = try await tickets.create(Self.new(business, bad))
        }
        bad = Self.details("   ")
        await #expect(throws: RepositoryError.invalid("problem must be 1–500 characters")) {
            _ = try await tickets.create(Self.new(business, bad))
        }
        await #expect(throws: RepositoryError.notFound, "no such business") {
            _ = try await tickets.create(NewTicket(businessId: UUID().uuidString, details: Self.details(), source: .rest,
                                                   actor: .system))
        }
        #expect(try await store.count("tickets") == 0)
        #expect(try await store.count("events", where: "stream LIKE 'ticket:%'") == 0)
    }

    @Test(arguments: RepositoryBackend.all)
    func editsAppendTicketUpdatedOnlyWhenSomethingChanges(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let tickets = store.repositories.tickets
        let business = try await store.makeBusiness("elm-property")
        let ticket = try await tickets.create(Self.new(business))
        clock.advance(by: 60)
        let edited = try await tickets.update(id: ticket.id, businessId: business.id,
                                              TicketPatch(priority: .emergency, unit: .some(nil), postcode: "60 615"),
                                              actor: TicketActor(.landlord, id: "dana"))
        #expect(edited.priority == .emergency && edited.unit == nil && edited.postcode == "60615")
        #expect(edited.version == 2)
        #expect(edited.updatedAt > ticket.updatedAt)
        #expect(edited.state == .new && edited.code == ticket.code && edited.createdAt == ticket.createdAt)

        // The same values again: nothing changes, nothing is appended.
        clock.advance(by: 60)
        let same = try await tickets.update(id: ticket.id, businessId: business.id,
                                            TicketPatch(priority: .emergency, unit: .some(nil)), actor: TicketActor(.admin))
        #expect(same == edited)
        let events = try await Self.stream(store, ticket)
        #expect(events.map(\.type) == [.ticketOpened, .ticketUpdated])
        let update = try events[1].decode(TicketUpdated.self)
        #expect(update.changed == ["priority", "unit", "postcode"])
        #expect(update.actor == TicketActor(.landlord, id: "dana"))
        #expect(try Ticket.rebuild(from: events) == edited)

        await #expect(throws: RepositoryError.invalid("propertyAddress must be 1–200 characters")) {
            _ = try await tickets.update(id: ticket.id, businessId: business.id, TicketPatch(propertyAddress: " "),
                                         actor: TicketActor(.admin))
        }
        await #expect(throws: RepositoryError.notFound) {
            _ = try await tickets.update(id: UUID().uuidString, businessId: business.id, TicketPatch(priority: .routine),
                                         actor: TicketActor(.admin))
        }
        #expect(try await tickets.get(id: ticket.id, businessId: business.id) == edited)
    }
}
