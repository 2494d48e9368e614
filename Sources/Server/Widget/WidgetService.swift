import Events
import Foundation
import Logging
import Receptionist

/// The web chat widget's conversations: a visitor's message goes through the receptionist exactly as a caller's
/// words do (``CallService/step(_:input:business:called:at:options:medium:book:)`` with `medium: .chat`: the
/// same knowledge lookup, grounded answer with its source, honest decline, emergency safety line, lead capture),
/// and the conversation is stored in the CRM as channel `web` with its events on `conversation:<id>`.
struct WidgetService: Sendable {
    let widgets: any WidgetRepository
    let businesses: any BusinessRepository
    let calls: CallService
    let logger: Logger
    let now: @Sendable () -> Date
    /// Messages of one conversation are answered one at a time (the version check remains the guard across nodes).
    private let gates = KeyedSerialGates()

    init(widgets: any WidgetRepository, businesses: any BusinessRepository, calls: CallService, logger: Logger,
         now: @escaping @Sendable () -> Date) {
        self.widgets = widgets
        self.businesses = businesses
        self.calls = calls
        self.logger = logger
        self.now = now
    }

    /// New conversations per client address (an IPv6 client's /64), per business: 6 in any 12 hours.
    static let conversationLimit = WidgetRateLimit(limit: 6, window: 12 * 3600)
    /// Visitor messages per conversation: 10 in any 60 seconds — a fast typist sends one every few seconds; a script
    /// that sends more is held back before it costs a knowledge lookup each.
    static let messageLimit = WidgetRateLimit(limit: 10, window: 60)
    /// The longest message a visitor may send, in characters.
    static let maxMessageCharacters = 2_000
    /// Attempts at a message whose conversation another node changed meanwhile.
    static let maxAttempts = 5

    /// A conversation that was just started: its token and the greeting.
    struct Started: Sendable {
        var conversation: WidgetConversation
        var token: String
        var expiresAt: Date
        var messages: [ConversationMessage]
    }

    /// Starts a conversation for a visitor on `origin` (already checked against the key's list): the receptionist's
    /// greeting and a visitor token.
    /// - Throws: ``WidgetLimitError`` when the client has started too many conversations lately.
    func start(settings: WidgetSettings, business: Business, origin: String, clientHash: String) async throws -> Started {
        let timestamp = now()
        var machine = CallMachine(callerNumber: nil)
        let called = try await businesses.numbers(ofBusiness: business.id).first ?? ""
        let turn = try await calls.step(&machine, input: .start, business: business, called: called, at: timestamp,
                                        options: VoiceOptions(), medium: .chat)
        let greeting = CallResponse.spokenText(turn.actions)
        let conversation = WidgetConversation(
            conversationId: UUID().uuidString.lowercased(), businessId: business.id, keyId: settings.key.id,
            visitorId: UUID().uuidString.lowercased(), origin: origin, clientHash: clientHash, machine: machine,
            version: 0, createdAt: timestamp)
        let started = WebConversationStarted(conversationId: conversation.conversationId, visitorId: conversation.visitorId,
                                             origin: origin, keyPrefix: settings.key.displayPrefix, greeting: greeting)
        let write = WidgetStart(conversation: conversation, greeting: greeting, events: [
            EventDraft(businessId: business.id, stream: .conversation(conversation.conversationId), started),
        ], limit: Self.conversationLimit)
        switch try await widgets.start(write) {
        case .stored(let messages):
            let expires = timestamp.addingTimeInterval(VisitorToken.lifetime)
            let token = VisitorToken(businessId: business.id, keyId: settings.key.id, visitorId: conversation.visitorId,
                                     conversationId: conversation.conversationId, origin: origin, issuedAt: timestamp,
                                     expiresAt: expires).signed(secret: settings.key.tokenSecret)
            logger.info("widget conversation started", metadata: [
                "business": "\(business.slug)", "conversation": "\(conversation.conversationId)", "origin": "\(origin)"])
            return Started(conversation: conversation, token: token, expiresAt: expires, messages: messages)
        case .limited(let retryAfter):
            logger.notice("widget conversation limit", metadata: ["business": "\(business.slug)", "origin": "\(origin)"])
            throw WidgetLimitError(code: "too_many_conversations", retryAfter: retryAfter, message:
                "this address has started \(Self.conversationLimit.limit) conversations in the last 12 hours; try again later")
        case .conflict:
            throw AppError(.serviceUnavailable, code: "conversation_busy", message: "could not start the conversation; retry")
        }
    }

    /// The conversation `token` holds, with its messages; nil when it is not there (deleted, or not the token's).
    func conversation(token: VisitorToken, business: Business) async throws -> (WidgetConversation, [ConversationMessage])? {
        guard let found = try await widgets.conversation(id: token.conversationId, businessId: business.id),
              found.0.visitorId == token.visitorId, found.0.keyId == token.keyId else { return nil }
        return found
    }

