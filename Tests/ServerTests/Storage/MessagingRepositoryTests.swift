import Events
import Foundation
import Receptionist
import Testing
@testable import Server

/// `MessagingRepository`'s contract, on every backend: a text that arrives makes (or finds) its customer, joins
/// their SMS conversation, applies its keyword and appends `sms.received`, in one transaction; a redelivered
/// MessageSid stores nothing.
@Suite struct MessagingRepositoryTests {
    static let phone = "+15557654321"
    static let at = Date(timeIntervalSince1970: 1_750_000_000)

    static func text(_ business: Business, _ body: String, sid: String, from: String = phone, keyword: SMSKeyword? = nil,
                     reply: String? = nil) -> InboundText {
        InboundText(businessId: business.id, from: from, body: body, messageSid: sid, keyword: keyword, reply: reply)
    }

    static func customer(_ store: RepositoryStore, _ business: Business, phone: String = phone) async throws -> Customer? {
        try await store.repositories.customers.list(businessId: business.id, phone: phone, text: nil, limit: 1, cursor: nil)
            .items.first
    }

    /// The customer's SMS thread, through their timeline.
    static func thread(_ store: RepositoryStore, _ business: Business, _ customer: Customer) async throws -> [ConversationMessage] {
        try await store.repositories.customers.timeline(customerId: customer.id, businessId: business.id, limit: 100)
            .compactMap { item in
                guard case .message(let message, let channel) = item, channel == .sms else { return nil }
                return message
            }
    }

