import Foundation

/// How a conversation reached the business.
public enum ConversationChannel: String, Codable, Sendable, CaseIterable {
    /// A phone call (the call's transcript, line by line).
    case voice
    /// The customer's text thread.
    case sms
    /// The web chat widget on the business's site (`docs/widget.md`).
    case web
}

/// A thread of messages with one customer on one channel (one SMS thread per customer). Row of `conversations`.
public struct Conversation: Codable, Sendable, Equatable, Identifiable {
    public var id: String
    public var businessId: String
    /// The customer; nil only for a web conversation whose visitor has not left a phone number.
    public var customerId: String?
    public var channel: ConversationChannel
    /// The call a voice conversation belongs to.
    public var callSid: String?
    public var createdAt: Date
    /// Time of the latest message.
    public var updatedAt: Date
}

public enum MessageDirection: String, Codable, Sendable {
    /// From the customer.
    case inbound
    /// To the customer.
    case outbound
}

/// A knowledge entry a reply cited, with its title as it was when the reply was given.
public struct MessageSource: Codable, Sendable, Equatable {
    public var entryId: String
    public var title: String

    public init(entryId: String, title: String) {
        self.entryId = entryId
        self.title = title
    }

    // Spelled out: the same snake_case keys in the stored JSON (`messages.sources`) and in API responses.
    enum CodingKeys: String, CodingKey {
        case entryId = "entry_id"
        case title
    }
}

/// One message of a conversation. Row of `messages`.
public struct ConversationMessage: Codable, Sendable, Equatable {
    public var id: Int64?
    public var conversationId: String
    public var businessId: String
    public var direction: MessageDirection
    public var body: String
    /// Twilio's MessageSid, when Twilio carried it.
    public var twilioSid: String?
    public var createdAt: Date
    /// The knowledge a reply was drawn from (web replies); nil when it cited nothing.
    public var sources: [MessageSource]?

    public init(id: Int64?, conversationId: String, businessId: String, direction: MessageDirection, body: String,
                twilioSid: String?, createdAt: Date, sources: [MessageSource]? = nil) {
        self.id = id
        self.conversationId = conversationId
        self.businessId = businessId
        self.direction = direction
        self.body = body
        self.twilioSid = twilioSid
        self.createdAt = createdAt
        self.sources = sources
    }
}
