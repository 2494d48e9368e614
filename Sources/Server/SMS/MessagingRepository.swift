import Foundation
import Receptionist

/// A text that reached a business's number, as the SMS webhook understood it.
public struct InboundText: Sendable, Equatable {
    public var businessId: String
    /// E.164 sender.
    public var from: String
    public var body: String
    /// Twilio's MessageSid: a redelivery with the same sid is stored once.
    public var messageSid: String
    public var keyword: SMSKeyword?
    /// The reply sent back in the webhook's TwiML, stored as an outbound message; nil for none.
    public var reply: String?

    public init(businessId: String, from: String, body: String, messageSid: String, keyword: SMSKeyword?, reply: String?) {
        self.businessId = businessId
        self.from = from
        self.body = body
        self.messageSid = messageSid
        self.keyword = keyword
        self.reply = reply
    }
}

/// Storage of texts that arrive: the sender becomes (or is) a customer, the text joins their SMS conversation,
/// keywords change their opt-out, and `sms.received` is appended — one transaction.
public protocol MessagingRepository: Sendable {
    /// - Returns: false, storing nothing, when this MessageSid was stored already for the business (a redelivery).
    func receive(_ text: InboundText, at timestamp: Date) async throws -> Bool
}
