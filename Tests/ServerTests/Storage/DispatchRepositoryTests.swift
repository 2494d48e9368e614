import Events
import Foundation
import Maintenance
import Testing
@testable import Server

/// `DispatchRepository`'s contract, on every backend: one open offer per ticket, the first YES wins, timers and
/// NOs for offers no longer open change nothing, the rotation is persisted, STOP withdraws offers, settings, and
/// tenant scoping.
@Suite struct DispatchRepositoryTests {
    struct World {
        let store: RepositoryStore
        let clock: TestClock
        let business: Business
        let vendors: [Vendor]
        var dispatch: any DispatchRepository { store.repositories.dispatch }
    }

    /// A business with three plumbers covering 606xx (made a second apart), an electrician, and one plumber of
    /// another area.
    static func world(_ backend: RepositoryBackend, slug: String = "elm-property") async throws -> World {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let business = try await store.makeBusiness(slug)
        var vendors: [Vendor] = []
        for (index, (trades, areas)) in [([Trade.plumbing], ["606"]), ([.plumbing], ["60614"]), ([.plumbing, .hvac], ["606"]),
                                         ([.electrical], ["606"]), ([.plumbing], ["SW1A"])].enumerated() {
            vendors.append(try await store.repositories.vendors.create(businessId: business.id, VendorProfile(
                name: "Vendor \(index)", phone: "+1555010400\(index)", trades: trades, serviceAreas: areas)))
            clock.advance(by: 1)
        }
        return World(store: store, clock: clock, business: business, vendors: vendors)
    }

    static func ticket(_ world: World, priority: TicketPriority = .urgent, tenantPhone: String = "+15550102000") async throws -> Ticket {
        try await world.store.repositories.tickets.create(NewTicket(
            businessId: world.business.id,
            details: TicketDetails(trade: .plumbing, priority: priority, problem: "No hot water", propertyAddress: "14 Elm St",
                                   postcode: "60614", tenantName: "Ana Diaz", tenantPhone: tenantPhone),
            source: .rest, actor: TicketActor(.admin, id: "fd_test")))
    }

    /// An offer of `ticket` to `vendor` (read fresh), its text and a timer job keyed by the offer.
    static func newOffer(_ world: World, _ ticket: Ticket, _ vendor: Vendor, version: Int? = nil) async throws
        -> (NewDispatchOffer, DispatchEffects) {
        let current = try #require(try await world.store.repositories.tickets.get(id: ticket.id, businessId: ticket.businessId))
        let offer = DispatchOfferRecord(businessId: ticket.businessId, ticketId: ticket.id, vendorId: vendor.id,
                                        code: ticket.code, sentAt: world.clock.read(),
                                        expiresAt: world.clock.read().addingTimeInterval(3600))
        let text = OutgoingText(businessId: ticket.businessId, to: vendor.phone, body: "Job \(ticket.code)", kind: .customer,
                                dedupeKey: "dispatch-offer:\(offer.id)")
        let timer = try NewJob(kind: "test.offer-timeout", businessId: ticket.businessId, payload: ["offer": offer.id],
                               dedupeKey: "offer-timeout:\(offer.id)", runAt: offer.expiresAt)
        return (NewDispatchOffer(offer: offer, ticketVersion: version ?? current.version, text: text),
                DispatchEffects(jobs: [timer]))
    }

    @discardableResult
    static func open(_ world: World, _ ticket: Ticket, _ vendor: Vendor) async throws -> DispatchOfferRecord {
        let (new, effects) = try await newOffer(world, ticket, vendor)
        return try await world.dispatch.openOffer(new, effects: effects)
    }

