import Events
import Foundation
import GRDB
import Testing
@testable import Server

/// Kills a real `frontdesk serve` process with SIGKILL while eight simulated Twilio callers and a knowledge writer
/// keep it busy, then checks the event log in the file: every acknowledged change has its events (in the same
/// transaction as the change), streams are numbered without gaps. Restarted on the same file — with the consumers'
/// checkpoints set back, so already-handled events are handed again — the consumers catch up: one summary job per
/// ended call, one owner text per alert, nothing skipped, nothing doubled.
@Suite(.serialized, .timeLimit(.minutes(10)))  // a hang guard, not a timing assertion
struct EventCrashTests {
    static let number = "+15550100000"
    static let ownerPhone = "+15550100999"
    /// The live consumers and the event types each handles (`OwnerAlertConsumer`, `PostCallConsumer`).
    static let consumers: [String: Set<EventType>] = [
        "owner-alerts": [.ownerAlertRaised, .smsReceived],
        "post-call": [.callEnded],
    ]
    /// Verification off (no signatures to compute), and no Twilio account: owner texts wait in the queue, nothing
    /// leaves the machine.
    static let environment = [
        "FRONTDESK_TWILIO_VERIFY": "off", "FRONTDESK_TWILIO_ACCOUNT_SID": "", "FRONTDESK_TWILIO_AUTH_TOKEN": "",
    ]

    /// A business answering `number`, with an owner to alert and an API key, made in the file before a server opens it.
    static func makeBusiness(databasePath: String) async throws -> (id: String, key: String) {
        let database = try AppDatabase(path: databasePath)
        defer { try? database.close() }
        var settings = ReceptionistSettings(greeting: "Thanks for calling Crash Test Plumbing. How can I help?")
        settings.ownerPhone = ownerPhone
        let business = try await GRDBBusinessRepository(database: database).create(NewBusiness(
            slug: "crash-events", name: "Crash Test Plumbing", timeZone: "America/Chicago", settings: settings,
            numbers: [number]))
        return (business.id, try await GRDBAPIKeyRepository(database: database).rotate(businessId: business.id))
    }

    @Test func killDashNineLosesNoEventAndConsumersCatchUpOnceAfterRestart() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("frontdesk.sqlite")
        let (businessId, key) = try await Self.makeBusiness(databasePath: path)

