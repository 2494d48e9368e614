import Events
import Foundation
import Receptionist
import Testing
@testable import Server

/// `WidgetRepository`'s contract, on every backend: one active key per business, rotation, origins, and widget
/// conversations — started under the per-client limit, written only over the version they were answered from and
/// under the message limit, linked to a customer by a lead's number, and scoped by business.
@Suite struct WidgetRepositoryTests {
    static func conversation(_ business: Business, key: WidgetKey, client: String = String(repeating: "a", count: 64),
                             at timestamp: Date) -> WidgetConversation {
        var machine = CallMachine(callerNumber: nil)
        _ = machine.handle(.started, policy: CallPolicy(businessName: business.name, greeting: "Hi", isOpen: true, medium: .chat))
        return WidgetConversation(conversationId: UUID().uuidString.lowercased(), businessId: business.id, keyId: key.id,
                                  visitorId: UUID().uuidString.lowercased(), origin: "https://example.com",
                                  clientHash: client, machine: machine, version: 0, createdAt: timestamp)
    }

    static func start(_ store: RepositoryStore, _ conversation: WidgetConversation,
                      limit: WidgetRateLimit = WidgetService.conversationLimit) async throws -> WidgetWriteResult {
        try await store.repositories.widget.start(WidgetStart(
            conversation: conversation, greeting: "Hi", events: [EventDraft(
                businessId: conversation.businessId, stream: .conversation(conversation.conversationId),
                WebConversationStarted(conversationId: conversation.conversationId, visitorId: conversation.visitorId,
                                       origin: conversation.origin, keyPrefix: "pk_x", greeting: "Hi"))],
            limit: limit))
    }

    static func turn(_ conversation: WidgetConversation, text: String = "hello", leads: [Lead] = []) -> WidgetTurnWrite {
        WidgetTurnWrite(conversation: conversation, visitorText: text, reply: "Hi there",
                        sources: [MessageSource(entryId: "e1", title: "Opening hours")], leads: leads, alerts: [],
                        events: [EventDraft(businessId: conversation.businessId, stream: .conversation(conversation.conversationId),
                                            WebTurnRecorded(conversationId: conversation.conversationId, visitorText: text,
                                                            reply: "Hi there", state: "FAQ", citedEntries: ["e1"],
                                                            declined: false, latencyMs: nil))],
                        limit: WidgetService.messageLimit)
    }

    @Test(arguments: RepositoryBackend.all)
    func aBusinessHasOneActiveKeyUntilItIsRotated(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let widget = store.repositories.widget
        let business = try await store.makeBusiness("acme")
        let first = try await widget.settings(businessId: business.id)
        #expect(first.allowedOrigins.isEmpty)
        #expect(WidgetKey.looksLikeKey(first.key.key))
        #expect(try await widget.settings(businessId: business.id).key == first.key)
        #expect(try await widget.access(publishableKey: first.key.key) == first)

        let set = try await widget.setAllowedOrigins(["https://example.com"], businessId: business.id)
        #expect(set.allowedOrigins == ["https://example.com"] && set.key == first.key)
        #expect(try await widget.access(publishableKey: first.key.key)?.allowedOrigins == ["https://example.com"])

        let rotated = try await widget.rotateKey(businessId: business.id)
        #expect(rotated.key.key != first.key.key && rotated.key.tokenSecret != first.key.tokenSecret)
        #expect(rotated.allowedOrigins == ["https://example.com"])
        #expect(try await widget.access(publishableKey: first.key.key) == nil)
        #expect(try await widget.access(publishableKey: rotated.key.key)?.key == rotated.key)
        #expect(try await store.count("widget_keys", where: "business_id = ? AND revoked_at IS NULL", [business.id]) == 1)
        #expect(try await store.count("widget_keys", where: "business_id = ?", [business.id]) == 2)

        await #expect(throws: RepositoryError.self) { try await widget.settings(businessId: "no-such-business") }
    }

