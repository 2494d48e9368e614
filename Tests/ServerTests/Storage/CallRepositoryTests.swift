import Events
import Foundation
import Receptionist
import Testing
@testable import Server

/// `CallRepository`'s contract, on every backend: one transaction per turn (call, transcript, leads, alerts, the
/// caller as a customer and conversation, events in order), the version check, idempotency receipts, paging,
/// and scoping by business. The concurrency rules are in `CallRepositoryTests+Concurrency.swift`.
@Suite struct CallRepositoryTests {
    static let start = Date(timeIntervalSince1970: 1_795_000_000)
    static let caller = "+15557654321"

    static func call(_ sid: String, business: Business, caller: String? = CallRepositoryTests.caller,
                     at time: Date = start) -> CallRecord {
        let machine = CallMachine(callerNumber: caller)
        return CallRecord(sid: sid, businessId: business.id, caller: caller, called: "+15550100000", status: "in-progress",
                          state: machine.state, machine: machine, version: 0, outcome: nil, isEmergency: false,
                          emergencyCategory: nil, startedAt: time, endedAt: nil, durationSeconds: nil)
    }

    static func turn(_ sid: String, _ speaker: TurnSpeaker, _ text: String, event: String = "speech",
                     at time: Date = start) -> CallTurn {
        CallTurn(id: nil, callSid: sid, seq: 0, speaker: speaker, text: text, event: event,
                 asrConfidence: speaker == .caller ? 0.9 : nil, state: .faq, citations: nil, answerConfidence: nil,
                 declined: false, latencyMs: speaker == .receptionist ? 4.5 : nil, createdAt: time)
    }

    /// A new call's write: its greeting turn and `call.started`.
    static func starting(_ call: CallRecord, token: String? = nil, response: String = "<Response/>") -> TurnWrite {
        var write = TurnWrite(call: call, isNewCall: true, turns: [turn(call.sid, .receptionist, "Hello, Rapid Rooter.", event: "started")],
                              leads: [], alerts: [], idempotencyToken: token, response: response)
        write.events = [EventDraft(businessId: call.businessId, stream: .call(call.sid),
                                   CallStarted(direction: .inbound, from: call.caller, to: call.called, customerNumber: call.customerNumber))]
        return write
    }

    /// A turn over `call` as read (its version): the caller's words and the reply.
    static func turning(_ call: CallRecord, _ words: String, token: String? = nil, response: String = "<Response/>") -> TurnWrite {
        var next = call
        next.callerTurns += 1
        return TurnWrite(call: next, isNewCall: false,
                         turns: [turn(call.sid, .caller, words), turn(call.sid, .receptionist, "Reply to \(words)")],
                         leads: [], alerts: [], idempotencyToken: token, response: response)
    }

