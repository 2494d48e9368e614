import Events
import Foundation
import GRDB

/// Finds or creates customers and their SMS threads inside a caller's write transaction, so that a call or a text
/// and the customer it creates commit together. Customers are merged by phone: one row per (business, E.164).
public enum CustomerDirectory {
    /// The business's customer with `phone`, created when there is none. A name fills an empty one (it never
    /// overwrites a name the business already has).
    ///
    /// A new customer appends `customer.created` (with `source`) in the same transaction.
    ///
    /// - Parameters:
    ///   - phone: E.164 (normalise first with ``PhoneNumber/normalized(_:defaultCountryCode:)``).
    ///   - source: what made the customer: `call`, `lead`, `sms`, `booking`, `api`.
    /// - Throws: `RepositoryError.invalid` when `phone` is not E.164.
    @discardableResult
    public static func upsert(_ db: Database, businessId: String, phone: String, name: String? = nil,
                              source: String, at timestamp: Date = Date()) throws -> Customer {
        guard PhoneNumber.isE164(phone) else { throw RepositoryError.invalid("phone must be E.164 (e.g. +15551234567)") }
        let name = name.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : String($0.prefix(Customer.maxFieldLength)) }
        if var existing = try customer(db, businessId: businessId, phone: phone) {
            if existing.name == nil, let name {
                existing.name = name
                existing.updatedAt = timestamp
                try existing.update(db)
            }
            return existing
        }
        let customer = Customer(businessId: businessId, name: name, phone: phone, createdAt: timestamp, updatedAt: timestamp)
        try customer.insert(db)
        try EventAppender.append(db, EventDraft(
            businessId: businessId, stream: .customer(customer.id),
            CustomerCreated(customerId: customer.id, phone: phone, name: name, source: source)), at: timestamp)
        return customer
    }

    /// The business's customer with `phone`, if any.
    public static func customer(_ db: Database, businessId: String, phone: String) throws -> Customer? {
        try Customer.filter(Column("business_id") == businessId && Column("phone") == phone).fetchOne(db)
    }

    /// The customer's SMS conversation, created when it has none.
    public static func smsConversation(_ db: Database, customer: Customer, at timestamp: Date = Date()) throws -> Conversation {
        if let existing = try Conversation
            .filter(Column("business_id") == customer.businessId && Column("customer_id") == customer.id
                    && Column("channel") == ConversationChannel.sms.rawValue)
            .fetchOne(db) {
            return existing
        }
        let conversation = Conversation(id: UUID().uuidString.lowercased(), businessId: customer.businessId,
                                        customerId: customer.id, channel: .sms, callSid: nil,
                                        createdAt: timestamp, updatedAt: timestamp)
        try conversation.insert(db)
        return conversation
    }

    /// The voice conversation of one call (made on first use): the call's transcript as messages.
    public static func voiceConversation(_ db: Database, customer: Customer, callSid: String,
                                         at timestamp: Date = Date()) throws -> Conversation {
        if let existing = try Conversation
            .filter(Column("business_id") == customer.businessId && Column("call_sid") == callSid
                    && Column("channel") == ConversationChannel.voice.rawValue)
            .fetchOne(db) {
            return existing
        }
        let conversation = Conversation(id: UUID().uuidString.lowercased(), businessId: customer.businessId,
                                        customerId: customer.id, channel: .voice, callSid: callSid,
                                        createdAt: timestamp, updatedAt: timestamp)
        try conversation.insert(db)
        return conversation
    }

    /// Appends a message to `conversation` and moves its `updatedAt`. Returns nil (writing nothing) when a message
    /// with the same Twilio sid is already stored — a redelivered webhook.
    @discardableResult
    public static func append(_ db: Database, to conversation: Conversation, direction: MessageDirection, body: String,
                              twilioSid: String? = nil, sources: [MessageSource]? = nil,
                              at timestamp: Date = Date()) throws -> ConversationMessage? {
        if let twilioSid, try ConversationMessage
            .filter(Column("business_id") == conversation.businessId && Column("twilio_sid") == twilioSid)
            .fetchCount(db) > 0 {
            return nil
        }
        var message = ConversationMessage(id: nil, conversationId: conversation.id, businessId: conversation.businessId,
                                          direction: direction, body: body, twilioSid: twilioSid, createdAt: timestamp,
                                          sources: sources)
        try message.insert(db)
        try db.execute(sql: "UPDATE conversations SET updated_at = ? WHERE id = ?", arguments: [timestamp, conversation.id])
        return message
    }

    /// Sets or clears the customer's SMS opt-out (a no-op when it already has that value); a change appends
    /// `customer.opted_out` / `customer.opted_in`.
    /// - Parameter via: `keyword` (STOP/START texted to us), `carrier` (Twilio's 21610), `api`.
    public static func setSMSOptOut(_ db: Database, customer: Customer, optedOut: Bool, via: String,
                                    at timestamp: Date = Date()) throws {
        try db.execute(sql: """
            UPDATE customers SET sms_opt_out = ?, sms_opt_out_at = ?, updated_at = ?
            WHERE id = ? AND business_id = ? AND sms_opt_out != ?
            """, arguments: [optedOut, optedOut ? timestamp : nil, timestamp, customer.id, customer.businessId, optedOut])
        guard db.changesCount > 0 else { return }
        let change = CustomerOptChanged(customerId: customer.id, optedOut: optedOut, via: via)
        try EventAppender.append(db, EventDraft(businessId: customer.businessId, stream: .customer(customer.id),
                                                type: change.eventType, change), at: timestamp)
    }
}