    /// Answers the visitor's message and stores both, with what the reply caused (a lead, an owner alert, an
    /// emergency). Returns the conversation after it and the two messages.
    /// - Parameter received: when the request arrived, for the turn's latency.
    func message(_ text: String, token: VisitorToken, business: Business,
                 received: ContinuousClock.Instant = .now) async throws -> (WidgetConversation, [ConversationMessage]) {
        try await gates.run(token.conversationId) {
            try await messageNow(text, token: token, business: business, received: received)
        }
    }

    private func messageNow(_ text: String, token: VisitorToken, business: Business,
                            received: ContinuousClock.Instant) async throws -> (WidgetConversation, [ConversationMessage]) {
        let called = try await businesses.numbers(ofBusiness: business.id).first ?? ""
        for _ in 0..<Self.maxAttempts {
            guard let found = try await self.conversation(token: token, business: business) else {
                throw AppError(.notFound, code: "not_found", message: "no such conversation")
            }
            var conversation = found.0
            if conversation.machine.state == .ended {
                throw AppError(.conflict, code: "conversation_ended",
                               message: "this conversation has ended; start a new one to continue")
            }
            let timestamp = now()
            // Checked before the knowledge lookup (what the limit protects), and again in the write.
            let recent = try await widgets.visitorMessageTimes(
                conversationId: conversation.conversationId, businessId: business.id,
                since: timestamp.addingTimeInterval(-Self.messageLimit.window))
            if let retryAfter = Self.messageLimit.retryAfter(recent: recent, now: timestamp) { throw Self.tooManyMessages(retryAfter) }

            let turn = try await calls.step(&conversation.machine, input: .speech(text, confidence: nil), business: business,
                                            called: called, at: timestamp, options: VoiceOptions(), medium: .chat)
            let write = Self.write(conversation: conversation, text: text, turn: turn,
                                   kbVersion: calls.knowledge.appliedVersion(businessId: business.id),
                                   latencyMs: Double((ContinuousClock.now - received) / .microseconds(1)) / 1000, at: timestamp)
            switch try await widgets.write(write) {
            case .stored(let messages):
                if let emergency = conversation.machine.emergency, turn.actions.contains(.flagEmergency(emergency)) {
                    logger.warning("emergency reported in a web chat", metadata: [
                        "conversation": "\(conversation.conversationId)", "category": "\(emergency.category.rawValue)"])
                }
                conversation.version += 1
                return (conversation, messages)
            case .limited(let retryAfter):
                throw Self.tooManyMessages(retryAfter)
            case .conflict:
                continue
            }
        }
        throw AppError(.serviceUnavailable, code: "conversation_busy", message: "the conversation is being updated; retry")
    }

    static func tooManyMessages(_ retryAfter: Int) -> WidgetLimitError {
        WidgetLimitError(code: "too_many_messages", retryAfter: retryAfter,
                         message: "at most \(messageLimit.limit) messages a minute; wait \(retryAfter) s")
    }

    /// What one answered message writes: both messages (the reply with the titles of what it cited), the leads and
    /// owner alerts the receptionist asked for, and the events — `web.turn`, `web.emergency`, and `web.ended` when
    /// the conversation ended with this reply.
    static func write(conversation: WidgetConversation, text: String, turn: TurnResult, kbVersion: Int64?,
                      latencyMs: Double?, at timestamp: Date) -> WidgetTurnWrite {
        let id = conversation.conversationId
        let stream = EventStream.conversation(id)
        let reply = CallResponse.spokenText(turn.actions)
        var cited: [Citation] = []
        var declined = false
        for action in turn.actions {
            switch action {
            case .answer(let answer, _): cited += answer.citations
            case .declined: declined = true
            default: break
            }
        }
        var sources: [MessageSource] = []
        for citation in cited where !sources.contains(where: { $0.entryId == citation.entryId }) {
            let title = turn.passages.first { $0.entryId == citation.entryId }?.title ?? ""
            sources.append(MessageSource(entryId: citation.entryId, title: title))
        }
        let (leads, alerts) = CallService.records(from: turn.actions, businessId: conversation.businessId, callSid: nil,
                                                  conversationId: id, at: timestamp)
        var events = [EventDraft(businessId: conversation.businessId, stream: stream, WebTurnRecorded(
            conversationId: id, visitorText: text, reply: reply, state: conversation.machine.state.rawValue,
            citedEntries: sources.map(\.entryId), declined: declined, latencyMs: latencyMs,
            kbVersion: sources.isEmpty ? nil : kbVersion))]
        for case .flagEmergency(let match) in turn.actions {
            events.append(EventDraft(businessId: conversation.businessId, stream: stream, type: .webEmergency, EmergencyReported(
                category: match.category.rawValue, severity: conversation.machine.lead?.severity?.rawValue, phrase: match.phrase)))
        }
        if conversation.machine.state == .ended {
            events.append(EventDraft(businessId: conversation.businessId, stream: stream, WebConversationEnded(
                conversationId: id, outcome: conversation.machine.outcome.rawValue,
                isEmergency: conversation.machine.emergency != nil)))
        }
        return WidgetTurnWrite(conversation: conversation, visitorText: text, reply: reply,
                               sources: sources.isEmpty ? nil : sources, leads: leads, alerts: alerts, events: events,
                               limit: messageLimit)
    }
}