    @Test(arguments: RepositoryBackend.all)
    func aConversationStartsInTheCRMWithoutACustomerUnderTheClientLimit(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let business = try await store.makeBusiness("acme")
        let key = try await store.repositories.widget.settings(businessId: business.id).key
        let limit = WidgetRateLimit(limit: 2, window: 3600)
        let first = Self.conversation(business, key: key, at: clock.read())
        guard case .stored(let greeting) = try await Self.start(store, first, limit: limit) else {
            Issue.record("not started")
            return
        }
        #expect(greeting.map(\.body) == ["Hi"] && greeting.map(\.direction) == [.outbound])
        let (read, messages) = try #require(try await store.repositories.widget.conversation(id: first.conversationId,
                                                                                               businessId: business.id))
        #expect(read == first)
        #expect(messages.map(\.body) == ["Hi"])
        let (crm, _) = try #require(try await store.repositories.customers.conversation(id: first.conversationId,
                                                                                         businessId: business.id))
        #expect(crm.channel == .web && crm.customerId == nil)

        clock.advance(by: 600)
        guard case .stored = try await Self.start(store, Self.conversation(business, key: key, at: clock.read()), limit: limit) else {
            Issue.record("the second was limited")
            return
        }
        clock.advance(by: 600)
        // Two in the hour: the third waits until the first is an hour old (40 minutes from now).
        #expect(try await Self.start(store, Self.conversation(business, key: key, at: clock.read()), limit: limit)
                == .limited(retryAfter: 2400))
        // Another client is counted on its own.
        let other = Self.conversation(business, key: key, client: String(repeating: "b", count: 64), at: clock.read())
        guard case .stored = try await Self.start(store, other, limit: limit) else {
            Issue.record("another client was limited")
            return
        }
        #expect(try await store.count("widget_conversations") == 3)
        #expect(try await store.count("events", where: "type = ?", ["web.started"]) == 3)

        // Another business sees none of it.
        let stranger = try await store.makeBusiness("stranger")
        #expect(try await store.repositories.widget.conversation(id: first.conversationId, businessId: stranger.id) == nil)
        #expect(try await store.repositories.customers.conversation(id: first.conversationId, businessId: stranger.id) == nil)
    }

    @Test(arguments: RepositoryBackend.all)
    func aMessageIsWrittenOverItsVersionUnderTheLimitAndALeadLinksTheCustomer(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let widget = store.repositories.widget
        let business = try await store.makeBusiness("acme")
        let key = try await widget.settings(businessId: business.id).key
        var conversation = Self.conversation(business, key: key, at: clock.read())
        _ = try await Self.start(store, conversation)

        clock.advance(by: 5)
        guard case .stored(let written) = try await widget.write(Self.turn(conversation)) else {
            Issue.record("not written")
            return
        }
        #expect(written.map(\.body) == ["hello", "Hi there"])
        #expect(written.map(\.direction) == [.inbound, .outbound])
        #expect(written.last?.sources == [MessageSource(entryId: "e1", title: "Opening hours")])
        // The same version again (a concurrent message answered from the same state): a conflict, nothing written.
        #expect(try await widget.write(Self.turn(conversation, text: "again")) == .conflict)
        conversation.version = 1

        // A lead with a number makes the customer, and the conversation becomes theirs.
        var draft = LeadDraft(reason: .message, name: "Jon Smith", phone: "+13125550199")
        draft.notes = "pool pump"
        let lead = Lead(draft: draft, businessId: business.id, callSid: nil, conversationId: conversation.conversationId,
                        createdAt: clock.read())
        clock.advance(by: 5)
        guard case .stored = try await widget.write(Self.turn(conversation, text: "my number is 312 555 0199", leads: [lead])) else {
            Issue.record("lead not written")
            return
        }
        let (read, messages) = try #require(try await widget.conversation(id: conversation.conversationId, businessId: business.id))
        #expect(read.version == 2)
        #expect(messages.map(\.body) == ["Hi", "hello", "Hi there", "my number is 312 555 0199", "Hi there"])
        #expect(messages[2].sources?.first?.title == "Opening hours")
        let customer = try #require(try await store.repositories.customers.list(
            businessId: business.id, phone: "+13125550199", text: nil, limit: 1, cursor: nil).items.first)
        #expect(read.customerId == customer.id && customer.name == "Jon Smith")
        let leads = try await store.repositories.calls.leads(businessId: business.id, limit: 10, cursor: nil).items
        #expect(leads.map(\.conversationId) == [conversation.conversationId])
        let events = try await store.repositories.events.events(EventQuery(
            businessId: business.id, stream: .conversation(conversation.conversationId)))
        #expect(events.map(\.type) == [.webStarted, .webTurn, .webTurn, .leadCaptured])
        #expect(events.map(\.sequence) == [1, 2, 3, 4])

        // Eight more messages fill the minute (ten in all): the next is limited until the first leaves it.
        conversation.version = 2
        for index in 0..<8 {
            guard case .stored = try await widget.write(Self.turn(conversation, text: "message \(index)")) else {
                Issue.record("message \(index) not written")
                return
            }
            conversation.version += 1
        }
        #expect(try await widget.visitorMessageTimes(conversationId: conversation.conversationId, businessId: business.id,
                                                     since: clock.read().addingTimeInterval(-60)).count == 10)
        #expect(try await widget.write(Self.turn(conversation, text: "one too many")) == .limited(retryAfter: 55))
        #expect(try await store.count("messages", where: "body = ?", ["one too many"]) == 0)
        // Another business's id writes nothing.
        let stranger = try await store.makeBusiness("stranger")
        var foreign = conversation
        foreign.businessId = stranger.id
        clock.advance(by: 60)
        #expect(try await widget.write(Self.turn(foreign, text: "intruder")) == .conflict)
        #expect(try await store.count("messages", where: "body = ?", ["intruder"]) == 0)
    }
}