        let ledger = Ledger()
        let server = try LiveServer(databasePath: path, environment: Self.environment)
        let seeded = try await server.json("POST", "/v1/knowledge", key: key, [
            "title": "Opening hours and prices",
            "content": "We are open Monday to Saturday from 7 a.m. to 6 p.m. A new 50 gallon water heater costs 1,450 dollars installed.",
        ])
        #expect(seeded.status == 201)
        await ledger.knowledgeAcknowledged(try #require(seeded.json["id"] as? String))

        // Eight callers and a writer, bounded by count and time; SIGKILL at a random moment. No task is cancelled:
        // each stops at its first failed request.
        let began = ContinuousClock.now
        let deadline = began + .seconds(30)
        let callers = (0..<8).map { index in
            Task { await Self.caller(index, port: server.port, number: Self.number, businessId: businessId, ledger: ledger,
                                     maxCalls: 300, deadline: deadline) }
        }
        let writer = Task { await Self.knowledgeWriter(server: server, key: key, ledger: ledger, maxWrites: 500, deadline: deadline) }
        // The kill comes 1.5–4 s in, but not before eight calls have ended (on a slow, shared machine), so that there is
        // something to check.
        try await Task.sleep(until: began + .milliseconds(Int.random(in: 1500...4000)), clock: .continuous)
        while await ledger.callsEnded < 8, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        let killAfter = ContinuousClock.now - began
        server.kill9()
        for caller in callers { await caller.value }
        await writer.value
        let traffic = ContinuousClock.now - began

        let calls = await ledger.calls
        let knowledge = await ledger.knowledgeAcknowledged
        let unexpected = await ledger.unexpected
        #expect(unexpected.isEmpty, "\(unexpected.prefix(5))")
        #expect(calls.values.filter(\.endAcknowledged).count >= 8, "too little traffic before the kill to test anything")

        // The log as the kill left it.
        let database = try AppDatabase(path: path)
        let killed = try await LogState.read(database, businessId: businessId)
        try Self.checkLog(killed, calls: calls, knowledge: knowledge, knowledgeSent: await ledger.knowledgeSent + 1,
                          businessId: businessId)

        // What the consumers had done: everything up to a checkpoint was handled.
        let alertsBefore = Set(try killed.alertIds().compactMap { $0 })
        for (consumer, checkpoint) in killed.checkpoints {
            let handled = killed.events.filter { $0.id <= checkpoint && Self.consumers[consumer]?.contains($0.type) == true }
            for event in handled where event.type == .callEnded {
                let queued = killed.summaryKeys.contains("summary:\(event.stream.id)")
                #expect(queued, "post-call passed event \(event.id) without queueing its job")
            }
            for event in handled where event.type == .ownerAlertRaised {
                let alertId = try #require(try event.decode(OwnerAlertRaised.self).alertId)
                let queued = killed.ownerTextKeys.contains("owner-alert:\(alertId)")
                #expect(queued, "owner-alerts passed event \(event.id) without queueing its text")
            }
        }
        // Set every consumer back to half its checkpoint, so that events it handled are handed again (with those it
        // handled after its last checkpoint before the kill), and restart on the same file.
        let (setBack, again) = try await Self.setCheckpointsBack(database, killed)
        #expect(again.values.reduce(0, +) > 0, "no handled event is handed again: \(again)")
        try database.close()
        let (restarted, final, catchUp) = try await Self.restartAndCatchUp(path: path, businessId: businessId, setBack: setBack)
        defer { restarted.stop() }
        try Self.checkEffects(final, before: killed, alertsBefore: alertsBefore)

        // Once more, now that every consumer has handled everything: kill the caught-up server, set the consumers back
        // to half the log and restart. Every event after that is handed again, and nothing changes.
        restarted.kill9()
        let settledDatabase = try AppDatabase(path: path)
        let settled = try await LogState.read(settledDatabase, businessId: businessId)
        let (setBackAgain, againAgain) = try await Self.setCheckpointsBack(settledDatabase, settled)
        #expect(againAgain.allSatisfy { $0.value > 0 }, "a consumer has no handled event to be handed again: \(againAgain)")
        try settledDatabase.close()
        let (replaying, replayed, replayCatchUp) = try await Self.restartAndCatchUp(path: path, businessId: businessId,
                                                                                   setBack: setBackAgain)
        defer { replaying.stop() }
        Self.expectUnchanged(replayed.events, settled.events, "the log, after events were handed again")
        Self.expectUnchanged(replayed.ownerTexts, settled.ownerTexts, "the owner's texts, after events were handed again")
        Self.expectUnchanged(replayed.summaryJobs, settled.summaryJobs, "the summary jobs, after events were handed again")
        let statusesKept = replayed.alertStatuses == settled.alertStatuses
        #expect(statusesKept, "alert statuses changed when events were handed again")

        let ended = final.events(.callEnded).count, alerts = final.events(.ownerAlertRaised).count
        print("""
            event crash test: killed after \(killAfter) (traffic \(traffic)): \(killed.events.count) events, \
            \(calls.count) calls (\(ended) ended), \(alerts) owner alerts, \(knowledge.count) knowledge writes acknowledged; \
            checkpoints at the kill \(killed.checkpoints) of \(killed.lastEventId), \(killed.summaryKeys.count) summary jobs \
            and \(killed.ownerTextKeys.count) owner texts queued. Restart 1: set back to \(setBack), \(again) handled events \
            handed again, caught up in \(catchUp), \(final.events.count) events. Restart 2: set back to \(setBackAgain), \
            \(againAgain) handed again, caught up in \(replayCatchUp)
            """)
    }

    /// The log right after the kill against what the server acknowledged.
    static func checkLog(_ log: LogState, calls: [String: CallLog], knowledge: [String], knowledgeSent: Int,
                         businessId: String) throws {
        #expect(log.events.allSatisfy { $0.businessId == businessId })
        // Every stream is numbered 1…n in log order.
        for (stream, events) in Dictionary(grouping: log.events, by: \.stream) {
            #expect(events.map(\.sequence) == Array(1...Int64(events.count)), "stream \(stream) has gaps or repeats")
        }

        let streams = log.callStreams
        for (sid, call) in calls {
            let events = streams[sid] ?? []
            if call.startAcknowledged {
                #expect(events.first?.type == .callStarted, "acknowledged call \(sid) has no call.started")
            }
            let said = try events.filter { $0.type == .callTurn }.map { try $0.decode(CallTurnRecorded.self) }
                .filter { $0.event == "speech" }.map { $0.callerText ?? "" }
            // Every acknowledged turn is there; at most the one in flight at the kill beyond them.
            #expect(Array(said.prefix(call.speechAcknowledged.count)) == call.speechAcknowledged,
                    "call \(sid): acknowledged speech \(call.speechAcknowledged), logged \(said)")
            #expect(Array(call.speechSent.prefix(said.count)) == said, "call \(sid): logged \(said), sent \(call.speechSent)")
            let ends = events.filter { $0.type == .callEnded }
            #expect(ends.count <= 1 && (ends.isEmpty || call.endSent), "call \(sid): \(ends.count) call.ended")
            if call.endAcknowledged {
                #expect(ends.count == 1 && events.last?.type == .callEnded, "acknowledged end of \(sid) is not in the log")
            }
        }
        #expect(Set(streams.keys).isSubset(of: calls.keys), "a call stream the callers never started")

