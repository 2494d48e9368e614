import Foundation

/// A visitor opened the web chat widget on an allowed page: the conversation began (stream `conversation:<id>`).
public struct WebConversationStarted: EventPayload {
    public static let type = EventType.webStarted
    public var conversationId: String
    /// The visitor's id, as the visitor token carries it.
    public var visitorId: String
    /// The page's origin (scheme://host[:port]).
    public var origin: String
    /// The display prefix of the publishable key the widget used.
    public var keyPrefix: String
    /// The receptionist's greeting.
    public var greeting: String
    public init(conversationId: String, visitorId: String, origin: String, keyPrefix: String, greeting: String) {
        self.conversationId = conversationId
        self.visitorId = visitorId
        self.origin = origin
        self.keyPrefix = keyPrefix
        self.greeting = greeting
    }
}

/// One message of a web chat visitor and the receptionist's reply.
public struct WebTurnRecorded: EventPayload {
    public static let type = EventType.webTurn
    public var conversationId: String
    public var visitorText: String
    public var reply: String
    /// The conversation's state after the turn (the receptionist's `CallState`).
    public var state: String
    /// Knowledge entries the reply cited.
    public var citedEntries: [String]
    /// The knowledge base had no good enough answer.
    public var declined: Bool
    /// Server time from the request to the stored reply.
    public var latencyMs: Double?
    /// The business's `kb_version` the node answered from, when the reply cited entries.
    public var kbVersion: Int64?
    public init(conversationId: String, visitorText: String, reply: String, state: String, citedEntries: [String],
                declined: Bool, latencyMs: Double?, kbVersion: Int64? = nil) {
        self.conversationId = conversationId
        self.visitorText = visitorText
        self.reply = reply
        self.state = state
        self.citedEntries = citedEntries
        self.declined = declined
        self.latencyMs = latencyMs
        self.kbVersion = kbVersion
    }
}

/// A web chat conversation ended: how it went (`answered_question`, `lead_captured`, `emergency`, `abandoned`).
public struct WebConversationEnded: EventPayload {
    public static let type = EventType.webEnded
    public var conversationId: String
    public var outcome: String
    public var isEmergency: Bool
    public init(conversationId: String, outcome: String, isEmergency: Bool) {
        self.conversationId = conversationId
        self.outcome = outcome
        self.isEmergency = isEmergency
    }
}