    @Test(arguments: RepositoryBackend.all)
    func aTextMakesItsCustomerJoinsTheirThreadAndIsStoredOnce(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let messages = store.repositories.messages
        let business = try await store.makeBusiness("acme")

        #expect(try await messages.receive(Self.text(business, "is Tuesday free?", sid: "SM1", reply: "We'll text you back"),
                                           at: Self.at))
        let customer = try #require(try await Self.customer(store, business))
        #expect(customer.name == nil)
        #expect(customer.createdAt == Self.at)
        #expect(!customer.smsOptOut)
        let thread = try await Self.thread(store, business, customer)
        #expect(thread.map(\.body) == ["is Tuesday free?", "We'll text you back"])
        #expect(thread.map(\.direction) == [.inbound, .outbound])
        #expect(thread.map(\.twilioSid) == ["SM1", nil])
        #expect(thread.allSatisfy { $0.createdAt == Self.at && $0.businessId == business.id })

        let created = try await store.repositories.events.events(EventQuery(
            businessId: business.id, stream: .customer(customer.id), types: [.customerCreated]))
        #expect(try created.map { try $0.decode(CustomerCreated.self) }
                == [CustomerCreated(customerId: customer.id, phone: Self.phone, name: nil, source: "sms")])
        let received = try await store.repositories.events.events(EventQuery(
            businessId: business.id, stream: .customer(customer.id), types: [.smsReceived]))
        #expect(try received.map { try $0.decode(SMSReceived.self) } == [SMSReceived(
            customerId: customer.id, conversationId: try #require(thread.first).conversationId, from: Self.phone,
            body: "is Tuesday free?", messageSid: "SM1", keyword: nil)])

        // Twilio delivers it again: nothing is stored twice, no event, no second reply.
        #expect(try await !messages.receive(Self.text(business, "is Tuesday free?", sid: "SM1", reply: "We'll text you back"),
                                            at: Self.at.addingTimeInterval(5)))
        #expect(try await Self.thread(store, business, customer).count == 2)
        #expect(try await store.count("messages") == 2)
        #expect(try await store.count("events", where: "type = ?", [EventType.smsReceived.rawValue]) == 1)

        // The next text joins the same thread, after the first.
        #expect(try await messages.receive(Self.text(business, "or Wednesday", sid: "SM2"), at: Self.at.addingTimeInterval(60)))
        #expect(try await Self.thread(store, business, customer).map(\.body)
                == ["is Tuesday free?", "We'll text you back", "or Wednesday"])
        #expect(try await store.count("conversations") == 1)
        #expect(try await store.count("customers") == 1)
    }

    @Test(arguments: RepositoryBackend.all)
    func aKnownCustomerKeepsTheirDetailsAndThread(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let business = try await store.makeBusiness("acme")
        let ann = try await store.repositories.customers.create(businessId: business.id, CustomerFields(
            name: "Ann Lee", phone: Self.phone, address: "1 Elm Road"))
        #expect(try await store.repositories.messages.receive(Self.text(business, "running late", sid: "SM1"), at: Self.at))
        let stored = try #require(try await store.repositories.customers.get(id: ann.id, businessId: business.id))
        #expect(stored == ann, "a text changes nothing on the customer")
        #expect(try await Self.thread(store, business, ann).map(\.body) == ["running late"])
        #expect(try await store.count("events", where: "type = ?", [EventType.customerCreated.rawValue]) == 1,
                "only the API's create")
    }

    @Test(arguments: RepositoryBackend.all)
    func keywordsOptOutAndInOnceAndAreNamedInTheEvent(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let messages = store.repositories.messages
        let business = try await store.makeBusiness("acme")
        let stopAt = Self.at.addingTimeInterval(10)

        #expect(try await messages.receive(Self.text(business, "STOP", sid: "SM1", keyword: .optOut), at: stopAt))
        var customer = try #require(try await Self.customer(store, business))
        #expect(customer.smsOptOut)
        #expect(customer.smsOptOutAt == stopAt)
        #expect(try await store.repositories.outbox.isOptedOut(businessId: business.id, phone: Self.phone))
        // A second STOP is stored as a message but changes nothing.
        #expect(try await messages.receive(Self.text(business, "stop", sid: "SM2", keyword: .optOut),
                                           at: stopAt.addingTimeInterval(10)))
        #expect(try await Self.customer(store, business)?.smsOptOutAt == stopAt)
        #expect(try await messages.receive(Self.text(business, "HELP", sid: "SM3", keyword: .help,
                                                     reply: "reply STOP to stop texts"), at: stopAt.addingTimeInterval(20)))
        #expect(try await Self.customer(store, business)?.smsOptOut == true, "HELP is not START")
        #expect(try await messages.receive(Self.text(business, "START", sid: "SM4", keyword: .optIn,
                                                     reply: "you will get texts from us again"), at: stopAt.addingTimeInterval(30)))
        customer = try #require(try await Self.customer(store, business))
        #expect(!customer.smsOptOut)
        #expect(customer.smsOptOutAt == nil)

        let changes = try await store.repositories.events.events(EventQuery(
            businessId: business.id, stream: .customer(customer.id), types: CustomerOptChanged.types))
        #expect(try changes.map { try $0.decode(CustomerOptChanged.self) } == [
            CustomerOptChanged(customerId: customer.id, optedOut: true, via: "keyword"),
            CustomerOptChanged(customerId: customer.id, optedOut: false, via: "keyword"),
        ])
        let received = try await store.repositories.events.events(EventQuery(
            businessId: business.id, stream: .customer(customer.id), types: [.smsReceived]))
        #expect(try received.map { try $0.decode(SMSReceived.self).keyword } == ["opt_out", "opt_out", "help", "opt_in"])
        #expect(try await Self.thread(store, business, customer).map(\.body)
                == ["STOP", "stop", "HELP", "reply STOP to stop texts", "START", "you will get texts from us again"])
    }

    /// One phone texting two businesses is a customer of each; one business's texts, opt-outs and MessageSids are
    /// never another's.
    @Test(arguments: RepositoryBackend.all)
    func textsToEachBusinessStayWithIt(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let messages = store.repositories.messages
        let a = try await store.makeBusiness("business-a")
        let b = try await store.makeBusiness("business-b")
        #expect(try await messages.receive(Self.text(a, "A's text", sid: "SM1"), at: Self.at))
        #expect(try await messages.receive(Self.text(b, "STOP", sid: "SM2", keyword: .optOut), at: Self.at))
        // The same MessageSid at another business is that business's first delivery, not a redelivery.
        #expect(try await messages.receive(Self.text(b, "B's text", sid: "SM1"), at: Self.at.addingTimeInterval(1)))

        let customerA = try #require(try await Self.customer(store, a))
        let customerB = try #require(try await Self.customer(store, b))
        #expect(customerA.id != customerB.id)
        #expect(!customerA.smsOptOut, "opting out of B's texts is not opting out of A's")
        #expect(customerB.smsOptOut)
        #expect(try await Self.thread(store, a, customerA).map(\.body) == ["A's text"])
        #expect(try await Self.thread(store, b, customerB).map(\.body) == ["STOP", "B's text"])
        #expect(try await store.repositories.events.events(EventQuery(businessId: a.id, types: [.smsReceived])).count == 1)
    }

    @Test(arguments: RepositoryBackend.all)
    func aTextFromANumberThatIsNotE164IsRefused(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let business = try await store.makeBusiness("acme")
        await #expect(throws: RepositoryError.invalid("phone must be E.164 (e.g. +15551234567)")) {
            _ = try await store.repositories.messages.receive(Self.text(business, "hi", sid: "SM1", from: "555-0100"), at: Self.at)
        }
        #expect(try await store.count("messages") == 0)
        #expect(try await store.count("customers") == 0)
    }

    /// Twilio retrying a slow webhook: one text delivered to two nodes at once is stored once (one customer, one
    /// thread, one message, one event), and only one delivery says it stored it.
    @Test(arguments: RepositoryBackend.all)
    func oneTextDeliveredToTwoNodesAtOnceIsStoredOnce(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let other = try await store.reopened()
        let business = try await store.makeBusiness("acme")
        let nodes = [store.repositories.messages, other.repositories.messages]
        let stored = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<8 {
                group.addTask {
                    try await nodes[index % 2].receive(Self.text(business, "STOP", sid: "SM1", keyword: .optOut,
                                                                 reply: "unsubscribed"), at: Self.at)
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(stored.filter { $0 }.count == 1)
        #expect(try await store.count("customers") == 1)
        #expect(try await store.count("conversations") == 1)
        #expect(try await store.count("messages") == 2, "the text and its one reply")
        #expect(try await store.count("events", where: "type = ?", [EventType.smsReceived.rawValue]) == 1)
        #expect(try await store.count("events", where: "type = ?", [EventType.customerOptedOut.rawValue]) == 1)
        #expect(try await store.count("events", where: "type = ?", [EventType.customerCreated.rawValue]) == 1)
    }

    /// A new customer's first texts arriving at two nodes at once make one customer with one thread holding them all.
    @Test(arguments: RepositoryBackend.all)
    func aNewCustomersTextsAtTwoNodesAtOnceMakeOneCustomerAndThread(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let other = try await store.reopened()
        let business = try await store.makeBusiness("acme")
        let nodes = [store.repositories.messages, other.repositories.messages]
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<8 {
                group.addTask {
                    try await nodes[index % 2].receive(Self.text(business, "text \(index)", sid: "SM\(index)"), at: Self.at)
                }
            }
            for try await stored in group { #expect(stored) }
        }
        let customer = try #require(try await Self.customer(store, business))
        #expect(try await store.count("customers") == 1)
        #expect(try await store.count("conversations") == 1)
        #expect(Set(try await Self.thread(store, business, customer).map(\.body)) == Set((0..<8).map { "text \($0)" }))
        #expect(try await store.count("events", where: "type = ?", [EventType.customerCreated.rawValue]) == 1)
    }
}
