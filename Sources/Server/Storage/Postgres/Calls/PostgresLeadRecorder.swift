import Events
import Foundation
import PostgresNIO

/// `LeadRecorder` on PostgreSQL: the leads and owner alerts of a call's turn or a web chat message, inside that
/// turn's transaction. Their events are added to `events` for the caller to append last (the event log's lock is
/// taken once, at the end of the transaction).
enum PostgresLeadRecorder {
    /// Inserts each lead (`lead.captured`) and lets its name and number fill in, or make, its customer; inserts each
    /// alert (`owner.alert`).
    /// - Returns: the customer of the last lead that carried a phone number, if any.
    @discardableResult
    static func record(_ connection: PostgresConnection, businessId: String, stream: EventStream, leads: [Lead],
                       alerts: [OwnerAlertRecord], at timestamp: Date, deferringEventsTo events: inout [EventDraft],
                       logger: Logger) async throws -> Customer? {
        var customer: Customer?
        for lead in leads {
            try await connection.query("""
                INSERT INTO leads (id, business_id, call_sid, reason, name, phone, address, notes, preferred_time,
                    preferred_start, preferred_end, category, severity, is_emergency, status, created_at, conversation_id)
                VALUES (\(lead.id), \(lead.businessId), \(lead.callSid), \(lead.reason.rawValue), \(lead.name),
                    \(lead.phone), \(lead.address), \(lead.notes), \(lead.preferredTime), \(lead.preferredStart),
                    \(lead.preferredEnd), \(lead.category), \(lead.severity?.rawValue), \(lead.isEmergency),
                    \(lead.status), \(lead.createdAt), \(lead.conversationId))
                """, logger: logger)
            events.append(EventDraft(
                businessId: businessId, stream: stream,
                LeadCaptured(leadId: lead.id, reason: lead.reason.rawValue, name: lead.name, phone: lead.phone,
                             isEmergency: lead.isEmergency)))
            if let phone = lead.phone, PhoneNumber.isE164(phone) {
                customer = try await PostgresCustomerDirectory.upsert(
                    connection, businessId: businessId, phone: phone, name: lead.name, source: "lead",
                    at: timestamp, deferringEventsTo: &events, logger: logger)
            }
        }
        for alert in alerts {
            let ids = try await connection.query("""
                INSERT INTO owner_alerts (business_id, call_sid, kind, callback_number, message, status, created_at)
                VALUES (\(alert.businessId), \(alert.callSid), \(alert.kind), \(alert.callbackNumber), \(alert.message),
                        \(alert.status), \(alert.createdAt))
                RETURNING id
                """, logger: logger).all(Int64.self)
            events.append(EventDraft(
                businessId: businessId, stream: stream,
                OwnerAlertRaised(alertId: ids.first, kind: alert.kind, message: alert.message,
                                 callbackNumber: alert.callbackNumber)))
        }
        return customer
    }
}
