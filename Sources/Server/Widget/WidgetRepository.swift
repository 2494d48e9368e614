import Events
import Foundation
import Receptionist

/// A conversation held in the web chat widget: the CRM conversation (channel `web`) with what the widget needs
/// between two messages. Row of `widget_conversations` with its `conversations` row's customer.
public struct WidgetConversation: Sendable, Equatable {
    public var conversationId: String
    public var businessId: String
    /// The ``WidgetKey`` that started it.
    public var keyId: String
    public var visitorId: String
    /// The normalised origin of the page it was started on.
    public var origin: String
    /// SHA-256 of the client's limit key (``ClientAddressResolver/limitKey(_:)``).
    public var clientHash: String
    /// The receptionist between two messages.
    public var machine: CallMachine
    /// Raised by every stored message; a message's write is conditional on the version it was answered from.
    public var version: Int64
    public var createdAt: Date
    /// The customer, once the visitor left a phone number.
    public var customerId: String?

    public init(conversationId: String, businessId: String, keyId: String, visitorId: String, origin: String,
                clientHash: String, machine: CallMachine, version: Int64, createdAt: Date, customerId: String? = nil) {
        self.conversationId = conversationId
        self.businessId = businessId
        self.keyId = keyId
        self.visitorId = visitorId
        self.origin = origin
        self.clientHash = clientHash
        self.machine = machine
        self.version = version
        self.createdAt = createdAt
        self.customerId = customerId
    }
}

/// At most `limit` events in any `window` seconds.
public struct WidgetRateLimit: Sendable, Equatable {
    public var limit: Int
    public var window: TimeInterval

    public init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    /// Given the times of the events in the window ending at `now` (any order), nil when one more is allowed, else how
    /// many seconds until the oldest of them leaves the window (at least 1).
    public func retryAfter(recent: [Date], now: Date) -> Int? {
        let inWindow = recent.filter { $0 > now.addingTimeInterval(-window) }.sorted()
        guard inWindow.count >= limit else { return nil }
        // The (count − limit + 1)-th oldest must leave the window before one more fits.
        let leaving = inWindow[inWindow.count - limit]
        return max(1, Int((leaving.addingTimeInterval(window).timeIntervalSince(now)).rounded(.up)))
    }
}

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

/// How a widget conversation's machine is kept in its text column: the JSON GRDB's records write for nested values
/// (sorted keys, dates as milliseconds), on both backends, so `frontdesk migrate` copies it as it is.
enum WidgetMachineJSON {
    static func encode(_ machine: CallMachine) throws -> String {
        let encoder = JSONEncoder()
        encoder.dataEncodingStrategy = .base64
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.nonConformingFloatEncodingStrategy = .throw
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(machine), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> CallMachine {
        let decoder = JSONDecoder()
        decoder.dataDecodingStrategy = .base64
        decoder.dateDecodingStrategy = .millisecondsSince1970
        decoder.nonConformingFloatDecodingStrategy = .throw
        return try decoder.decode(CallMachine.self, from: Data(text.utf8))
    }
}

/// A business's allowed origins as stored: a JSON array of strings.
enum WidgetOriginsJSON {
    static func encode(_ origins: [String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return String(decoding: try encoder.encode(origins), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> [String] {
        try JSONDecoder().decode([String].self, from: Data(text.utf8))
    }
}
