import Events
import Foundation

/// Texts the business's owner about what they must hear of: alerts raised on calls (emergencies, new leads) and
/// ordinary texts from customers. Idempotent by event: each text is queued with a key made from the alert's id
/// or the message's sid, so a second delivery of the event queues nothing.
struct OwnerAlertConsumer: EventConsumer {
    let name = "owner-alerts"
    let types: Set<EventType> = [.ownerAlertRaised, .smsReceived]

    let businesses: any BusinessRepository
    let customers: any CustomerRepository
    let calls: any CallRepository
    let outbox: SMSOutbox
    /// Called after a text was queued, so the work queue sends it now rather than at its next poll.
    let queued: @Sendable () -> Void

    func handle(_ event: StoredEvent) async throws {
        guard let businessId = event.businessId, let business = try await businesses.get(id: businessId) else { return }
        switch event.type {
        case .ownerAlertRaised:
            let alert = try decode(OwnerAlertRaised.self, event)
            let key = alert.alertId.map { "owner-alert:\($0)" } ?? "owner-alert:event:\(event.id)"
            let row = try await outbox.enqueueOwnerAlert(business: business, body: alert.text, dedupeKey: key)
            if let id = alert.alertId {
                try await calls.setAlertStatus(id: id, businessId: business.id,
                                               status: business.settings.ownerPhone == nil ? "no_owner_phone" : "sms_queued")
            }
            if row != nil { queued() }
        case .smsReceived:
            let text = try decode(SMSReceived.self, event)
            guard text.keyword == nil else { return }
            let name = try await customers.get(id: text.customerId, businessId: business.id)?.name
            let who = name.map { "\($0) (\(text.from))" } ?? text.from
            // Keyed by business and MessageSid: a sid reused by another business's text is that business's alert.
            if try await outbox.enqueueOwnerAlert(business: business, body: "\(business.name): text from \(who): \(text.body)",
                                                  dedupeKey: "sms-in:\(business.id):\(text.messageSid)") != nil {
                queued()
            }
        default:
            return
        }
    }

    private func decode<P: EventPayload>(_ type: P.Type, _ event: StoredEvent) throws -> P {
        do { return try event.decode(type) } catch { throw UnhandleableEvent("\(event.type.rawValue) \(event.id): \(error)") }
    }
}
