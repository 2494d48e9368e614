import Events
import Foundation
import GRDB
import Metrics
import Synchronization
import Testing
@testable import Server

/// The event log: every change appends its events in its own transaction, consumers read it after their
/// checkpoints at least once and are idempotent, and a replay changes nothing.
@Suite struct EventLogTests {
    static func events(_ app: TestApp, stream: EventStream? = nil, businessId: String? = nil) async throws -> [StoredEvent] {
        try await app.services.events.events(EventQuery(businessId: businessId, stream: stream, limit: 1000))
    }

    @Test func aCallAppendsItsHistoryToItsStreamInOrder() async throws {
        let app = try await TwilioWebhookTests.makeApp()
        let (business, _) = try await TwilioWebhookTests.makeBusiness(app)
        var settings = business.settings
        settings.ownerPhone = "+15550109999"
        _ = try await app.services.businesses.update(id: business.id, BusinessPatch(settings: settings))
        let sid = try await app.app.test(.router) { client in
            var call = SimulatedCall(twilio: TwilioTestClient(authToken: TwilioWebhookTests.authToken), to: TwilioWebhookTests.number)
            _ = try await call.start(client)
            _ = try await call.say(client, "help a pipe burst in the basement and there's water everywhere")
            _ = try await call.hangUp(client, duration: 20)
            return call.sid
        }
        let stream = try await Self.events(app, stream: .call(sid))
        #expect(stream.map(\.sequence) == Array(1...Int64(stream.count)))
        #expect(stream.allSatisfy { $0.businessId == business.id })
        let types = stream.map(\.type)
        #expect(types.first == .callStarted)
        #expect(types.last == .callEnded)
        #expect(types.filter { $0 == .callTurn }.count == 2, "\(types)")
        #expect(types.contains(.emergencyReported) && types.contains(.ownerAlertRaised) && types.contains(.leadCaptured))
        let started = try stream[0].decode(CallStarted.self)
        #expect(started.direction == .inbound && started.customerNumber == "+15557654321" && started.to == TwilioWebhookTests.number)
        let turn = try #require(stream.first { $0.type == .callTurn && (try? $0.decode(CallTurnRecorded.self).event) == "speech" })
        #expect(try turn.decode(CallTurnRecorded.self).callerText?.contains("pipe burst") == true)
        let ended = try #require(stream.last).decode(CallEnded.self)
        #expect(ended.outcome == "emergency" && ended.durationSeconds == 20 && ended.isEmergency)
        // The caller became a customer: customer.created on the customer's own stream.
        let all = try await Self.events(app, businessId: business.id)
        let created = try #require(all.first { $0.type == .customerCreated })
        #expect(try created.decode(CustomerCreated.self).phone == "+15557654321")
        #expect(created.stream.kind == "customer")

        // Consumers: the owner is texted once per alert, the summary queued once, however often they run.
        let runner = app.services.eventConsumers
        await runner.drainAll()
        await runner.drainAll()
        let alertIds = try stream.filter { $0.type == .ownerAlertRaised }.compactMap { try $0.decode(OwnerAlertRaised.self).alertId }
        #expect(!alertIds.isEmpty)
        func counts() async throws -> (texts: Int, summaries: Int) {
            try await app.services.database.dbPool.read { db in
                (try Int.fetchOne(db, sql: "SELECT count(*) FROM sms_outbox WHERE kind = 'owner'")!,
                 try Int.fetchOne(db, sql: "SELECT count(*) FROM jobs WHERE kind = 'call.summary'")!)
            }
        }
        #expect(try await counts() == (alertIds.count, 1))
        let statuses = try await app.services.calls.alerts(callSid: sid).map(\.status)
        #expect(statuses.allSatisfy { $0 == "sms_queued" }, "\(statuses)")
        // A crash after handling but before the checkpoint moved: the restarted node's runner reads the (lost)
        // checkpoint and hands the events again, to no effect.
        try await app.services.database.dbPool.write { db in try db.execute(sql: "DELETE FROM event_checkpoints") }
        let restarted = EventConsumerRunner(log: runner.log, consumers: runner.consumers, signal: runner.signal,
                                            logger: runner.logger, metrics: runner.metrics)
        #expect(await restarted.drainAll() >= alertIds.count + 1, "the events were handed again")
        #expect(try await counts() == (alertIds.count, 1))
    }

