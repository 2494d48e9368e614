import Foundation
import Testing
@testable import Events

@Suite struct EventPayloadTests {
    @Test func payloadRoundTripsAsSnakeCaseJSON() throws {
        let ended = CallEnded(direction: .outbound, status: "completed", outcome: "lead_captured", durationSeconds: 42,
                              isEmergency: false)
        let draft = EventDraft(businessId: "b1", stream: .call("CA1"), ended)
        #expect(draft.type == .callEnded)
        #expect(draft.payload == #"{"direction":"outbound","duration_seconds":42,"is_emergency":false,"outcome":"lead_captured","status":"completed"}"#)
        let stored = StoredEvent(id: 7, businessId: "b1", stream: draft.stream, sequence: 3, type: draft.type,
                                 payload: draft.payload, createdAt: Date(timeIntervalSince1970: 0))
        #expect(try stored.decode(CallEnded.self) == ended)
    }

    @Test func datesKeepMilliseconds() throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000.125)
        let booked = AppointmentRecorded(appointmentId: "a", customerId: "c", startAt: start,
                                         endAt: start.addingTimeInterval(3600), status: "booked", service: nil,
                                         isEmergency: false, callSid: nil)
        let json = EventCoding.encode(booked)
        #expect(json.contains(#""start_at":"2027-01-15T08:00:00.125Z""#))
        let back = try EventCoding.decode(AppointmentRecorded.self, from: json)
        #expect(abs(back.startAt.timeIntervalSince(start)) < 0.001)
    }

    @Test func decodingAsAnotherTypeFails() {
        let stored = StoredEvent(id: 1, businessId: nil, stream: .job(1), sequence: 1, type: .jobFailed,
                                 payload: EventCoding.encode(JobFailed(jobId: 1, kind: "k", attempts: 5, error: "e")),
                                 createdAt: Date())
        #expect(throws: EventCoding.WrongType.self) { try stored.decode(CallEnded.self) }
        #expect((try? stored.decode(JobFailed.self))?.attempts == 5)
    }

    @Test func sharedPayloadsAcceptEachOfTheirTypes() throws {
        let sent = EventDraft(businessId: "b", stream: .customer("c"), type: .smsSent,
                              SMSDeliveryChanged(outboxId: 3, to: "+15550001111", kind: "customer", twilioSid: "SM1"))
        #expect(sent.type == .smsSent)
        let stored = StoredEvent(id: 1, businessId: "b", stream: sent.stream, sequence: 1, type: .smsSent,
                                 payload: sent.payload, createdAt: Date())
        #expect(try stored.decode(SMSDeliveryChanged.self).twilioSid == "SM1")
        #expect(CustomerOptChanged(customerId: "c", optedOut: false, via: "keyword").eventType == .customerOptedIn)
    }

    @Test(arguments: [
        ("call:CA123", true), ("customer:0f1e", true), ("knowledge:b1", true), ("call:", false), (":x", false),
        ("callCA", false), ("call:CA 1", false), ("x", false),
    ])
    func streamNames(raw: String, valid: Bool) {
        #expect(EventStream.isValid(raw) == valid)
    }

    @Test func streamKindAndFactories() {
        #expect(EventStream.call("CA9").rawValue == "call:CA9")
        #expect(EventStream.call("CA9").kind == "call")
        #expect(EventStream.knowledge(businessId: "b").rawValue == "knowledge:b")
        #expect(EventStream.job(12).rawValue == "job:12")
    }

    @Test func everyTypeHasAUniqueDottedName() {
        let names = EventType.allCases.map(\.rawValue)
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { $0.contains(".") })
    }
}
