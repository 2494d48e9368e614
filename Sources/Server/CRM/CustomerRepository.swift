import Foundation

/// One entry of a customer's timeline: a call from their number, a message in one of their conversations, or an
/// appointment (at its start time).
public enum TimelineItem: Sendable, Equatable {
    case call(CallRecord)
    case message(ConversationMessage, channel: ConversationChannel)
    case appointment(Appointment)

    /// When it happened: the call's start, the message's time, the appointment's start.
    public var at: Date {
        switch self {
        case .call(let call): call.startedAt
        case .message(let message, _): message.createdAt
        case .appointment(let appointment): appointment.startAt
        }
    }
}

/// Storage of a business's customers and conversations. Every method is scoped by `businessId`: another
/// business's row is `nil` / `RepositoryError.notFound`, never visible.
public protocol CustomerRepository: Sendable {
    /// Customers in creation order; `phone` (E.164) finds one, `text` matches name, phone, email or address.
    func list(businessId: String, phone: String?, text: String?, limit: Int, cursor: String?) async throws -> Page<Customer>
    func get(id: String, businessId: String) async throws -> Customer?
    /// Creates a customer; `.conflict` when the business already has one with that phone.
    func create(businessId: String, _ fields: CustomerFields) async throws -> Customer
    func update(id: String, businessId: String, _ fields: CustomerFields) async throws -> Customer
    /// Deletes the customer with their appointments, conversations and messages (calls stay: they are the
    /// business's call log).
    func delete(id: String, businessId: String) async throws
    /// Calls from the customer's number, their messages and appointments, oldest first (at most `limit` of each).
    func timeline(customerId: String, businessId: String, limit: Int) async throws -> [TimelineItem]
    /// A conversation with its messages in order.
    func conversation(id: String, businessId: String) async throws -> (Conversation, [ConversationMessage])?
}
