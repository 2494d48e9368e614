import Events
import Foundation
import Testing
@testable import Server

/// `OutboxRepository`'s contract, on every backend: a text, its job and its events in one write; what delivery
/// reads (sender number, opt-out) scoped by business.
@Suite struct OutboxRepositoryTests {
    static let customerPhone = "+15557654321"
    static let ownerPhone = "+15550109999"

    @Test(arguments: RepositoryBackend.all)
    func aTextIsQueuedOnceWithItsSendJobAndEvent(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let outbox = store.repositories.outbox
        let business = try await store.makeBusiness("acme", numbers: ["+15550100000"])
        let customer = try await store.repositories.customers.create(businessId: business.id,
                                                                     CustomerFields(phone: Self.customerPhone))
        let text = OutgoingText(businessId: business.id, to: Self.customerPhone, body: "See you at 9", kind: .customer,
                                dedupeKey: "reminder:apt-1")
        let row = try #require(try await outbox.enqueue(text, at: clock.read()))
        let id = try #require(row.id)
        #expect(row.status == .queued)
        #expect(row.attempts == 0)
        #expect(row.createdAt == clock.read())
        #expect(try await outbox.row(id: id) == row)
        #expect(try await outbox.enqueue(text, at: clock.read()) == nil, "the same key queues nothing")

        let jobs = try await store.repositories.jobs.jobs(kind: SMSSendJob.kind)
        #expect(jobs.map(\.dedupeKey) == ["sms:\(id)"])
        #expect(jobs.first?.businessId == business.id)
        #expect(try jobs.first?.decode(SMSSendJob.Payload.self).outboxId == id)
        let events = try await store.repositories.events.events(EventQuery(businessId: business.id,
                                                                           stream: .customer(customer.id), types: [.smsQueued]))
        #expect(try events.map { try $0.decode(SMSDeliveryChanged.self) }
                == [SMSDeliveryChanged(outboxId: id, to: Self.customerPhone, kind: "customer")])

        await #expect(throws: RepositoryError.invalid("to must be E.164")) {
            _ = try await outbox.enqueue(OutgoingText(businessId: business.id, to: "555-0100", body: "x", kind: .owner),
                                         at: clock.read())
        }
        #expect(try await store.count("sms_outbox") == 1)
    }

    @Test(arguments: RepositoryBackend.all)
    func finishingRecordsTheAttemptAndAFinalResultAppendsItsEvent(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let outbox = store.repositories.outbox
        let business = try await store.makeBusiness("acme", numbers: ["+15550100000"])
        let row = try #require(try await outbox.enqueue(
            OutgoingText(businessId: business.id, to: Self.ownerPhone, body: "New lead", kind: .owner), at: clock.read()))
        let id = try #require(row.id)

        try await outbox.finish(row, status: .queued, attempts: 1, error: "HTTP 503", twilioSid: nil, at: clock.read())
        var stored = try #require(try await outbox.row(id: id))
        #expect(stored.status == .queued)
        #expect(stored.attempts == 1)
        #expect(stored.lastError == "HTTP 503")

        clock.advance(by: 30)
        try await outbox.finish(stored, status: .sent, attempts: 2, error: nil, twilioSid: "SM123", at: clock.read())
        stored = try #require(try await outbox.row(id: id))
        #expect(stored.status == .sent)
        #expect(stored.attempts == 2)
        #expect(stored.lastError == nil)
        #expect(stored.twilioSid == "SM123")
        #expect(stored.sentAt == clock.read())

        let events = try await store.repositories.events.events(EventQuery(businessId: business.id,
                                                                           stream: .owner(businessId: business.id)))
        #expect(events.map(\.type) == [.smsQueued, .smsSent], "a transient error appends nothing")
        #expect(try events.last?.decode(SMSDeliveryChanged.self).twilioSid == "SM123")
    }

    @Test(arguments: RepositoryBackend.all)
    func theSenderNumberAndOptOutsAreTheBusinesss(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let outbox = store.repositories.outbox
        let a = try await store.makeBusiness("acme", numbers: ["+15550100002", "+15550100001"])
        let b = try await store.makeBusiness("other")
        #expect(try await outbox.senderNumber(businessId: a.id) == "+15550100001", "the first number")
        #expect(try await outbox.senderNumber(businessId: b.id) == nil)

        let ann = try await store.repositories.customers.create(businessId: a.id, CustomerFields(phone: Self.customerPhone))
        #expect(try await !outbox.isOptedOut(businessId: a.id, phone: Self.customerPhone))
        try await outbox.markOptedOut(businessId: a.id, phone: Self.customerPhone, via: "carrier", at: clock.read())
        try await outbox.markOptedOut(businessId: a.id, phone: Self.customerPhone, via: "carrier", at: clock.read())
        #expect(try await outbox.isOptedOut(businessId: a.id, phone: Self.customerPhone))
        #expect(try await store.repositories.customers.get(id: ann.id, businessId: a.id)?.smsOptOut == true)
        // Another business's customer with that number is untouched, and a number with no customer is a no-op.
        #expect(try await !outbox.isOptedOut(businessId: b.id, phone: Self.customerPhone))
        try await outbox.markOptedOut(businessId: b.id, phone: Self.customerPhone, via: "carrier", at: clock.read())
        #expect(try await store.repositories.customers.list(businessId: b.id, phone: nil, text: nil, limit: 10,
                                                            cursor: nil).items.isEmpty)

        let events = try await store.repositories.events.events(EventQuery(businessId: a.id, stream: .customer(ann.id),
                                                                           types: [.customerOptedOut]))
        #expect(try events.map { try $0.decode(CustomerOptChanged.self) }
                == [CustomerOptChanged(customerId: ann.id, optedOut: true, via: "carrier")], "once: the second changed nothing")
    }

    /// Two nodes queueing one key at once (a reminder's sweep and its timer): one text, one job, one event.
    @Test(arguments: RepositoryBackend.all)
    func oneKeyQueuedAtTwoNodesAtOnceQueuesOneText(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let other = try await store.reopened(clock: clock)
        let business = try await store.makeBusiness("acme", numbers: ["+15550100000"])
        let nodes = [store.repositories.outbox, other.repositories.outbox]
        let rows = try await withThrowingTaskGroup(of: SMSOutboxRow?.self) { group in
            for index in 0..<8 {
                group.addTask {
                    try await nodes[index % 2].enqueue(OutgoingText(businessId: business.id, to: Self.customerPhone,
                                                                    body: "See you at 9", kind: .customer,
                                                                    dedupeKey: "reminder:apt-1"), at: clock.read())
                }
            }
            return try await group.reduce(into: [SMSOutboxRow?]()) { $0.append($1) }
        }
        #expect(rows.compactMap { $0 }.count == 1)
        #expect(try await store.count("sms_outbox") == 1)
        #expect(try await store.count("jobs") == 1)
        #expect(try await store.count("events", where: "type = ?", [EventType.smsQueued.rawValue]) == 1)
    }
}