    @Test(arguments: RepositoryBackend.all)
    func aTurnStoresTheCallTranscriptLeadsAlertsAndTheCallersConversation(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let calls = store.repositories.calls
        let business = try await store.makeBusiness("rapid-rooter")
        let call = Self.call("CA1", business: business)
        #expect(try await calls.write(Self.starting(call)) == .stored)
        let started = try #require(try await calls.call(sid: "CA1"))
        #expect(started == call, "read back as written, at version 0")
        // The caller became a customer, and the call their voice conversation, line by line.
        #expect(try await store.count("customers", where: "business_id = ? AND phone = ?", [business.id, Self.caller]) == 1)
        #expect(try await store.count("conversations", where: "call_sid = ? AND channel = 'voice'", ["CA1"]) == 1)
        #expect(try await store.count("messages", where: "business_id = ?", [business.id]) == 1)

        var write = Self.turning(started, "my sink is leaking, call me back on 555 000 2222")
        write.call.machine = CallMachine(callerNumber: "+15550002222")
        write.call.questionsAnswered = 2
        write.call.citedEntries = "e1;e2"
        write.turns[1].citations = [Citation(entryId: "e1", chunkId: 7, score: 0.031, similarity: 0.82)]
        write.turns[1].answerConfidence = 0.82
        var lead = Lead(draft: LeadDraft(reason: .unanswered, name: "Jo Lee", phone: "+15550002222", notes: "sink"),
                        businessId: business.id, callSid: "CA1", createdAt: Self.start.addingTimeInterval(5))
        lead.preferredStart = Self.start.addingTimeInterval(86_400)
        write.leads = [lead]
        write.alerts = [OwnerAlertRecord(id: nil, businessId: business.id, callSid: "CA1", kind: "callback",
                                         callbackNumber: "+15550002222", message: "Jo Lee wants a call back", status: "queued",
                                         createdAt: Self.start.addingTimeInterval(5))]
        #expect(try await calls.write(write) == .stored)

        let stored = try #require(try await calls.call(sid: "CA1"))
        var expected = write.call
        expected.version = 1
        #expect(stored == expected)
        let turns = try await calls.turns(callSid: "CA1")
        #expect(turns.map(\.seq) == [0, 1, 2])
        #expect(turns.map(\.speaker) == [.receptionist, .caller, .receptionist])
        #expect(turns.allSatisfy { $0.id != nil })
        #expect(turns[2].citations == write.turns[1].citations)
        #expect(turns[2].latencyMs == 4.5)
        #expect(turns[1].asrConfidence == 0.9)
        #expect(try await calls.leads(callSid: "CA1") == [lead])
        let alerts = try await calls.alerts(callSid: "CA1")
        #expect(alerts.count == 1)
        #expect(alerts.first?.id != nil)
        #expect(alerts.first?.message == "Jo Lee wants a call back")
        // The lead's number is a second customer, named from the lead; both lines joined the conversation.
        #expect(try await store.count("customers", where: "business_id = ? AND phone = ? AND name = 'Jo Lee'",
                                      [business.id, "+15550002222"]) == 1)
        #expect(try await store.count("messages", where: "business_id = ?", [business.id]) == 3)
        // Events in SQLite's order: the lead, then the customer it made, then the alert.
        #expect(try await store.count("events", where: "type = 'call.started'") == 1)
        #expect(try await store.count("events", where: "type = 'customer.created'") == 2)
        #expect(try await store.count("events", where: """
            type = 'lead.captured' AND stream = 'call:CA1'
            AND id < (SELECT max(id) FROM events WHERE type = 'customer.created')
            AND (SELECT max(id) FROM events WHERE type = 'customer.created') < (SELECT min(id) FROM events WHERE type = 'owner.alert')
            """) == 1)

        // The call's end closes its stream: appended after everything else of the turn, wherever it was listed.
        var ending = TurnWrite(call: stored, isNewCall: false, turns: [Self.turn("CA1", .caller, "", event: "hangup:completed")],
                               leads: [], alerts: [], idempotencyToken: nil, response: "")
        ending.call.status = "completed"
        ending.call.endedAt = Self.start.addingTimeInterval(60)
        ending.call.durationSeconds = 60
        ending.call.outcome = .leadCaptured
        ending.events = [
            EventDraft(businessId: business.id, stream: .call("CA1"), CallEnded(
                direction: .inbound, status: "completed", outcome: "lead_captured", durationSeconds: 60, isEmergency: false)),
            EventDraft(businessId: business.id, stream: .call("CA1"), CallStatusChanged(status: "completed", sequenceNumber: 3)),
        ]
        ending.alerts = [OwnerAlertRecord(id: nil, businessId: business.id, callSid: "CA1", kind: "missed", callbackNumber: nil,
                                          message: "Call ended", status: "queued", createdAt: Self.start.addingTimeInterval(60))]
        #expect(try await calls.write(ending) == .stored)
        #expect(try await store.count("events", where: """
            type = 'call.ended' AND id > (SELECT max(id) FROM events WHERE type = 'owner.alert')
            AND (SELECT max(id) FROM events WHERE type = 'call.status') < (SELECT max(id) FROM events WHERE type = 'owner.alert')
            """) == 1)
        #expect(try await calls.turns(callSid: "CA1").map(\.seq) == [0, 1, 2, 3])
        #expect(try await store.count("messages", where: "business_id = ?", [business.id]) == 3, "an empty line is no message")
        #expect(try await calls.call(sid: "CA1")?.outcome == .leadCaptured)
        #expect(try await calls.call(sid: "CA1")?.version == 2)
    }

    /// A turn computed from a version that is no longer the call's writes nothing (no turn, lead, event or
    /// receipt); a call started twice is a conflict the second time.
    @Test(arguments: RepositoryBackend.all)
    func aStaleVersionIsAConflictAndWritesNothing(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let calls = store.repositories.calls
        let business = try await store.makeBusiness("rapid-rooter")
        let call = Self.call("CA1", business: business)
        #expect(try await calls.write(Self.starting(call)) == .stored)
        #expect(try await calls.write(Self.starting(call, token: "again")) == .conflict)
        #expect(try await calls.response(forIdempotencyToken: "again") == nil)
        #expect(try await calls.write(Self.turning(call, "first")) == .stored)

        let events = try await store.count("events")
        var stale = Self.turning(call, "second", token: "stale")
        stale.leads = [Lead(draft: LeadDraft(reason: .message, name: "Stale"), businessId: business.id, callSid: "CA1",
                            createdAt: Self.start)]
        stale.events = [EventDraft(businessId: business.id, stream: .call("CA1"), CallStatusChanged(status: "ringing", sequenceNumber: nil))]
        #expect(try await calls.write(stale) == .conflict)
        #expect(try await calls.turns(callSid: "CA1").count == 3)
        #expect(try await calls.leads(callSid: "CA1").isEmpty)
        #expect(try await store.count("events") == events)
        #expect(try await calls.response(forIdempotencyToken: "stale") == nil, "the receipt rolled back with the turn")
        #expect(try await calls.call(sid: "CA1")?.version == 1)
    }

    /// A webhook delivered again (same idempotency token) writes nothing and gets the reply sent the first time,
    /// whatever it would answer now.
    @Test(arguments: RepositoryBackend.all)
    func aRedeliveredWebhookGetsTheFirstReply(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let calls = store.repositories.calls
        let business = try await store.makeBusiness("rapid-rooter")
        let call = Self.call("CA1", business: business)
        #expect(try await calls.write(Self.starting(call, token: "tok-start", response: "<Response>hi</Response>")) == .stored)
        #expect(try await calls.write(Self.starting(call, token: "tok-start", response: "<Response>other</Response>"))
            == .duplicate(response: "<Response>hi</Response>"))
        #expect(try await calls.write(Self.turning(call, "hello", token: "tok-1", response: "<Response>one</Response>")) == .stored)
        let stored = try #require(try await calls.call(sid: "CA1"))
        // Redelivered after the call moved on: still the first reply, not a conflict, and no second turn.
        #expect(try await calls.write(Self.turning(stored, "hello", token: "tok-1", response: "<Response>two</Response>"))
            == .duplicate(response: "<Response>one</Response>"))
        #expect(try await calls.response(forIdempotencyToken: "tok-1") == "<Response>one</Response>")
        #expect(try await calls.response(forIdempotencyToken: "unknown") == nil)
        #expect(try await calls.turns(callSid: "CA1").count == 3)
        #expect(try await calls.call(sid: "CA1")?.version == 1)
        // What a turn reads first: the stored reply for a handled token, else the call (nil when unknown).
        guard case .reply(let reply) = try await calls.call(sid: "CA1", unlessAnswered: "tok-1") else {
            Issue.record("a handled token gives its reply"); return
        }
        #expect(reply == "<Response>one</Response>")
        guard case .call(let fresh) = try await calls.call(sid: "CA1", unlessAnswered: "tok-new"),
              case .call(let untokened) = try await calls.call(sid: "CA1", unlessAnswered: nil),
              case .call(let unknown) = try await calls.call(sid: "CA-unknown", unlessAnswered: "tok-other")
        else { Issue.record("an unhandled token gives the call"); return }
        #expect(fresh == stored && untokened == stored)
        #expect(unknown == nil)
    }

    /// A machine holding dates (a booking's time window) reads back equal after a turn's conditional update: the
    /// update encodes the JSON exactly as the read decodes it.
    @Test(arguments: RepositoryBackend.all)
    func aMachineWithDatesSurvivesATurnWrite(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let calls = store.repositories.calls
        let business = try await store.makeBusiness("rapid-rooter")
        let policy = CallPolicy(businessName: "Rapid Rooter", greeting: "Hi", isOpen: false, now: Self.start,
                                timeZone: TimeZone(identifier: "America/Chicago")!)
        var machine = CallMachine(callerNumber: Self.caller)
        _ = machine.handle(.started, policy: policy)
        var call = Self.call("CAdates", business: business)
        call.machine = machine
        call.state = machine.state
        #expect(try await calls.write(TurnWrite(call: call, isNewCall: true, turns: [], leads: [], alerts: [],
                                                idempotencyToken: nil, response: "")) == .stored)
        _ = machine.handle(.heard(Utterance(text: "can someone come out tomorrow morning", confidence: 0.9)), policy: policy)
        let window = try #require(machine.lead?.timeWindow)
        call.machine = machine
        call.state = machine.state
        #expect(try await calls.write(TurnWrite(call: call, isNewCall: false, turns: [], leads: [], alerts: [],
                                                idempotencyToken: nil, response: "")) == .stored)
        let stored = try #require(try await calls.call(sid: "CAdates"))
        #expect(stored.machine == machine)
        #expect(stored.machine.lead?.timeWindow == window)
        #expect(stored.version == 1)
    }

    @Test(arguments: RepositoryBackend.all)
    func callsAndLeadsPageNewestFirstWithoutGapsOrRepeats(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let calls = store.repositories.calls
        let business = try await store.makeBusiness("rapid-rooter")
        let other = try await store.makeBusiness("other")
        for index in 0..<5 {
            for owner in [business, other] {
                var call = Self.call("CA\(owner.slug)\(index)", business: owner, caller: nil,
                                     at: Self.start.addingTimeInterval(Double(index / 2) * 60))
                call.status = "completed"
                var lead = Lead(draft: LeadDraft(reason: .message, name: "Caller \(index)"), businessId: owner.id,
                                callSid: call.sid, createdAt: call.startedAt)
                lead.id = "lead-\(owner.slug)-\(index)"
                #expect(try await calls.write(TurnWrite(call: call, isNewCall: true, turns: [], leads: [lead], alerts: [],
                                                        idempotencyToken: nil, response: "")) == .stored)
            }
        }
        var sids: [String] = [], leadIds: [String] = []
        var cursor: String?, leadCursor: String?
        repeat {
            let page = try await calls.calls(businessId: business.id, limit: 2, cursor: cursor)
            sids += page.items.map(\.sid)
            cursor = page.nextCursor
        } while cursor != nil
        repeat {
            let page = try await calls.leads(businessId: business.id, limit: 2, cursor: leadCursor)
            leadIds += page.items.map(\.id)
            leadCursor = page.nextCursor
        } while leadCursor != nil
        // Newest first; equal times in descending id order; only this business's rows.
        #expect(sids == ["CArapid-rooter4", "CArapid-rooter3", "CArapid-rooter2", "CArapid-rooter1", "CArapid-rooter0"])
        #expect(leadIds == ["lead-rapid-rooter-4", "lead-rapid-rooter-3", "lead-rapid-rooter-2", "lead-rapid-rooter-1",
                            "lead-rapid-rooter-0"])
        await #expect(throws: RepositoryError.self) { _ = try await calls.calls(businessId: business.id, limit: 2, cursor: "garbage") }
    }

    @Test(arguments: RepositoryBackend.all)
    func alertStatusesAndTwilioTokensAreTheBusinesss(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let calls = store.repositories.calls
        let business = try await store.makeBusiness("rapid-rooter")
        let other = try await store.makeBusiness("other")
        var write = Self.starting(Self.call("CA1", business: business))
        write.alerts = [OwnerAlertRecord(id: nil, businessId: business.id, callSid: "CA1", kind: "emergency", callbackNumber: nil,
                                         message: "Burst pipe", status: "queued", createdAt: Self.start)]
        #expect(try await calls.write(write) == .stored)
        let alertId = try #require(try await calls.alerts(callSid: "CA1").first?.id)
        try await calls.setAlertStatus(id: alertId, businessId: other.id, status: "sms_queued")
        #expect(try await calls.alerts(callSid: "CA1").first?.status == "queued", "another business cannot touch it")
        try await calls.setAlertStatus(id: alertId, businessId: business.id, status: "sms_queued")
        #expect(try await calls.alerts(callSid: "CA1").first?.status == "sms_queued")

        #expect(try await calls.twilioAuthToken(businessId: business.id) == nil)
        try await calls.setTwilioAuthToken("token-1", businessId: business.id)
        try await calls.setTwilioAuthToken("token-2", businessId: business.id)
        try await calls.setTwilioAuthToken("their-token", businessId: other.id)
        #expect(try await calls.twilioAuthToken(businessId: business.id) == "token-2")
        try await calls.setTwilioAuthToken(nil, businessId: business.id)
        #expect(try await calls.twilioAuthToken(businessId: business.id) == nil)
        #expect(try await calls.twilioAuthToken(businessId: other.id) == "their-token")
        await #expect(throws: RepositoryError.notFound) { try await calls.setTwilioAuthToken("x", businessId: "no-such-business") }
        await #expect(throws: RepositoryError.notFound) { try await calls.setTwilioAuthToken(nil, businessId: "no-such-business") }
    }
}