    @Test func replayingThePostCallConsumerOverAHundredCallsChangesNothing() async throws {
        let app = try await TwilioWebhookTests.makeApp()
        try await TwilioWebhookTests.makeBusiness(app)
        try await app.app.test(.router) { client in
            for _ in 0..<100 {
                var call = SimulatedCall(twilio: TwilioTestClient(authToken: TwilioWebhookTests.authToken), to: TwilioWebhookTests.number)
                _ = try await call.start(client)
                _ = try await call.hangUp(client, duration: 5)
            }
        }
        let runner = app.services.eventConsumers
        await runner.drainAll()
        #expect(try await app.services.jobRunner.runDue(now: Date()) == 100)
        func snapshot() async throws -> [String] {
            try await app.services.database.dbPool.read { db in
                try String.fetchAll(db, sql: "SELECT kind || ':' || dedupe_key || ':' || status FROM jobs ORDER BY id") +
                    String.fetchAll(db, sql: "SELECT call_sid || ':' || summary || ':' || created_at FROM call_summaries ORDER BY call_sid")
            }
        }
        let before = try await snapshot()
        #expect(before.count == 200)
        let consumer = try #require(runner.consumer(named: "post-call"))
        #expect(try await runner.replay(consumer: consumer, after: 0) == 100)
        #expect(try await app.services.jobRunner.runDue(now: Date()) == 0)
        #expect(try await snapshot() == before)
    }

    @Test func knowledgeWritesRaiseTheVersionAndSayWhatChanged() async throws {
        let app = try await TestApp.make()
        let (business, _) = try await app.makeTenant("kb-versions")
        let entry = try await app.services.knowledge.create(businessId: business.id, draft: KnowledgeDraft(
            title: "Hours", content: "We open at eight.", category: nil))
        _ = try await app.services.knowledge.importDrafts(businessId: business.id, [
            KnowledgeDraft(title: "A", content: "Alpha.", category: nil), KnowledgeDraft(title: "B", content: "Beta.", category: nil),
        ])
        try await app.services.knowledge.delete(businessId: business.id, entryId: entry.id)
        let changes = try await Self.events(app, stream: .knowledge(businessId: business.id))
            .map { try $0.decode(KnowledgeChanged.self) }
        #expect(changes.map(\.kbVersion) == [1, 2, 3])
        #expect(changes.map(\.operation) == ["upsert", "import", "delete"])
        #expect(changes[0].entryIds == [entry.id] && changes[1].entryIds.count == 2 && changes[2].entryIds == [entry.id])
        let version = try await app.services.database.dbPool.read { db in
            try Int64.fetchOne(db, sql: "SELECT kb_version FROM businesses WHERE id = ?", arguments: [business.id])
        }
        #expect(version == 3)
    }

