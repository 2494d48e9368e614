import Events
import Foundation
import Maintenance
import Testing
@testable import Server

/// `VendorRepository`'s contract, on every backend.
@Suite struct VendorRepositoryTests {
    static func profile(_ name: String = "Acme Plumbing", phone: String = "+15550103000", trades: [Trade] = [.plumbing],
                        areas: [String] = ["606"]) -> VendorProfile {
        VendorProfile(name: name, phone: phone, trades: trades, serviceAreas: areas)
    }

    @Test(arguments: RepositoryBackend.all)
    func vendorsAreStoredWithTheirEvents(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let vendors = store.repositories.vendors
        let business = try await store.makeBusiness("elm-property")
        let hours = VendorHours([.monday: .init(open: "08:00", close: "17:00"), .saturday: .init(open: "09:00", close: "12:00")])
        var profile = Self.profile(" Acme Plumbing ", trades: [.hvac, .plumbing], areas: ["sw1a 1aa", "606"])
        profile.workingHours = hours
        let vendor = try await vendors.create(businessId: business.id, profile)
        #expect(vendor.name == "Acme Plumbing")
        #expect(vendor.trades == [.plumbing, .hvac])
        #expect(vendor.serviceAreas == ["SW1A1AA", "606"])
        #expect(vendor.workingHours == hours)
        #expect(vendor.active && !vendor.optedOut)
        #expect(try await vendors.get(id: vendor.id.uppercased(), businessId: business.id) == vendor)
        #expect(try await vendors.vendor(phone: "+15550103000", businessId: business.id) == vendor)

        await #expect(throws: RepositoryError.conflict("a vendor with phone +15550103000 already exists")) {
            _ = try await vendors.create(businessId: business.id, Self.profile("Other"))
        }
        await #expect(throws: RepositoryError.invalid("phone must be E.164 (e.g. +15551234567)")) {
            _ = try await vendors.create(businessId: business.id, Self.profile(phone: "0103000"))
        }

        clock.advance(by: 10)
        let changed = try await vendors.update(id: vendor.id, businessId: business.id,
                                               VendorPatch(serviceAreas: ["60614"], workingHours: .some(nil), active: false))
        #expect(changed.serviceAreas == ["60614"] && changed.workingHours == nil && !changed.active)
        #expect(changed.updatedAt > vendor.updatedAt && changed.createdAt == vendor.createdAt)
        let unchanged = try await vendors.update(id: vendor.id, businessId: business.id, VendorPatch(active: false))
        #expect(unchanged == changed)
        let other = try await vendors.create(businessId: business.id, Self.profile("Bolt Electric", phone: "+15550104000", trades: [.electrical]))
        await #expect(throws: RepositoryError.conflict("a vendor with phone +15550104000 already exists")) {
            _ = try await vendors.update(id: vendor.id, businessId: business.id, VendorPatch(phone: "+15550104000"))
        }
        await #expect(throws: RepositoryError.notFound) {
            _ = try await vendors.update(id: UUID().uuidString, businessId: business.id, VendorPatch(name: "x"))
        }

        let events = try await store.repositories.events.events(EventQuery(businessId: business.id, stream: .vendor(vendor.id)))
        #expect(events.map(\.type) == [.vendorAdded, .vendorChanged])
        let last = try events[1].decode(VendorRecorded.self)
        #expect(last.serviceAreas == ["60614"] && last.workingHours == nil && last.active == false)
        #expect(try await store.count("events", where: "stream = ?", ["vendor:\(other.id)"]) == 1)
    }

    @Test(arguments: RepositoryBackend.all)
    func listingFiltersByTradeAndActiveAndPages(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let vendors = store.repositories.vendors
        let business = try await store.makeBusiness("elm-property")
        var made: [Vendor] = []
        for (index, trades) in [[Trade.plumbing], [.electrical], [.plumbing, .hvac], [.hvac], [.general]].enumerated() {
            made.append(try await vendors.create(businessId: business.id, Self.profile("Vendor \(index)", phone: "+1555010300\(index)", trades: trades)))
            clock.advance(by: 1)
        }
        _ = try await vendors.update(id: made[0].id, businessId: business.id, VendorPatch(active: false))
        func ids(_ filter: VendorFilter) async throws -> [String] {
            try await vendors.list(businessId: business.id, filter: filter, limit: 50, cursor: nil).items.map(\.id)
        }
        #expect(try await ids(VendorFilter(trade: .plumbing)) == [made[0].id, made[2].id])
        #expect(try await ids(VendorFilter(trade: .hvac)) == [made[2].id, made[3].id])
        #expect(try await ids(VendorFilter(trade: .plumbing, active: true)) == [made[2].id])
        #expect(try await ids(VendorFilter(active: false)) == [made[0].id])
        #expect(try await ids(VendorFilter(trade: .roofing)).isEmpty)
        var seen: [String] = []
        var cursor: String?
        repeat {
            let page = try await vendors.list(businessId: business.id, filter: VendorFilter(), limit: 2, cursor: cursor)
            seen += page.items.map(\.id)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen == made.map(\.id))
    }

    /// A vendor no ticket names is deleted; one a ticket names is deactivated and kept, so the ticket's history
    /// stays whole.
    @Test(arguments: RepositoryBackend.all)
    func removingAVendorTicketsReferToDeactivatesThem(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let vendors = store.repositories.vendors
        let business = try await store.makeBusiness("elm-property")
        let unused = try await vendors.create(businessId: business.id, Self.profile("Unused", phone: "+15550103001"))
        let booked = try await vendors.create(businessId: business.id, Self.profile("Booked", phone: "+15550103002"))
        let ticket = try await store.repositories.tickets.create(TicketRepositoryTests.new(business))
        _ = try await store.repositories.tickets.transition(id: ticket.id, businessId: business.id, TicketStateChange(
            to: .scheduled, actor: TicketActor(.admin), vendorId: .some(booked.id)))

        #expect(try await vendors.remove(id: unused.id, businessId: business.id) == .deleted)
        #expect(try await vendors.get(id: unused.id, businessId: business.id) == nil)
        let removal = try await vendors.remove(id: booked.id, businessId: business.id)
        guard case .deactivated(let kept) = removal else {
            Issue.record("expected a deactivation, got \(removal)")
            return
        }
        #expect(kept.id == booked.id && !kept.active)
        #expect(try await vendors.get(id: booked.id, businessId: business.id) == kept)
        #expect(try await vendors.remove(id: booked.id, businessId: business.id) == .deactivated(kept), "again: nothing more")
        await #expect(throws: RepositoryError.notFound) { _ = try await vendors.remove(id: unused.id, businessId: business.id) }
        #expect(try await store.count("events", where: "stream = ?", ["vendor:\(unused.id)"]) == 2, "added, removed")
        #expect(try await store.count("events", where: "stream = ?", ["vendor:\(booked.id)"]) == 2, "added, changed")
        #expect(try await store.count("events", where: "type = 'vendor.removed'") == 1)

        // Deleting the business takes its tickets and vendors with it, references and all.
        try await store.repositories.businesses.delete(id: business.id)
        #expect(try await store.count("tickets") == 0)
        #expect(try await store.count("vendors") == 0)
    }

    @Test(arguments: RepositoryBackend.all)
    func vendorsAreTheirBusinesssOnly(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let vendors = store.repositories.vendors
        let a = try await store.makeBusiness("elm-property")
        let b = try await store.makeBusiness("oak-property")
        let vendor = try await vendors.create(businessId: a.id, Self.profile())
        #expect(try await vendors.get(id: vendor.id, businessId: b.id) == nil)
        #expect(try await vendors.vendor(phone: vendor.phone, businessId: b.id) == nil)
        #expect(try await vendors.list(businessId: b.id, filter: VendorFilter(), limit: 50, cursor: nil).items.isEmpty)
        await #expect(throws: RepositoryError.notFound) {
            _ = try await vendors.update(id: vendor.id, businessId: b.id, VendorPatch(name: "hijacked"))
        }
        await #expect(throws: RepositoryError.notFound) { _ = try await vendors.remove(id: vendor.id, businessId: b.id) }
        // The same phone is a separate vendor of B.
        let theirs = try await vendors.create(businessId: b.id, Self.profile())
        #expect(theirs.id != vendor.id)
        #expect(try await vendors.get(id: vendor.id, businessId: a.id) == vendor)
    }
}
