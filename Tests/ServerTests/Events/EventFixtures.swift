import Events
import Foundation
@testable import Server

/// Events as the writers append them, for tests of the read side (the log is filled here through
/// `EventLog.append`, a real append in its own transaction).
enum EventFixtures {
    /// A short inbound call: started, one turn (with a quote and a line break in the caller's words), ended.
    @discardableResult
    static func call(_ log: any EventLog, business: String, sid: String) async throws -> [StoredEvent] {
        try await log.append([
            EventDraft(businessId: business, stream: .call(sid),
                       CallStarted(direction: .inbound, from: "+15557654321", to: "+15550001111", customerNumber: "+15557654321")),
            EventDraft(businessId: business, stream: .call(sid),
                       CallTurnRecorded(event: "speech", callerText: "is it \"urgent\"?\nthe boiler is leaking", reply: "We can come today.",
                                        state: "FAQ", citedEntries: ["entry-1", "entry-2"], declined: false, latencyMs: 12.5)),
            EventDraft(businessId: business, stream: .call(sid),
                       CallEnded(direction: .inbound, status: "completed", outcome: "answered_question", durationSeconds: 42, isEmergency: false)),
        ])
    }

    @discardableResult
    static func customer(_ log: any EventLog, business: String, id: String) async throws -> StoredEvent {
        try await log.append([EventDraft(businessId: business, stream: .customer(id),
                                         CustomerCreated(customerId: id, phone: "+15557654321", name: "Ana Lima", source: "sms"))])[0]
    }

    @discardableResult
    static func knowledge(_ log: any EventLog, business: String, version: Int64) async throws -> StoredEvent {
        try await log.append([EventDraft(businessId: business, stream: .knowledge(businessId: business),
                                         KnowledgeChanged(kbVersion: version, operation: "upsert", entryIds: ["entry-\(version)"]))])[0]
    }
}
