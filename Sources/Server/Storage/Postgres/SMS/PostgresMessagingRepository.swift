import Events
import Foundation
import PostgresNIO
import Receptionist

/// `MessagingRepository` on PostgreSQL.
///
/// Several nodes: Twilio may deliver one text to two nodes at once (a retry after a slow answer). Every step is an
/// insert that a unique key settles — the customer by (business, phone), the SMS thread by (business, customer),
/// the message by (business, MessageSid) — so the second delivery waits for the first's commit, finds the message
/// stored and writes nothing.
struct PostgresMessagingRepository: MessagingRepository {
    let database: PGDatabase

    func receive(_ text: InboundText, at timestamp: Date) async throws -> Bool {
        let logger = database.logger
        return try await database.write { connection in
            let customer = try await PostgresCustomerDirectory.upsert(
                connection, businessId: text.businessId, phone: text.from, source: "sms", at: timestamp, logger: logger)
            let conversation = try await PostgresCustomerDirectory.smsConversation(
                connection, customer: customer, at: timestamp, logger: logger)
            // nil: this MessageSid was stored already (a redelivery); nothing is written twice.
            guard try await PostgresCustomerDirectory.append(
                connection, to: conversation, direction: .inbound, body: text.body, twilioSid: text.messageSid,
                at: timestamp, logger: logger) != nil
            else { return false }
            try await PostgresEventAppender.append(connection, EventDraft(
                businessId: text.businessId, stream: .customer(customer.id),
                SMSReceived(customerId: customer.id, conversationId: conversation.id, from: text.from, body: text.body,
                            messageSid: text.messageSid, keyword: text.keyword.map(Self.name(of:)))),
                at: timestamp, logger: logger)
            switch text.keyword {
            case .optOut?:
                try await PostgresCustomerDirectory.setSMSOptOut(connection, customer: customer, optedOut: true, via: "keyword",
                                                                 at: timestamp, logger: logger)
            case .optIn?:
                try await PostgresCustomerDirectory.setSMSOptOut(connection, customer: customer, optedOut: false, via: "keyword",
                                                                 at: timestamp, logger: logger)
            case .help?, nil:
                break
            }
            if let reply = text.reply {
                try await PostgresCustomerDirectory.append(connection, to: conversation, direction: .outbound, body: reply,
                                                           at: timestamp, logger: logger)
            }
            return true
        }
    }

    /// `opt_out`, `opt_in`, `help`: the event's spelling of a keyword (as `GRDBMessagingRepository.name(of:)`; the
    /// contract tests check both backends write the same).
    static func name(of keyword: SMSKeyword) -> String {
        switch keyword {
        case .optOut: "opt_out"
        case .optIn: "opt_in"
        case .help: "help"
        }
    }
}