    @Test(arguments: RepositoryBackend.all)
    func openingAnOfferMovesTheTicketQueuesTheTextAndTheTimerAndAdvancesTheRotation(_ backend: RepositoryBackend) async throws {
        let world = try await Self.world(backend)
        let ticket = try await Self.ticket(world)
        // Candidates: plumbers covering 60614, in creation order while none was offered anything.
        #expect(try await world.dispatch.candidates(for: ticket).map(\.id) == [world.vendors[0].id, world.vendors[1].id, world.vendors[2].id])

        let offer = try await Self.open(world, ticket, world.vendors[0])
        #expect(offer.state == .open && offer.code == ticket.code && offer.outboxId != nil)
        let moved = try #require(try await world.store.repositories.tickets.get(id: ticket.id, businessId: world.business.id))
        #expect(moved.state == .vendorContacting && moved.version == 2)
        #expect(try await world.store.count("sms_outbox", where: "\"to\" = ?", [world.vendors[0].phone]) == 1)
        #expect(try await world.store.repositories.jobs.jobs(kind: "test.offer-timeout").map(\.runAt) == [offer.expiresAt])
        let stream = try await TicketRepositoryTests.stream(world.store, ticket)
        #expect(stream.map(\.type) == [.ticketOpened, .ticketStateChanged, .dispatchOfferSent])
        #expect(try Ticket.rebuild(from: stream) == moved)

        // Round robin: the vendor just offered goes last, and the order is stored (it survives a restart).
        world.clock.advance(by: 5)
        let second = try await Self.ticket(world, tenantPhone: "+15550102001")
        #expect(try await world.dispatch.candidates(for: second).map(\.id) == [world.vendors[1].id, world.vendors[2].id, world.vendors[0].id])
        try await Self.open(world, second, world.vendors[1])
        let reopened = try await world.store.reopened(clock: world.clock)
        #expect(try await reopened.repositories.dispatch.candidates(for: second).map(\.id)
                == [world.vendors[2].id, world.vendors[0].id, world.vendors[1].id])
        #expect(try await world.store.count("vendor_rotation", where: "vendor_id = ? AND offers_count = 1", [world.vendors[0].id]) == 1)
    }

    @Test(arguments: RepositoryBackend.all)
    func aTicketHasOneOpenOfferAndAVendorIsNeverOfferedItTwice(_ backend: RepositoryBackend) async throws {
        let world = try await Self.world(backend)
        let ticket = try await Self.ticket(world)
        let first = try await Self.open(world, ticket, world.vendors[0])
        await #expect(throws: DispatchConflict.self) { try await Self.open(world, ticket, world.vendors[1]) }
        // A decision made on an older read of the ticket is refused.
        _ = try await world.dispatch.resolveOffer(id: first.id, businessId: world.business.id, outcome: .declined,
                                                  actor: TicketActor(.vendor, id: world.vendors[0].id), reason: nil, effects: .none)
        let (stale, effects) = try await Self.newOffer(world, ticket, world.vendors[1], version: 1)
        await #expect(throws: DispatchConflict.self) { try await world.dispatch.openOffer(stale, effects: effects) }
        await #expect(throws: DispatchConflict.self) { try await Self.open(world, ticket, world.vendors[0]) }
        // Not a candidate (wrong trade) → refused; nothing was written by any refusal.
        await #expect(throws: DispatchConflict.self) { try await Self.open(world, ticket, world.vendors[3]) }
        #expect(try await world.store.count("sms_outbox") == 1)
        #expect(try await world.store.repositories.jobs.jobs(kind: "test.offer-timeout").count == 1)
        world.clock.advance(by: 1)
        let next = try await Self.open(world, ticket, world.vendors[1])
        #expect(try await world.dispatch.offers(ticketId: ticket.id, businessId: world.business.id).map(\.id) == [first.id, next.id])
    }

    @Test(arguments: RepositoryBackend.all)
    func aTimerOrANoForAnOfferNoLongerOpenChangesNothing(_ backend: RepositoryBackend) async throws {
        let world = try await Self.world(backend)
        let ticket = try await Self.ticket(world)
        let offer = try await Self.open(world, ticket, world.vendors[0])
        world.clock.advance(by: 3600)
        let expired = try await world.dispatch.resolveOffer(id: offer.id, businessId: world.business.id, outcome: .timedOut,
                                                            actor: .system, reason: "no reply", effects: .none)
        #expect(expired?.state == .timedOut && expired?.resolvedAt == world.clock.read())
        #expect(try await world.dispatch.resolveOffer(id: offer.id, businessId: world.business.id, outcome: .timedOut,
                                                      actor: .system, reason: nil, effects: .none) == nil)
        #expect(try await world.dispatch.resolveOffer(id: offer.id, businessId: world.business.id, outcome: .declined,
                                                      actor: .system, reason: nil, effects: .none) == nil)
        let resolved = try await TicketRepositoryTests.stream(world.store, ticket).filter { $0.type == .dispatchOfferResolved }
        #expect(resolved.count == 1)
        #expect(try resolved[0].decode(DispatchOfferResolved.self).outcome == .timedOut)
        // A declined offer is not taken by a later YES.
        world.clock.advance(by: 1)
        let declined = try await Self.open(world, ticket, world.vendors[1])
        _ = try await world.dispatch.resolveOffer(id: declined.id, businessId: world.business.id, outcome: .declined,
                                                  actor: TicketActor(.vendor, id: world.vendors[1].id), reason: nil, effects: .none)
        await #expect(throws: DispatchConflict.self) {
            _ = try await world.dispatch.accept(offerId: declined.id, businessId: world.business.id, appointmentId: nil,
                                               reason: "changed my mind", effects: .none)
        }
    }

    @Test(arguments: RepositoryBackend.all)
    func aLateYesAndTheNextVendorsYesAtOnceBookTheTicketExactlyOnce(_ backend: RepositoryBackend) async throws {
        let world = try await Self.world(backend)
        let ticket = try await Self.ticket(world)
        let late = try await Self.open(world, ticket, world.vendors[0])
        world.clock.advance(by: 3600)
        _ = try await world.dispatch.resolveOffer(id: late.id, businessId: world.business.id, outcome: .timedOut,
                                                  actor: .system, reason: "no reply", effects: .none)
        let next = try await Self.open(world, ticket, world.vendors[1])
        let dispatch = world.dispatch
        let businessId = world.business.id
        let results = await withTaskGroup(of: (String, Result<Ticket, any Error>).self) { group in
            for offer in [late, next] {
                group.addTask {
                    (offer.id, await Result { try await dispatch.accept(offerId: offer.id, businessId: businessId, appointmentId: nil,
                                                                        reason: "YES", effects: .none) })
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let won = results.compactMap { id, result in (try? result.get()).map { (id, $0) } }
        #expect(won.count == 1, "exactly one YES books the ticket")
        #expect(results.contains { if case .failure(let error) = $1 { error is DispatchConflict } else { false } })
        let (winner, booked) = try #require(won.first)
        let loser = winner == late.id ? next.id : late.id
        #expect(booked.state == .scheduled)
        #expect(booked.vendorId == (winner == late.id ? world.vendors[0].id : world.vendors[1].id))
        #expect(try await dispatch.offer(id: winner, businessId: businessId)?.state == .accepted)
        // The loser's offer: still timed out (the late one) or withdrawn (the next vendor's).
        #expect(try await dispatch.offer(id: loser, businessId: businessId)?.state == (loser == late.id ? .timedOut : .cancelled))
        #expect(try await dispatch.openOffers(phone: world.vendors[1].phone, businessId: businessId).isEmpty)
        let stream = try await TicketRepositoryTests.stream(world.store, ticket)
        #expect(stream.filter { $0.type == .ticketStateChanged }.count == 2, "vendor_contacting, then scheduled once")
        #expect(try Ticket.rebuild(from: stream) == booked)
    }

    @Test(arguments: RepositoryBackend.all)
    func aLateYesBooksAnEscalatedTicket(_ backend: RepositoryBackend) async throws {
        let world = try await Self.world(backend)
        let ticket = try await Self.ticket(world)
        let offer = try await Self.open(world, ticket, world.vendors[0])
        world.clock.advance(by: 3600)
        _ = try await world.dispatch.resolveOffer(id: offer.id, businessId: world.business.id, outcome: .timedOut,
                                                  actor: .system, reason: "no reply", effects: .none)
        let current = try #require(try await world.store.repositories.tickets.get(id: ticket.id, businessId: world.business.id))
        _ = try await world.dispatch.move(ticketId: ticket.id, businessId: world.business.id, TicketStateChange(
            to: .escalated, actor: .system, reason: "all_declined_or_timed_out", expectedState: current.state), effects: .none)
        let booked = try await world.dispatch.accept(offerId: offer.id, businessId: world.business.id, appointmentId: nil,
                                                     reason: "late YES", effects: .none)
        #expect(booked.state == .scheduled && booked.vendorId == world.vendors[0].id)
        // Once booked, no other YES takes it: not even the same offer again.
        await #expect(throws: DispatchConflict.self) {
            _ = try await world.dispatch.accept(offerId: offer.id, businessId: world.business.id, appointmentId: nil,
                                               reason: "again", effects: .none)
        }
    }

    @Test(arguments: RepositoryBackend.all)
    func theFirstYesWinsAndTheOtherWritesNothing(_ backend: RepositoryBackend) async throws {
        let world = try await Self.world(backend)
        let ticket = try await Self.ticket(world)
        let offer = try await Self.open(world, ticket, world.vendors[0])
        let confirmation = DispatchEffects(texts: [DispatchText(
            OutgoingText(businessId: world.business.id, to: "+15550102000", body: "Booked", kind: .customer,
                         dedupeKey: "confirm:\(ticket.id)"), ticketId: ticket.id, notice: .tenantConfirmation)])
        let dispatch = world.dispatch
        let businessId = world.business.id
        let results = await withTaskGroup(of: Result<Ticket, any Error>.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    await Result { try await dispatch.accept(offerId: offer.id, businessId: businessId, appointmentId: nil,
                                                             reason: "accepted by text", effects: confirmation) }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let won = results.compactMap { try? $0.get() }
        #expect(won.count == 1)
        #expect(won.first?.state == .scheduled && won.first?.vendorId == world.vendors[0].id)
        #expect(results.contains { if case .failure(let error) = $0 { error is DispatchConflict } else { false } })
        #expect(try await dispatch.offer(id: offer.id, businessId: businessId)?.state == .accepted)
        #expect(try await world.store.count("sms_outbox", where: "\"to\" = ?", ["+15550102000"]) == 1)
        let stream = try await TicketRepositoryTests.stream(world.store, ticket)
        #expect(stream.filter { $0.type == .ticketStateChanged }.count == 2)
        #expect(stream.filter { $0.type == .dispatchNotified }.count == 1)
        #expect(try Ticket.rebuild(from: stream) == won.first)
        // A tenant or the booked vendor can answer DONE on it.
        #expect(try await dispatch.scheduledTickets(phone: "+15550102000", businessId: businessId).map(\.id) == [ticket.id])
        #expect(try await dispatch.scheduledTickets(phone: world.vendors[0].phone, businessId: businessId).map(\.id) == [ticket.id])
        #expect(try await dispatch.scheduledTickets(phone: world.vendors[1].phone, businessId: businessId).isEmpty)
        // A vendor referred to by an offer is kept (deactivated), not deleted.
        #expect(try await world.store.repositories.vendors.remove(id: world.vendors[0].id, businessId: businessId) != .deleted)
    }

    @Test(arguments: RepositoryBackend.all)
    func aStopWithdrawsTheVendorsOpenOffersAndAStartBringsThemBack(_ backend: RepositoryBackend) async throws {
        let world = try await Self.world(backend)
        let one = try await Self.ticket(world)
        let two = try await Self.ticket(world, tenantPhone: "+15550102001")
        let first = try await Self.open(world, one, world.vendors[2])
        let second = try await Self.open(world, two, world.vendors[2])
        #expect(Set(try await world.dispatch.openOffers(phone: world.vendors[2].phone, businessId: world.business.id).map(\.id))
                == [first.id, second.id])
        let (vendor, withdrawn) = try await world.dispatch.setOptedOut(vendorId: world.vendors[2].id, businessId: world.business.id,
                                                                      optedOut: true)
        #expect(vendor.optedOut && Set(withdrawn.map(\.id)) == [first.id, second.id] && withdrawn.allSatisfy { $0.state == .cancelled })
        #expect(try await world.dispatch.openOffers(phone: world.vendors[2].phone, businessId: world.business.id).isEmpty)
        #expect(!(try await world.dispatch.candidates(for: one)).map(\.id).contains(world.vendors[2].id))
        let again = try await world.dispatch.setOptedOut(vendorId: world.vendors[2].id, businessId: world.business.id, optedOut: true)
        #expect(again.withdrawn.isEmpty)
        let back = try await world.dispatch.setOptedOut(vendorId: world.vendors[2].id, businessId: world.business.id, optedOut: false)
        #expect(!back.vendor.optedOut)
        let three = try await Self.ticket(world, tenantPhone: "+15550102002")
        #expect(try await world.dispatch.candidates(for: three).map(\.id).contains(world.vendors[2].id))
        let changes = try await world.store.repositories.events.events(EventQuery(
            businessId: world.business.id, stream: .vendor(world.vendors[2].id), types: [.vendorChanged]))
        #expect(changes.map { try! $0.decode(VendorRecorded.self).optedOut } == [true, false])
    }

    @Test(arguments: RepositoryBackend.all)
    func aMoveWithdrawsTheOpenOfferWithItsEffects(_ backend: RepositoryBackend) async throws {
        let world = try await Self.world(backend)
        let ticket = try await Self.ticket(world)
        let offer = try await Self.open(world, ticket, world.vendors[0])
        let step = try NewJob(kind: "test.escalation", businessId: world.business.id, payload: ["ticket": ticket.id],
                              dedupeKey: "escalation:\(ticket.id):0")
        let escalated = try await world.dispatch.move(
            ticketId: ticket.id, businessId: world.business.id,
            TicketStateChange(to: .escalated, actor: .system, reason: "emergency_not_accepted", expectedState: .vendorContacting),
            effects: DispatchEffects(jobs: [step]))
        #expect(escalated.state == .escalated)
        #expect(try await world.dispatch.offer(id: offer.id, businessId: world.business.id)?.state == .cancelled)
        #expect(try await world.store.repositories.jobs.jobs(kind: "test.escalation").count == 1)
        // A move that is not as expected writes nothing, effects included.
        await #expect(throws: TicketConflict.self) {
            _ = try await world.dispatch.move(
                ticketId: ticket.id, businessId: world.business.id,
                TicketStateChange(to: .scheduled, actor: .system, expectedState: .vendorContacting),
                effects: DispatchEffects(jobs: [try NewJob(kind: "test.escalation", businessId: world.business.id,
                                                           payload: ["n": 1], dedupeKey: "never")]))
        }
        #expect(try await world.store.repositories.jobs.jobs(kind: "test.escalation").count == 1)
    }

    @Test(arguments: RepositoryBackend.all)
    func settingsHaveDefaultsAreValidatedAndBelongToTheirBusiness(_ backend: RepositoryBackend) async throws {
        let world = try await Self.world(backend)
        let other = try await world.store.makeBusiness("oak-property")
        #expect(try await world.dispatch.settings(businessId: world.business.id) == DispatchSettings())
        var settings = DispatchSettings()
        settings.offerTimeouts.routineMinutes = 120
        settings.landlordContacts = [LandlordContact(name: "Dana", phone: "+15550109000")]
        #expect(try await world.dispatch.saveSettings(settings, businessId: world.business.id) == settings)
        #expect(try await world.dispatch.settings(businessId: world.business.id) == settings)
        #expect(try await world.dispatch.settings(businessId: other.id) == DispatchSettings())
        var bad = settings
        bad.escalationAttemptsPerContact = 0
        await #expect(throws: RepositoryError.invalid("escalationAttemptsPerContact must be between 1 and 10")) {
            _ = try await world.dispatch.saveSettings(bad, businessId: world.business.id)
        }
        #expect(try await world.dispatch.settings(businessId: world.business.id) == settings)
        await #expect(throws: RepositoryError.notFound) {
            _ = try await world.dispatch.saveSettings(settings, businessId: "no-such-business")
        }
    }

    @Test(arguments: RepositoryBackend.all)
    func offersBelongToTheirBusiness(_ backend: RepositoryBackend) async throws {
        let world = try await Self.world(backend)
        let other = try await world.store.makeBusiness("oak-property")
        let ticket = try await Self.ticket(world)
        let offer = try await Self.open(world, ticket, world.vendors[0])
        #expect(try await world.dispatch.offer(id: offer.id, businessId: other.id) == nil)
        #expect(try await world.dispatch.offers(ticketId: ticket.id, businessId: other.id).isEmpty)
        #expect(try await world.dispatch.openOffers(phone: world.vendors[0].phone, businessId: other.id).isEmpty)
        #expect(try await world.dispatch.resolveOffer(id: offer.id, businessId: other.id, outcome: .declined, actor: .system,
                                                      reason: nil, effects: .none) == nil)
        await #expect(throws: DispatchConflict.self) {
            _ = try await world.dispatch.accept(offerId: offer.id, businessId: other.id, appointmentId: nil, reason: "x",
                                               effects: .none)
        }
        await #expect(throws: RepositoryError.notFound) {
            _ = try await world.dispatch.setOptedOut(vendorId: world.vendors[0].id, businessId: other.id, optedOut: true)
        }
        #expect(try await world.dispatch.offer(id: offer.id, businessId: world.business.id)?.state == .open)
    }
}
