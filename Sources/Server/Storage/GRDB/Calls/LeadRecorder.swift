import Events
import Foundation
import GRDB

/// Stores the leads and owner alerts a conversation produced — a call's turn or a web chat message — inside that
/// turn's transaction, with their events on the conversation's stream. One place for both channels, so a lead
/// taken in the widget is stored exactly like one taken on the phone.
enum LeadRecorder {
    /// Inserts each lead (appending `lead.captured`) and lets its name and number fill in, or make, its customer;
    /// inserts each alert (appending `owner.alert`, which the `owner-alerts` consumer texts).
    /// - Returns: the customer of the last lead that carried a phone number, if any.
    @discardableResult
    static func record(_ db: Database, businessId: String, stream: EventStream, leads: [Lead],
                       alerts: [OwnerAlertRecord], at timestamp: Date) throws -> Customer? {
        var customer: Customer?
        for lead in leads {
            try lead.insert(db)
            try EventAppender.append(db, EventDraft(
                businessId: businessId, stream: stream,
                LeadCaptured(leadId: lead.id, reason: lead.reason.rawValue, name: lead.name, phone: lead.phone,
                             isEmergency: lead.isEmergency)), at: timestamp)
            if let phone = lead.phone, PhoneNumber.isE164(phone) {
                customer = try CustomerDirectory.upsert(db, businessId: businessId, phone: phone, name: lead.name,
                                                        source: "lead", at: timestamp)
            }
        }
        for var alert in alerts {
            try alert.insert(db)
            try EventAppender.append(db, EventDraft(
                businessId: businessId, stream: stream,
                OwnerAlertRaised(alertId: alert.id, kind: alert.kind, message: alert.message,
                                 callbackNumber: alert.callbackNumber)), at: timestamp)
        }
        return customer
    }
}
