import Events
import Foundation
import GRDB
import Receptionist

/// `MessagingRepository` on the app's SQLite database.
struct GRDBMessagingRepository: MessagingRepository {
    let database: AppDatabase

    func receive(_ text: InboundText, at timestamp: Date) async throws -> Bool {
        try await database.dbPool.write { db in
            let customer = try CustomerDirectory.upsert(db, businessId: text.businessId, phone: text.from, source: "sms",
                                                        at: timestamp)
            let conversation = try CustomerDirectory.smsConversation(db, customer: customer, at: timestamp)
            // nil: this MessageSid was stored already (a redelivery); nothing is written twice.
            guard try CustomerDirectory.append(db, to: conversation, direction: .inbound, body: text.body,
                                               twilioSid: text.messageSid, at: timestamp) != nil
            else { return false }
            try EventAppender.append(db, EventDraft(
                businessId: text.businessId, stream: .customer(customer.id),
                SMSReceived(customerId: customer.id, conversationId: conversation.id, from: text.from, body: text.body,
                            messageSid: text.messageSid, keyword: text.keyword.map(Self.name(of:)))), at: timestamp)
            switch text.keyword {
            case .optOut?: try CustomerDirectory.setSMSOptOut(db, customer: customer, optedOut: true, via: "keyword", at: timestamp)
            case .optIn?: try CustomerDirectory.setSMSOptOut(db, customer: customer, optedOut: false, via: "keyword", at: timestamp)
            case .help?, nil: break
            }
            if let reply = text.reply {
                try CustomerDirectory.append(db, to: conversation, direction: .outbound, body: reply, at: timestamp)
            }
            return true
        }
    }

    /// `opt_out`, `opt_in`, `help`: the event's spelling of a keyword.
    static func name(of keyword: SMSKeyword) -> String {
        switch keyword {
        case .optOut: "opt_out"
        case .optIn: "opt_in"
        case .help: "help"
        }
    }
}
