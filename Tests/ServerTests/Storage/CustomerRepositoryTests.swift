import Foundation
import Receptionist
import Testing
@testable import Server

/// `CustomerRepository`'s contract, on every backend.
@Suite struct CustomerRepositoryTests {
    @Test(arguments: RepositoryBackend.all)
    func createFindUpdateAndDelete(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let customers = store.repositories.customers
        let business = try await store.makeBusiness("acme")
        let ann = try await customers.create(businessId: business.id, CustomerFields(
            name: "Ann Lee", phone: "+15557654321", email: "ann@example.com", address: "1 Elm Road", notes: "side gate"))
        #expect(ann.businessId == business.id)
        #expect(ann.createdAt == clock.read())
        #expect(try await customers.get(id: ann.id, businessId: business.id) == ann)
        #expect(try await customers.get(id: ann.id.uppercased(), businessId: business.id) == ann)
        await #expect(throws: RepositoryError.conflict("a customer with phone +15557654321 already exists")) {
            _ = try await customers.create(businessId: business.id, CustomerFields(phone: "+15557654321"))
        }
        await #expect(throws: RepositoryError.invalid("phone is required")) {
            _ = try await customers.create(businessId: business.id, CustomerFields(name: "No Phone"))
        }
        await #expect(throws: RepositoryError.invalid("email must look like name@example.com")) {
            _ = try await customers.create(businessId: business.id, CustomerFields(phone: "+15550001111", email: "ann at home"))
        }

        clock.advance(by: 1)
        let bob = try await customers.create(businessId: business.id, CustomerFields(name: "Bob 100% Pipes", phone: "+15550002222"))
        // Phone finds one; text matches name, phone, email or address, with LIKE's wildcards taken literally.
        #expect(try await customers.list(businessId: business.id, phone: "+15550002222", text: nil, limit: 10, cursor: nil)
            .items == [bob])
        #expect(try await customers.list(businessId: business.id, phone: nil, text: "elm", limit: 10, cursor: nil).items == [ann])
        #expect(try await customers.list(businessId: business.id, phone: nil, text: "100%", limit: 10, cursor: nil).items == [bob])
        #expect(try await customers.list(businessId: business.id, phone: nil, text: "0%", limit: 10, cursor: nil).items == [bob])
        #expect(try await customers.list(businessId: business.id, phone: nil, text: "_", limit: 10, cursor: nil).items.isEmpty)
        let first = try await customers.list(businessId: business.id, phone: nil, text: nil, limit: 1, cursor: nil)
        #expect(first.items == [ann])
        let second = try await customers.list(businessId: business.id, phone: nil, text: nil, limit: 1, cursor: first.nextCursor)
        #expect(second.items == [bob])
        #expect(second.nextCursor == nil)

        // A patch sets, clears (`.some(nil)`) and leaves alone; opting out records when.
        clock.advance(by: 1)
        let updated = try await customers.update(id: ann.id, businessId: business.id, CustomerFields(
            name: "Ann Lee-Smith", email: .some(nil), smsOptOut: true))
        #expect(updated.name == "Ann Lee-Smith")
        #expect(updated.email == nil)
        #expect(updated.address == "1 Elm Road")
        #expect(updated.smsOptOut)
        #expect(updated.smsOptOutAt == clock.read())
        #expect(updated.updatedAt == clock.read())
        #expect(updated.createdAt == ann.createdAt)
        #expect(try await customers.get(id: ann.id, businessId: business.id) == updated)
        await #expect(throws: RepositoryError.conflict("a customer with phone +15550002222 already exists")) {
            _ = try await customers.update(id: ann.id, businessId: business.id, CustomerFields(phone: "+15550002222"))
        }

        try await customers.delete(id: bob.id, businessId: business.id)
        #expect(try await customers.get(id: bob.id, businessId: business.id) == nil)
        await #expect(throws: RepositoryError.notFound) { try await customers.delete(id: bob.id, businessId: business.id) }
        await #expect(throws: RepositoryError.notFound) {
            _ = try await customers.update(id: bob.id, businessId: business.id, CustomerFields(name: "x"))
        }
    }

    @Test(arguments: RepositoryBackend.all)
    func timelineMergesCallsTextsAndAppointmentsOldestFirst(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let business = try await store.makeBusiness("acme", settings: CRMTestApp.settings())
        let phone = "+15557654321"
        let start = ContractTime.chicago("2030-06-03T09:00")
        // The call makes the customer (a caller with a caller ID is one).
        try await store.seedCall("CA1", business: business, caller: phone, startedAt: start,
                                 lines: [.caller("is the boiler still under warranty")])
        let conversation = try await store.receiveText(businessId: business.id, from: phone, body: "running late, sorry",
                                                       twilioSid: "SM1", at: start.addingTimeInterval(600))
        let customer = try #require(try await store.repositories.customers.list(
            businessId: business.id, phone: phone, text: nil, limit: 1, cursor: nil).items.first)
        #expect(conversation.customerId == customer.id)
        let appointment = try await store.repositories.appointments.create(
            Appointment(businessId: business.id, customerId: customer.id, startAt: ContractTime.chicago("2030-06-04T13:00"),
                        endAt: ContractTime.chicago("2030-06-04T14:00"), createdAt: start, updatedAt: start),
            rules: business.bookingRules, now: ContractTime.now)

        let timeline = try await store.repositories.customers.timeline(customerId: customer.id, businessId: business.id, limit: 10)
        #expect(timeline.map(\.at) == [start, start.addingTimeInterval(600), appointment.startAt])
        guard timeline.count == 3, case .call(let call) = timeline[0], case .message(let text, let channel) = timeline[1],
              case .appointment(let booked) = timeline[2]
        else { Issue.record("unexpected timeline \(timeline)"); return }
        #expect(call.sid == "CA1")
        #expect(text.body == "running late, sorry")
        #expect(channel == .sms)
        #expect(booked == appointment)

        let thread = try #require(try await store.repositories.customers.conversation(id: conversation.id, businessId: business.id))
        #expect(thread.0.channel == .sms)
        #expect(thread.1.map(\.body) == ["running late, sorry"])
        #expect(thread.1.first?.direction == .inbound)
    }

    /// Business B's calls see nothing of business A's customers, conversations or timelines, and change none.
    @Test(arguments: RepositoryBackend.all)
    func callsForAnotherBusinessSeeNothingOfIt(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let customers = store.repositories.customers
        let a = try await store.makeBusiness("business-a", settings: CRMTestApp.settings())
        let b = try await store.makeBusiness("business-b", settings: CRMTestApp.settings())
        let phone = "+15557654321"
        let secret = try await customers.create(businessId: a.id, CustomerFields(name: "A's secret customer", phone: phone,
                                                                                 address: "1 Secret Lane"))
        let conversation = try await store.receiveText(businessId: a.id, from: phone, body: "A's private text", twilioSid: "SMa")
        try await store.seedCall("CAa", business: a, caller: phone, startedAt: ContractTime.chicago("2030-06-03T09:00"))

        #expect(try await customers.get(id: secret.id, businessId: b.id) == nil)
        #expect(try await customers.list(businessId: b.id, phone: nil, text: nil, limit: 10, cursor: nil).items.isEmpty)
        #expect(try await customers.list(businessId: b.id, phone: phone, text: nil, limit: 10, cursor: nil).items.isEmpty)
        #expect(try await customers.list(businessId: b.id, phone: nil, text: "secret", limit: 10, cursor: nil).items.isEmpty)
        #expect(try await customers.conversation(id: conversation.id, businessId: b.id) == nil)
        await #expect(throws: RepositoryError.notFound) {
            _ = try await customers.timeline(customerId: secret.id, businessId: b.id, limit: 10)
        }
        await #expect(throws: RepositoryError.notFound) {
            _ = try await customers.update(id: secret.id, businessId: b.id, CustomerFields(name: "hijacked"))
        }
        await #expect(throws: RepositoryError.notFound) { try await customers.delete(id: secret.id, businessId: b.id) }

        // The same phone is a separate customer of B, whose timeline holds none of A's call or texts.
        let own = try await customers.create(businessId: b.id, CustomerFields(phone: phone))
        #expect(own.id != secret.id)
        #expect(try await customers.timeline(customerId: own.id, businessId: b.id, limit: 10).isEmpty)

        // A's rows are as they were.
        #expect(try await customers.get(id: secret.id, businessId: a.id) == secret)
        #expect(try await customers.timeline(customerId: secret.id, businessId: a.id, limit: 10).count == 2)
        #expect(try await customers.conversation(id: conversation.id, businessId: a.id)?.1.map(\.body) == ["A's private text"])
    }

    /// Two nodes creating the same phone at once: one customer, every other create a `.conflict`.
    @Test(arguments: RepositoryBackend.all)
    func concurrentCreatesOfOnePhoneMakeOneCustomer(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let other = try await store.reopened()
        let business = try await store.makeBusiness("acme")
        let nodes = [store.repositories.customers, other.repositories.customers]
        let results = await withTaskGroup(of: Result<Customer, any Error>.self) { group in
            for index in 0..<8 {
                group.addTask {
                    await Result { try await nodes[index % 2].create(businessId: business.id, CustomerFields(phone: "+15557654321")) }
                }
            }
            return await group.reduce(into: [Result<Customer, any Error>]()) { $0.append($1) }
        }
        #expect(results.compactMap { try? $0.get() }.count == 1)
        for case .failure(let error) in results {
            #expect(error as? RepositoryError == .conflict("a customer with phone +15557654321 already exists"))
        }
        #expect(try await store.count("customers") == 1)
        #expect(try await store.count("events", where: "type = ?", ["customer.created"]) == 1)
    }

    /// Two nodes giving two customers the same new phone at once: one update wins, the other is a `.conflict`.
    @Test(arguments: RepositoryBackend.all)
    func concurrentUpdatesToOnePhoneLeaveItWithOneCustomer(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let other = try await store.reopened()
        let business = try await store.makeBusiness("acme")
        let customers = store.repositories.customers
        let ids = [try await customers.create(businessId: business.id, CustomerFields(phone: "+15550001111")).id,
                   try await customers.create(businessId: business.id, CustomerFields(phone: "+15550002222")).id]
        let nodes = [customers, other.repositories.customers]
        let results = await withTaskGroup(of: Result<Customer, any Error>.self) { group in
            for index in 0..<2 {
                group.addTask {
                    await Result { try await nodes[index].update(id: ids[index], businessId: business.id,
                                                                 CustomerFields(phone: "+15550003333")) }
                }
            }
            return await group.reduce(into: [Result<Customer, any Error>]()) { $0.append($1) }
        }
        #expect(results.compactMap { try? $0.get() }.count == 1)
        for case .failure(let error) in results {
            #expect(error as? RepositoryError == .conflict("a customer with phone +15550003333 already exists"))
        }
        #expect(try await store.count("customers", where: "phone = ?", ["+15550003333"]) == 1)
    }
}