    @Test func aRolledBackWriteLeavesNoEvent() async throws {
        let app = try await TestApp.make()
        let (business, _) = try await app.makeTenant("rollback")
        let before = try await app.services.events.lastEventId()
        // An import whose second row is invalid is refused whole: no entry, no version, no event.
        await #expect(throws: (any Error).self) {
            try await app.services.knowledgeRepository.importAll(businessId: business.id, [
                KnowledgeImportItem(entry: KnowledgeEntry(businessId: business.id, title: "ok", content: "fine"), chunks: []),
                KnowledgeImportItem(entry: KnowledgeEntry(businessId: "no-such-business", title: "x", content: "y"), chunks: []),
            ])
        }
        #expect(try await app.services.events.lastEventId() == before)
    }

    /// A test consumer that fails on its first sight of an event: the runner keeps the checkpoint before it and
    /// hands it again on the next pass, after the events before it were kept.
    final class FlakyConsumer: EventConsumer, @unchecked Sendable {
        let name = "flaky"
        let types: Set<EventType> = [.customerCreated]
        let seen = Mutex<[Int64]>([])
        let failOnce = Mutex<Set<Int64>>([])
        func handle(_ event: StoredEvent) async throws {
            let fail = failOnce.withLock { $0.insert(event.id).inserted } && event.sequence == 1 && seen.withLock { $0.count } == 1
            if fail { throw UnhandleableEventForTest() }
            seen.withLock { $0.append(event.id) }
        }
    }
    struct UnhandleableEventForTest: Error {}

    @Test func aFailingEventIsHandedAgainFromTheCheckpoint() async throws {
        let database = try AppDatabase.temporary()
        let repositories = try TestRepositories(database: database)
        let business = try await repositories.makeBusiness("flaky")
        let log = GRDBEventLog(database: database)
        for i in 0..<3 {
            try await log.append([EventDraft(businessId: business.id, stream: .customer("c\(i)"),
                                             CustomerCreated(customerId: "c\(i)", phone: "+1555000000\(i)", name: nil, source: "test"))])
        }
        let consumer = FlakyConsumer()
        let runner = EventConsumerRunner(log: log, consumers: [consumer], signal: database.eventSignal,
                                         logger: .init(label: "test"), metrics: NOOPMetricsHandler.instance)
        await #expect(throws: UnhandleableEventForTest.self) { try await runner.drain(consumer) }
        let ids = try await log.events(EventQuery(businessId: nil)).map(\.id)
        #expect(consumer.seen.withLock { $0 } == [ids[0]])
        #expect(try await log.checkpoint(consumer: "flaky") == ids[0])
        #expect(try await runner.drain(consumer) == 2)
        #expect(consumer.seen.withLock { $0 } == ids)
        #expect(try await log.checkpoint(consumer: "flaky") == ids[2])
    }

    @Test func theLogIsReadPerBusinessAndPrunedOnlyBehindEveryConsumer() async throws {
        let database = try AppDatabase.temporary()
        let clock = TestClock()
        let repositories = try TestRepositories(database: database, clock: clock)
        let a = try await repositories.makeBusiness("tenant-a")
        let b = try await repositories.makeBusiness("tenant-b")
        let log = GRDBEventLog(database: database, now: clock.now)
        for business in [a, b, a] {
            try await log.append([EventDraft(businessId: business.id, stream: .knowledge(businessId: business.id),
                                             KnowledgeChanged(kbVersion: 1, operation: "upsert", entryIds: ["e"]))])
            clock.advance(by: 86_400)
        }
        #expect(try await log.events(EventQuery(businessId: a.id)).count == 2)
        #expect(try await log.events(EventQuery(businessId: b.id)).allSatisfy { $0.businessId == b.id })
        #expect(try await log.events(EventQuery(businessId: b.id, stream: .knowledge(businessId: a.id))).isEmpty)
        let ids = try await log.events(EventQuery(businessId: nil)).map(\.id)
        // No consumer has handled anything yet: nothing is pruned.
        try await log.advanceCheckpoint(consumer: "slow", to: 0)
        #expect(try await log.prune(before: clock.read()) == 0)
        try await log.advanceCheckpoint(consumer: "slow", to: ids[2])
        // A's first event goes; each stream's newest stays, so a stream's numbering continues.
        #expect(try await log.prune(before: clock.read()) == 1)
        #expect(try await log.events(EventQuery(businessId: nil)).map(\.id) == [ids[1], ids[2]])
        let next = try await log.append([EventDraft(businessId: a.id, stream: .knowledge(businessId: a.id),
                                                    KnowledgeChanged(kbVersion: 3, operation: "upsert", entryIds: ["e"]))])
        #expect(next.first?.sequence == 3)
    }
}
