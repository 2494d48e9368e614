import Events
import Foundation
import Receptionist

/// A new widget conversation, ready to store: its row, the greeting, its first event.
public struct WidgetStart: Sendable {
    public var conversation: WidgetConversation
    /// The receptionist's first line.
    public var greeting: String
    /// `web.started` (the repository appends it with the rows).
    public var events: [EventDraft]
    /// New conversations per client (per business).
    public var limit: WidgetRateLimit

    public init(conversation: WidgetConversation, greeting: String, events: [EventDraft], limit: WidgetRateLimit) {
        self.conversation = conversation
        self.greeting = greeting
        self.events = events
        self.limit = limit
    }
}

/// Everything one widget message writes, in one transaction.
public struct WidgetTurnWrite: Sendable {
    /// The conversation as it is after the message (`version`: the one the answer was computed from).
    public var conversation: WidgetConversation
    public var visitorText: String
    /// The receptionist's reply (empty: none), with what it cited.
    public var reply: String
    public var sources: [MessageSource]?
    public var leads: [Lead]
    public var alerts: [OwnerAlertRecord]
    /// The turn's own events (`web.turn`, `web.emergency`); `web.ended` goes last, after the leads' and alerts'.
    public var events: [EventDraft]
    /// Messages from the visitor in this conversation.
    public var limit: WidgetRateLimit

    public init(conversation: WidgetConversation, visitorText: String, reply: String, sources: [MessageSource]?,
                leads: [Lead], alerts: [OwnerAlertRecord], events: [EventDraft], limit: WidgetRateLimit) {
        self.conversation = conversation
        self.visitorText = visitorText
        self.reply = reply
        self.sources = sources
        self.leads = leads
        self.alerts = alerts
        self.events = events
        self.limit = limit
    }
}

/// How a widget write went.
public enum WidgetWriteResult: Sendable, Equatable {
    /// Stored; the messages written, in order (the visitor's, then the reply).
    case stored([ConversationMessage])
    /// Over the limit: nothing written; retry after this many seconds.
    case limited(retryAfter: Int)
    /// The conversation changed since it was read (another message of it was stored first): read again and retry.
    case conflict
}

/// Storage of the web chat widget: publishable keys and allowed origins (managed with the business's API key) and
/// the conversations visitors hold. Every method that touches a tenant's rows takes the business id, except
/// ``access(publishableKey:)``, which finds the tenant from its key as `APIKeyRepository.authenticate` does.
public protocol WidgetRepository: Sendable {
    /// The business's active key (made on first use) and allowed origins.
    /// - Throws: `RepositoryError.notFound` when the business does not exist.
    func settings(businessId: String) async throws -> WidgetSettings
    /// Replaces the allowed origins (already normalised); returns the settings as stored.
    func setAllowedOrigins(_ origins: [String], businessId: String) async throws -> WidgetSettings
    /// Revokes the active key (and so every visitor token it issued) and makes a new one, in one transaction.
    func rotateKey(businessId: String) async throws -> WidgetSettings
    /// The active key `publishableKey` is, with its business's allowed origins; nil for an unknown or revoked key.
    func access(publishableKey: String) async throws -> WidgetSettings?

    /// Stores a new conversation (with its greeting as the first message) unless the client has started
    /// `start.limit.limit` conversations with this business within its window.
    func start(_ start: WidgetStart) async throws -> WidgetWriteResult
    /// The conversation with its messages in order; nil when it is not this business's.
    func conversation(id: String, businessId: String) async throws -> (WidgetConversation, [ConversationMessage])?
    /// When the visitor's messages of the conversation since `since` were stored (for a limit check before answering).
    func visitorMessageTimes(conversationId: String, businessId: String, since: Date) async throws -> [Date]
    /// Stores a message and its reply, leads, alerts and events, conditional on the version the reply was computed
    /// from and on the message limit; a lead's phone number links the conversation to its customer.
    func write(_ turn: WidgetTurnWrite) async throws -> WidgetWriteResult
}
