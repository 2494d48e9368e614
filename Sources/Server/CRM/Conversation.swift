import Foundation

/// How a conversation reached the business.
public enum ConversationChannel: String, Codable, Sendable, CaseIterable {
    case voice, sms, widget
}

/// A thread of messages with one customer on one channel (one SMS thread per customer). Row of `conversations`.
public struct Conversation: Codable, Sendable, Equatable, Identifiable {
    public var id: String
    public var businessId: String
    public var customerId: String
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
}