        // The rows and their events were written together: one call.started per call row, one call.ended per
        // ended call, one lead.captured per lead, one owner.alert per alert row.
        expectSame(log.events(.callStarted).map(\.stream.id), Array(log.calls.keys), "call.started events vs calls rows")
        expectSame(log.events(.callEnded).map(\.stream.id), Array(log.calls.filter(\.value).keys), "call.ended events vs ended calls")
        expectSame(try log.events(.leadCaptured).map { try $0.decode(LeadCaptured.self).leadId }, log.leadIds,
                   "lead.captured events vs leads rows")
        let alertIds = try log.alertIds()
        #expect(alertIds.allSatisfy { $0 != nil }, "an owner.alert raised on a call names no alert")
        expectSame(alertIds.compactMap { $0 }, Array(log.alertCalls.keys), "owner.alert events vs owner_alerts rows")
        for event in log.events(.ownerAlertRaised) {
            let alertId = try #require(try event.decode(OwnerAlertRaised.self).alertId)
            #expect(log.alertCalls[alertId] == event.stream.id, "alert \(alertId) is on another call than its event")
        }

        // Knowledge: every acknowledged write names its entry; versions 1…N without gaps, N the business's.
        let changes = try log.events(.knowledgeChanged).map { try $0.decode(KnowledgeChanged.self) }
        #expect(log.events(.knowledgeChanged).allSatisfy { $0.stream == .knowledge(businessId: businessId) })
        #expect(changes.map(\.kbVersion) == (0..<Int64(changes.count)).map { $0 + 1 }, "kb_version has gaps or repeats")
        #expect(Int64(changes.count) == log.kbVersion)
        #expect(changes.count >= knowledge.count && changes.count <= knowledgeSent)
        let named = Set(changes.flatMap(\.entryIds))
        for id in knowledge { #expect(named.contains(id), "acknowledged knowledge entry \(id) has no knowledge.changed") }
    }

    /// The consumers' effects once they caught up after the restart: exactly one per event, and what existed before
    /// the restart unchanged (the events handed again did nothing).
    static func checkEffects(_ log: LogState, before: LogState, alertsBefore: Set<Int64>) throws {
        // Post-call: one call.summary job per ended call, none without one.
        let endedCalls = log.events(.callEnded).map(\.stream.id)
        #expect(Set(endedCalls).count == endedCalls.count)
        expectSame(log.summaryKeys, endedCalls.map { "summary:\($0)" }, "call.summary jobs vs call.ended events")
        // Owner alerts: one text to the owner per alert, none without one; every alert marked queued.
        let alertIds = try log.alertIds().compactMap { $0 }
        expectSame(log.ownerTextKeys, alertIds.map { "owner-alert:\($0)" }, "owner texts vs owner.alert events")
        #expect(log.ownerTexts.allSatisfy { $0.contains("|\(ownerPhone)|") })
        let notQueued = log.alertStatuses.filter { $0.value != "sms_queued" }
        #expect(notQueued.isEmpty, "alerts the consumer did not handle: \(notQueued.prefix(5))")
        #expect(Set(log.alertStatuses.keys) == alertsBefore, "alerts appeared or vanished after the restart")
        // Redelivery changed nothing that existed: the same rows, with the same ids, bodies and times.
        expectUnchanged(Array(log.summaryJobs.prefix(before.summaryJobs.count)), before.summaryJobs, "summary jobs from before the restart")
        expectUnchanged(Array(log.ownerTexts.prefix(before.ownerTexts.count)), before.ownerTexts, "owner texts from before the restart")
        // The restart appended only the events of the texts it queued.
        let appended = log.events.filter { $0.id > before.lastEventId }
        #expect(appended.allSatisfy { $0.type == .smsQueued }, "\(Set(appended.map(\.type.rawValue)))")
        expectUnchanged(Array(log.events.prefix(before.events.count)), before.events, "the log from before the restart")
    }

    /// Expects two lists to hold the same elements in any order; a failure names the first differences, not the lists.
    static func expectSame<T: Comparable & Hashable>(_ actual: [T], _ expected: [T], _ what: String,
                                                     sourceLocation: SourceLocation = #_sourceLocation) {
        guard actual.sorted() != expected.sorted() else { return }
        let extra = Set(actual).subtracting(expected), missing = Set(expected).subtracting(actual)
        Issue.record("\(what): \(actual.count) against \(expected.count) (\(Set(actual).count) distinct); extra \(Array(extra.prefix(3))), missing \(Array(missing.prefix(3)))",
                     sourceLocation: sourceLocation)
    }

    /// Expects a list to equal what it was; a failure names the first difference, not the lists.
    static func expectUnchanged<T: Equatable>(_ actual: [T], _ before: [T], _ what: String,
                                              sourceLocation: SourceLocation = #_sourceLocation) {
        guard actual != before else { return }
        let common = min(actual.count, before.count)
        let index = (0..<common).first { actual[$0] != before[$0] } ?? common
        Issue.record("\(what) changed: \(before.count) then \(actual.count) items; first difference at \(index): \(index < before.count ? "\(before[index])" : "none") became \(index < actual.count ? "\(actual[index])" : "none")",
                     sourceLocation: sourceLocation)
    }
}
