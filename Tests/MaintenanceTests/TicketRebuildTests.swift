import Events
import Foundation
import Maintenance
import Testing

/// A ticket's stream as the log stores it: ids and sequences in order, payloads in the log's JSON.
private struct TicketStream {
    let ticketId: String
    let businessId = "biz-1"
    var events: [StoredEvent] = []

    mutating func append<P: EventPayload>(_ payload: P, type: EventType? = nil, at date: Date) {
        let draft = EventDraft(businessId: businessId, stream: .ticket(ticketId), type: type, payload)
        events.append(StoredEvent(id: Int64(100 + events.count), businessId: businessId, stream: draft.stream,
                                  sequence: Int64(events.count + 1), type: draft.type, payload: draft.payload, createdAt: date))
    }
}

@Suite struct TicketRebuildTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000.125)

    func opened() -> Ticket {
        Ticket(id: "t-1", businessId: "biz-1", code: "K7Q2", trade: .plumbing, priority: .urgent,
               problem: "No hot water since this morning", propertyAddress: "14 Elm St", unit: "Apt 2", postcode: "60614",
               accessWindow: "weekdays after 3pm", tenantName: "Ana Diaz", tenantPhone: "+15550102000", source: .call,
               sourceRef: "CA123", createdAt: t0, updatedAt: t0)
    }

    @Test func theStreamGivesBackTheTicketWithItsTimesAndVersion() throws {
        var expected = opened()
        var stream = TicketStream(ticketId: expected.id)
        stream.append(TicketOpened(expected, actor: TicketActor(.tenant, id: "+15550102000")), at: t0)
        #expect(try Ticket.rebuild(from: stream.events) == expected)

        // An edit: the unit cleared, the priority raised.
        var details = expected.details
        details.unit = nil
        details.priority = .emergency
        let edit = TicketUpdated(ticketId: expected.id, before: expected.details, after: details, actor: TicketActor(.admin, id: "fd_live_ab12cd34"))
        #expect(edit.changed == ["priority", "unit"])
        stream.append(edit, at: t0 + 60)
        expected.details = details
        expected.updatedAt = t0 + 60
        expected.version = 2

        stream.append(TicketStateChanged(ticketId: expected.id, from: .new, to: .vendorContacting, actor: .system,
                                         reason: nil, vendorId: nil, appointmentId: nil), at: t0 + 61)
        // Something else on the stream (a booking-loop event, say) does not change the row.
        stream.append(JobFailed(jobId: 9, kind: "sms.send", attempts: 5, error: "stand-in for another event type"), at: t0 + 90)
        stream.append(TicketStateChanged(ticketId: expected.id, from: .vendorContacting, to: .scheduled,
                                         actor: TicketActor(.vendor, id: "v-7"), reason: "accepted by text",
                                         vendorId: "v-7", appointmentId: "a-3"), at: t0 + 120)
        stream.append(TicketStateChanged(ticketId: expected.id, from: .scheduled, to: .closed, actor: TicketActor(.tenant),
                                         reason: "DONE", vendorId: "v-7", appointmentId: "a-3"), at: t0 + 7200)
        expected.state = .closed
        expected.vendorId = "v-7"
        expected.appointmentId = "a-3"
        expected.updatedAt = t0 + 7200
        expected.closedAt = t0 + 7200
        expected.version = 5
        #expect(try Ticket.rebuild(from: stream.events) == expected)
        #expect(try Ticket.rebuild(from: stream.events.reversed()) == expected, "read by sequence, whatever the order")
    }

    @Test func aStateChangeWithoutABookingClearsIt() throws {
        var stream = TicketStream(ticketId: "t-1")
        stream.append(TicketOpened(opened(), actor: .system), at: t0)
        stream.append(TicketStateChanged(ticketId: "t-1", from: .new, to: .scheduled, actor: TicketActor(.admin),
                                         reason: nil, vendorId: "v-1", appointmentId: nil), at: t0 + 1)
        stream.append(TicketStateChanged(ticketId: "t-1", from: .scheduled, to: .vendorContacting, actor: .system,
                                         reason: "vendor dropped out", vendorId: nil, appointmentId: nil), at: t0 + 2)
        let ticket = try Ticket.rebuild(from: stream.events)
        #expect(ticket.state == .vendorContacting)
        #expect(ticket.vendorId == nil)
        #expect(ticket.closedAt == nil)
        #expect(ticket.version == 3)
    }

    @Test func theStoredPayloadsNameTheirFieldsInSnakeCaseAndLeaveUnknownsOut() throws {
        var ticket = opened()
        ticket.unit = nil
        let json = EventDraft(businessId: "biz-1", stream: .ticket(ticket.id), TicketOpened(ticket, actor: .system)).payload
        #expect(json.contains(#""property_address":"14 Elm St""#))
        #expect(json.contains(#""tenant_phone":"+15550102000""#))
        #expect(json.contains(#""state":"new""#))
        #expect(json.contains(#""actor":{"kind":"system"}"#))
        #expect(!json.contains("unit"), "an unknown field is absent, not null")
        let change = EventDraft(businessId: "biz-1", stream: .ticket(ticket.id), TicketStateChanged(
            ticketId: ticket.id, from: .new, to: .vendorContacting, actor: TicketActor(.vendor, id: "v-1"), reason: "r",
            vendorId: nil, appointmentId: nil))
        #expect(change.type == .ticketStateChanged)
        #expect(change.payload == #"{"actor":{"id":"v-1","kind":"vendor"},"from":"new","reason":"r","ticket_id":"t-1","to":"vendor_contacting"}"#)
    }

    @Test func streamsThatCannotBeTicketsAreRefused() {
        #expect(throws: TicketRebuildError.self) { try Ticket.rebuild(from: []) }
        var pruned = TicketStream(ticketId: "t-1")
        pruned.append(TicketStateChanged(ticketId: "t-1", from: .new, to: .cancelled, actor: .system, reason: nil,
                                         vendorId: nil, appointmentId: nil), at: t0)
        #expect(throws: TicketRebuildError.self) { try Ticket.rebuild(from: pruned.events) }
        var inconsistent = TicketStream(ticketId: "t-1")
        inconsistent.append(TicketOpened(opened(), actor: .system), at: t0)
        inconsistent.append(TicketStateChanged(ticketId: "t-1", from: .scheduled, to: .closed, actor: .system, reason: nil,
                                               vendorId: nil, appointmentId: nil), at: t0 + 1)
        #expect(throws: TicketRebuildError.self) { try Ticket.rebuild(from: inconsistent.events) }
    }
}
