import Foundation
import Receptionist
import Testing
@testable import Server

/// `AppointmentRepository`'s contract, on every backend (Mon–Fri 08:00–17:00 in Chicago; 2030 dates).
@Suite struct AppointmentRepositoryTests {
    static func at(_ local: String) -> Date { ContractTime.chicago(local) }

    static func appointment(_ business: Business, _ customer: Customer, _ start: String, hours: Double = 1,
                            emergency: Bool = false) -> Appointment {
        let startAt = at(start)
        return Appointment(businessId: business.id, customerId: customer.id, startAt: startAt,
                           endAt: startAt.addingTimeInterval(hours * 3600), service: "Drain cleaning",
                           isEmergency: emergency, createdAt: startAt, updatedAt: startAt)
    }

    @Test(arguments: RepositoryBackend.all)
    func bookingsAreCheckedAgainstTheRulesAndTheOtherAppointments(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let appointments = store.repositories.appointments
        let business = try await store.makeBusiness("acme", settings: CRMTestApp.settings())
        let rules = business.bookingRules
        let ann = try await store.repositories.customers.create(businessId: business.id, CustomerFields(phone: "+15557654321"))

        let first = try await appointments.create(Self.appointment(business, ann, "2030-06-03T13:00"), rules: rules,
                                                  now: ContractTime.now)
        #expect(first.createdAt == clock.read(), "the repository stamps the times")
        #expect(try await appointments.get(id: first.id, businessId: business.id) == first)
        await #expect(throws: BookingConflict(rejection: .overlaps(first.interval))) {
            _ = try await appointments.create(Self.appointment(business, ann, "2030-06-03T13:30"), rules: rules, now: ContractTime.now)
        }
        await #expect(throws: BookingConflict(rejection: .inThePast)) {
            _ = try await appointments.create(Self.appointment(business, ann, "2030-06-03T15:00"), rules: rules,
                                              now: Self.at("2030-06-03T16:00"))
        }
        await #expect(throws: RepositoryError.invalid("customerId does not name a customer of this business")) {
            var unknown = Self.appointment(business, ann, "2030-06-03T15:00")
            unknown.customerId = UUID().uuidString.lowercased()
            _ = try await appointments.create(unknown, rules: rules, now: ContractTime.now)
        }
        #expect(try await store.count("appointments") == 1, "a refused booking writes nothing")

        // Moving keeps the length; cancelling frees the time; making it active again is checked again.
        clock.advance(by: 1)
        let moved = try await appointments.update(id: first.id, businessId: business.id,
                                                  AppointmentPatch(startAt: Self.at("2030-06-03T15:00")), rules: rules,
                                                  now: ContractTime.now)
        #expect(moved.startAt == Self.at("2030-06-03T15:00"))
        #expect(moved.endAt == Self.at("2030-06-03T16:00"))
        #expect(moved.updatedAt == clock.read())
        let cancelled = try await appointments.update(id: first.id, businessId: business.id,
                                                      AppointmentPatch(status: .cancelled), rules: rules, now: ContractTime.now)
        #expect(try await appointments.heldIntervals(businessId: business.id, from: Self.at("2030-06-03T00:00"),
                                                     to: Self.at("2030-06-04T00:00")).isEmpty)
        let taker = try await appointments.create(Self.appointment(business, ann, "2030-06-03T15:30"), rules: rules,
                                                  now: ContractTime.now)
        await #expect(throws: BookingConflict(rejection: .overlaps(taker.interval))) {
            _ = try await appointments.update(id: cancelled.id, businessId: business.id, AppointmentPatch(status: .booked),
                                              rules: rules, now: ContractTime.now)
        }
        #expect(try await appointments.get(id: cancelled.id, businessId: business.id)?.status == .cancelled)
        await #expect(throws: RepositoryError.notFound) {
            _ = try await appointments.update(id: UUID().uuidString, businessId: business.id, AppointmentPatch(status: .completed),
                                              rules: rules, now: ContractTime.now)
        }
        #expect(try await appointments.heldIntervals(businessId: business.id, from: Self.at("2030-06-03T00:00"),
                                                     to: Self.at("2030-06-04T00:00")) == [taker.interval])
    }

    @Test(arguments: RepositoryBackend.all)
    func listingFiltersAndPagesByStartTime(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let appointments = store.repositories.appointments
        let business = try await store.makeBusiness("acme", settings: CRMTestApp.settings())
        let rules = business.bookingRules
        let ann = try await store.repositories.customers.create(businessId: business.id, CustomerFields(phone: "+15557654321"))
        let bob = try await store.repositories.customers.create(businessId: business.id, CustomerFields(phone: "+15550002222"))
        var booked: [Appointment] = []
        for (customer, start) in [(bob, "2030-06-04T10:00"), (ann, "2030-06-03T13:00"), (ann, "2030-06-05T09:00")] {
            booked.append(try await appointments.create(Self.appointment(business, customer, start), rules: rules, now: ContractTime.now))
        }
        _ = try await appointments.update(id: booked[2].id, businessId: business.id, AppointmentPatch(status: .confirmed),
                                          rules: rules, now: ContractTime.now)
        var seen: [String] = []
        var cursor: String?
        repeat {
            let page = try await appointments.list(businessId: business.id, filter: AppointmentFilter(), limit: 2, cursor: cursor)
            seen += page.items.map(\.id)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen == [booked[1].id, booked[0].id, booked[2].id])
        func ids(_ filter: AppointmentFilter) async throws -> [String] {
            try await appointments.list(businessId: business.id, filter: filter, limit: 10, cursor: nil).items.map(\.id)
        }
        #expect(try await ids(AppointmentFilter(customerId: ann.id)) == [booked[1].id, booked[2].id])
        #expect(try await ids(AppointmentFilter(status: .confirmed)) == [booked[2].id])
        #expect(try await ids(AppointmentFilter(from: Self.at("2030-06-04T00:00"), to: Self.at("2030-06-05T00:00"))) == [booked[0].id])
    }

    @Test(arguments: RepositoryBackend.all)
    func scheduleListsTheHeldAppointmentsOfASpanWithTheirCustomers(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let appointments = store.repositories.appointments
        let business = try await store.makeBusiness("acme", settings: CRMTestApp.settings())
        let rules = business.bookingRules
        let ann = try await store.repositories.customers.create(
            businessId: business.id, CustomerFields(name: "Ann Lee", phone: "+15557654321", address: "1 Elm Road"))
        let bob = try await store.repositories.customers.create(businessId: business.id, CustomerFields(phone: "+15550002222"))
        let late = try await appointments.create(Self.appointment(business, ann, "2030-06-03T15:00"), rules: rules, now: ContractTime.now)
        let early = try await appointments.create(Self.appointment(business, bob, "2030-06-03T09:00", emergency: true),
                                                  rules: rules, now: ContractTime.now)
        let dropped = try await appointments.create(Self.appointment(business, bob, "2030-06-03T12:00"), rules: rules, now: ContractTime.now)
        _ = try await appointments.update(id: dropped.id, businessId: business.id, AppointmentPatch(status: .cancelled),
                                          rules: rules, now: ContractTime.now)
        _ = try await appointments.create(Self.appointment(business, ann, "2030-06-04T09:00"), rules: rules, now: ContractTime.now)

        let day = try await appointments.schedule(businessId: business.id, from: Self.at("2030-06-03T00:00"),
                                                  to: Self.at("2030-06-04T00:00"))
        #expect(day == [
            ScheduledAppointment(appointment: early, customerName: nil, customerAddress: nil),
            ScheduledAppointment(appointment: late, customerName: "Ann Lee", customerAddress: "1 Elm Road"),
        ])
    }

    @Test(arguments: RepositoryBackend.all)
    func aCallersBookingIsOneTransactionAndIdempotentOnItsCall(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let appointments = store.repositories.appointments
        let customers = store.repositories.customers
        let business = try await store.makeBusiness("acme", settings: CRMTestApp.settings())
        let rules = business.bookingRules
        for sid in ["CA1", "CA2", "CA3", "CA4"] {
            try await store.seedCall(sid, business: business, startedAt: ContractTime.now)
        }
        let slot = BookingInterval(start: Self.at("2030-06-03T13:00"), end: Self.at("2030-06-03T14:00"))
        let booking = CallerBooking(businessId: business.id, callSid: "CA1", phone: "+15557654321", name: "Omar Haddad",
                                    address: "27 Willow Lane", slot: slot, service: "Boiler", notes: "no heat")

        let booked = try await appointments.book(booking, rules: rules, now: ContractTime.now)
        #expect(booked.sourceCallSid == "CA1")
        #expect(booked.interval == slot)
        #expect(booked.service == "Boiler")
        let customer = try #require(try await customers.get(id: booked.customerId, businessId: business.id))
        #expect(customer.phone == "+15557654321")
        #expect(customer.name == "Omar Haddad")
        #expect(customer.address == "27 Willow Lane")
        // The same slot again on the same call (a redelivered webhook) is the same booking.
        #expect(try await appointments.book(booking, rules: rules, now: ContractTime.now) == booked)
        #expect(try await store.count("appointments") == 1)

        // A known caller keeps the name and address the business has.
        var again = booking
        again.callSid = "CA2"
        again.name = "Someone Else"
        again.address = "9 Other Road"
        again.slot = BookingInterval(start: Self.at("2030-06-04T13:00"), end: Self.at("2030-06-04T14:00"))
        let second = try await appointments.book(again, rules: rules, now: ContractTime.now)
        #expect(second.customerId == customer.id)
        #expect(try await customers.get(id: customer.id, businessId: business.id)?.name == "Omar Haddad")
        #expect(try await customers.get(id: customer.id, businessId: business.id)?.address == "27 Willow Lane")

        // A refused booking writes nothing, not even the new caller's customer.
        var taken = booking
        taken.callSid = "CA3"
        taken.phone = "+15550003333"
        await #expect(throws: BookingConflict(rejection: .overlaps(slot))) {
            _ = try await appointments.book(taken, rules: rules, now: ContractTime.now)
        }
        #expect(try await customers.list(businessId: business.id, phone: "+15550003333", text: nil, limit: 1, cursor: nil).items.isEmpty)
        #expect(try await store.count("appointments") == 2)
        var badPhone = booking
        badPhone.callSid = "CA4"
        badPhone.phone = "555-0100"
        await #expect(throws: RepositoryError.self) {
            _ = try await appointments.book(badPhone, rules: rules, now: ContractTime.now)
        }
    }

    /// Business B's calls see nothing of business A's appointments, cannot book on A's customers, and change nothing.
    @Test(arguments: RepositoryBackend.all)
    func callsForAnotherBusinessSeeNothingOfIt(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let appointments = store.repositories.appointments
        let a = try await store.makeBusiness("business-a", settings: CRMTestApp.settings())
        let b = try await store.makeBusiness("business-b", settings: CRMTestApp.settings())
        let customerA = try await store.repositories.customers.create(businessId: a.id, CustomerFields(phone: "+15557654321"))
        try await store.seedCall("CAa", business: a, startedAt: ContractTime.now)
        try await store.seedCall("CAb", business: b, startedAt: ContractTime.now)
        let slot = BookingInterval(start: Self.at("2030-06-03T13:00"), end: Self.at("2030-06-03T14:00"))
        let fromCall = try await appointments.book(
            CallerBooking(businessId: a.id, callSid: "CAa", phone: "+15550004444", slot: slot), rules: a.bookingRules,
            now: ContractTime.now)
        let booked = try await appointments.create(Self.appointment(a, customerA, "2030-06-03T15:00"), rules: a.bookingRules,
                                                   now: ContractTime.now)
        let day = (from: Self.at("2030-06-03T00:00"), to: Self.at("2030-06-04T00:00"))

        #expect(try await appointments.get(id: booked.id, businessId: b.id) == nil)
        #expect(try await appointments.list(businessId: b.id, filter: AppointmentFilter(), limit: 10, cursor: nil).items.isEmpty)
        #expect(try await appointments.list(businessId: b.id, filter: AppointmentFilter(customerId: customerA.id), limit: 10,
                                            cursor: nil).items.isEmpty)
        #expect(try await appointments.heldIntervals(businessId: b.id, from: day.from, to: day.to).isEmpty)
        #expect(try await appointments.schedule(businessId: b.id, from: day.from, to: day.to).isEmpty)
        await #expect(throws: RepositoryError.notFound) {
            _ = try await appointments.update(id: booked.id, businessId: b.id, AppointmentPatch(status: .cancelled),
                                              rules: b.bookingRules, now: ContractTime.now)
        }
        // B cannot book on A's customer …
        await #expect(throws: RepositoryError.invalid("customerId does not name a customer of this business")) {
            _ = try await appointments.create(Self.appointment(b, customerA, "2030-06-03T10:00"), rules: b.bookingRules,
                                              now: ContractTime.now)
        }
        // … nor book on A's call (which would hand back A's booking of that start) …
        await #expect(throws: RepositoryError.invalid("callSid does not name a call of this business")) {
            _ = try await appointments.book(
                CallerBooking(businessId: b.id, callSid: "CAa", phone: "+15550004444", slot: slot), rules: b.bookingRules,
                now: ContractTime.now)
        }
        #expect(try await store.repositories.customers.list(businessId: b.id, phone: nil, text: nil, limit: 10, cursor: nil)
            .items.isEmpty)
        // … and A's bookings do not block B's time.
        let own = try await appointments.book(
            CallerBooking(businessId: b.id, callSid: "CAb", phone: "+15550004444", slot: slot), rules: b.bookingRules,
            now: ContractTime.now)
        #expect(own.id != fromCall.id)
        #expect(own.businessId == b.id)
        let customerB = try #require(try await store.repositories.customers.get(id: own.customerId, businessId: b.id))
        #expect(customerB.id != fromCall.customerId)
        let sameTime = try await appointments.create(Self.appointment(b, customerB, "2030-06-03T15:00"), rules: b.bookingRules,
                                                     now: ContractTime.now)
        #expect(sameTime.businessId == b.id)

        // A's rows are as they were.
        #expect(try await appointments.get(id: booked.id, businessId: a.id) == booked)
        #expect(try await appointments.list(businessId: a.id, filter: AppointmentFilter(), limit: 10, cursor: nil).items.map(\.id)
            == [fromCall.id, booked.id])
    }

    /// Two nodes booking one slot at once (the API on one, another customer's on the other): it is booked once,
    /// every other booking refused as overlapping it.
    @Test(arguments: RepositoryBackend.all)
    func concurrentBookingsOfOneSlotBookItOnce(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let other = try await store.reopened()
        let business = try await store.makeBusiness("acme", settings: CRMTestApp.settings())
        var customers: [Customer] = []
        for index in 0..<8 {
            customers.append(try await store.repositories.customers.create(
                businessId: business.id, CustomerFields(phone: "+1555000100\(index)")))
        }
        let nodes = [store.repositories.appointments, other.repositories.appointments]
        let results = await withTaskGroup(of: Result<Appointment, any Error>.self) { group in
            for (index, customer) in customers.enumerated() {
                group.addTask {
                    await Result { try await nodes[index % 2].create(Self.appointment(business, customer, "2030-06-03T13:00"),
                                                                     rules: business.bookingRules, now: ContractTime.now) }
                }
            }
            return await group.reduce(into: [Result<Appointment, any Error>]()) { $0.append($1) }
        }
        let booked = try #require(results.compactMap { try? $0.get() }.first)
        #expect(results.compactMap { try? $0.get() }.count == 1)
        for case .failure(let error) in results {
            #expect(error as? BookingConflict == BookingConflict(rejection: .overlaps(booked.interval)))
        }
        #expect(try await store.count("appointments") == 1)
    }

    /// Two nodes moving two appointments into one free slot at once: one moves, the other is refused and stays.
    @Test(arguments: RepositoryBackend.all)
    func concurrentMovesIntoOneSlotMoveOne(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let other = try await store.reopened()
        let business = try await store.makeBusiness("acme", settings: CRMTestApp.settings())
        let rules = business.bookingRules
        let ann = try await store.repositories.customers.create(businessId: business.id, CustomerFields(phone: "+15557654321"))
        let appointments = store.repositories.appointments
        let first = try await appointments.create(Self.appointment(business, ann, "2030-06-03T09:00"), rules: rules, now: ContractTime.now)
        let second = try await appointments.create(Self.appointment(business, ann, "2030-06-03T11:00"), rules: rules, now: ContractTime.now)
        let nodes = [appointments, other.repositories.appointments]
        let results = await withTaskGroup(of: Result<Appointment, any Error>.self) { group in
            for (index, appointment) in [first, second].enumerated() {
                group.addTask {
                    await Result { try await nodes[index].update(id: appointment.id, businessId: business.id,
                                                                 AppointmentPatch(startAt: Self.at("2030-06-03T15:00")),
                                                                 rules: rules, now: ContractTime.now) }
                }
            }
            return await group.reduce(into: [Result<Appointment, any Error>]()) { $0.append($1) }
        }
        #expect(results.compactMap { try? $0.get() }.count == 1)
        #expect(results.filter { if case .failure(let error) = $0 { error is BookingConflict } else { false } }.count == 1)
        let held = try await appointments.heldIntervals(businessId: business.id, from: Self.at("2030-06-03T00:00"),
                                                        to: Self.at("2030-06-04T00:00"))
        #expect(held.map(\.start).filter { $0 == Self.at("2030-06-03T15:00") }.count == 1)
        #expect(held.count == 2)
    }

    /// A caller's booking webhook delivered to two nodes at once is one appointment, the same one for both.
    @Test(arguments: RepositoryBackend.all)
    func aBookingDeliveredToTwoNodesAtOnceIsOneAppointment(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let other = try await store.reopened()
        let business = try await store.makeBusiness("acme", settings: CRMTestApp.settings())
        try await store.seedCall("CA1", business: business, startedAt: ContractTime.now)
        let booking = CallerBooking(businessId: business.id, callSid: "CA1", phone: "+15557654321", name: "Omar Haddad",
                                    slot: BookingInterval(start: Self.at("2030-06-03T13:00"), end: Self.at("2030-06-03T14:00")))
        let nodes = [store.repositories.appointments, other.repositories.appointments]
        let booked = try await withThrowingTaskGroup(of: Appointment.self) { group in
            for index in 0..<6 {
                group.addTask { try await nodes[index % 2].book(booking, rules: business.bookingRules, now: ContractTime.now) }
            }
            return try await group.reduce(into: [Appointment]()) { $0.append($1) }
        }
        #expect(Set(booked.map(\.id)).count == 1)
        #expect(try await store.count("appointments") == 1)
        #expect(try await store.count("customers") == 1)
    }
}
