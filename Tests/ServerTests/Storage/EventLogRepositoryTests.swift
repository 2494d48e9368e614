import Events
import Foundation
import GRDB
import PostgresNIO
import Testing
@testable import Server

/// `EventLog`'s contract, on every backend: appends numbered per stream in id order, reads filtered and paged by
/// id, consumers' checkpoints that only move forward, and pruning behind every consumer.
@Suite struct EventLogRepositoryTests {
    static func knowledge(_ business: String, version: Int64) -> EventDraft {
        EventDraft(businessId: business, stream: .knowledge(businessId: business),
                   KnowledgeChanged(kbVersion: version, operation: "upsert", entryIds: ["entry-\(version)"]))
    }

    static func customer(_ business: String, id: String) -> EventDraft {
        EventDraft(businessId: business, stream: .customer(id),
                   CustomerCreated(customerId: id, phone: "+15557654321", name: "Ana Lima", source: "sms"))
    }

    @Test(arguments: RepositoryBackend.all)
    func appendsAreNumberedPerStreamAndReadBackInIdOrder(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let log = store.repositories.events
        #expect(try await log.lastEventId() == 0)
        #expect(try await log.events(EventQuery(businessId: nil)).isEmpty)
        let business = try await store.makeBusiness("acme").id
        let call = try await EventFixtures.call(log, business: business, sid: "CA1")
        clock.advance(by: 5)
        let customer = try await EventFixtures.customer(log, business: business, id: "c1")
        let second = try await EventFixtures.call(log, business: business, sid: "CA2")
        let appended = call + [customer] + second
        #expect(call.map(\.sequence) == [1, 2, 3] && second.map(\.sequence) == [1, 2, 3] && customer.sequence == 1)
        #expect(appended.map(\.id) == appended.map(\.id).sorted() && Set(appended.map(\.id)).count == 7)
        #expect(call.allSatisfy { $0.createdAt == clock.read().addingTimeInterval(-5) })
        #expect(customer.createdAt == clock.read())

        #expect(try await log.events(EventQuery(businessId: nil)) == appended, "read back as appended")
        #expect(try await log.events(EventQuery(businessId: business)) == appended)
        #expect(try await log.lastEventId() == appended.last?.id)
        // The numbering continues after a reopen (a restart, or another node).
        let reopened = try await store.reopened(clock: clock).repositories.events
        let third = try await reopened.append([EventDraft(
            businessId: business, stream: .call("CA1"),
            CallEnded(direction: .inbound, status: "completed", outcome: "answered_question", durationSeconds: 1,
                      isEmergency: false))])
        #expect(third.map(\.sequence) == [4])
        #expect(try await log.lastEventId() == third.first?.id)
    }

    @Test(arguments: RepositoryBackend.all)
    func readsAreFilteredByBusinessStreamTypeAndPosition(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let log = store.repositories.events
        let a = try await store.makeBusiness("tenant-a").id
        let b = try await store.makeBusiness("tenant-b").id
        let callA = try await EventFixtures.call(log, business: a, sid: "CA-A")
        let customerB = try await log.append([Self.customer(b, id: "cb")])
        let knowledgeA = try await log.append([Self.knowledge(a, version: 1)])
        // A job without a business that failed for good: an event of no business.
        let orphan = try await log.append([EventDraft(
            businessId: nil, stream: .job(7), JobFailed(jobId: 7, kind: "test", attempts: 5, error: "gone"))])

        #expect(try await log.events(EventQuery(businessId: a)) == callA + knowledgeA)
        #expect(try await log.events(EventQuery(businessId: b)) == customerB)
        #expect(try await log.events(EventQuery(businessId: nil)) == callA + customerB + knowledgeA + orphan,
                "no business: every business's events and those of none")
        #expect(try await log.events(EventQuery(businessId: nil, stream: .job(7))) == orphan)
        #expect(try await log.events(EventQuery(businessId: a, stream: .call("CA-A"))) == callA)
        #expect(try await log.events(EventQuery(businessId: b, stream: .call("CA-A"))).isEmpty,
                "another business's stream reads as empty")
        #expect(try await log.events(EventQuery(businessId: a, types: [.callStarted, .knowledgeChanged]))
                == [callA[0]] + knowledgeA)
        #expect(try await log.events(EventQuery(businessId: a, types: [])).isEmpty, "no types: nothing")
        #expect(try await log.events(EventQuery(businessId: a, after: callA[1].id)) == [callA[2]] + knowledgeA)
        #expect(try await log.events(EventQuery(businessId: nil, after: orphan[0].id)).isEmpty)
    }

    @Test(arguments: RepositoryBackend.all)
    func pagesFollowTheLastIdAndTheLimitIsClamped(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let log = store.repositories.events
        let business = try await store.makeBusiness("acme").id
        let all = try await log.append((1...1001).map { Self.knowledge(business, version: Int64($0)) })
        #expect(all.map(\.sequence) == Array(1...1001))
        var pages: [[StoredEvent]] = []
        var after: Int64 = 0
        while true {
            let page = try await log.events(EventQuery(businessId: business, after: after, limit: 300))
            if page.isEmpty { break }
            pages.append(page)
            after = page.last!.id
        }
        #expect(pages.map(\.count) == [300, 300, 300, 101])
        #expect(pages.flatMap { $0 } == all)
        #expect(try await log.events(EventQuery(businessId: business, limit: 0)) == [all[0]], "at least one")
        #expect(try await log.events(EventQuery(businessId: business, limit: 5000)) == Array(all.prefix(1000)),
                "at most a thousand")
    }

    /// Events of a type this build does not know (a newer version wrote them) are left out, before the limit: a run
    /// of them never makes a page look like the end of the log.
    @Test(arguments: RepositoryBackend.all)
    func eventsOfUnknownTypesAreSkippedBeforeTheLimit(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let log = store.repositories.events
        let business = try await store.makeBusiness("acme").id
        let first = try await log.append([Self.knowledge(business, version: 1)])
        let newer = try await log.append((2...4).map { Self.knowledge(business, version: $0) })
        let last = try await log.append([Self.knowledge(business, version: 5)])
        let ids = newer.map { String($0.id) }.joined(separator: ", ")
        try await Self.execute("UPDATE events SET type = 'knowledge.exploded' WHERE id IN (\(ids))", on: store)
        #expect(try await log.events(EventQuery(businessId: business, limit: 2)) == first + last)
        #expect(try await log.events(EventQuery(businessId: business, after: first[0].id, limit: 1)) == last)
        #expect(try await log.lastEventId() == last[0].id)
    }

    @Test(arguments: RepositoryBackend.all)
    func checkpointsOnlyMoveForward(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let log = store.repositories.events
        #expect(try await log.checkpoint(consumer: "post-call") == 0, "never ran")
        #expect(try await log.checkpoints().isEmpty)
        try await log.advanceCheckpoint(consumer: "post-call", to: 5)
        try await log.advanceCheckpoint(consumer: "post-call", to: 3)
        try await log.advanceCheckpoint(consumer: "owner-alerts", to: 2)
        #expect(try await log.checkpoint(consumer: "post-call") == 5, "never backwards")
        #expect(try await log.checkpoints() == ["post-call": 5, "owner-alerts": 2])

        // Two nodes moving one consumer at once end at the furthest position.
        let other = try await store.reopened().repositories.events
        try await withThrowingTaskGroup(of: Void.self) { group in
            for position in (6...45).shuffled() {
                let node = position % 2 == 0 ? log : other
                group.addTask { try await node.advanceCheckpoint(consumer: "post-call", to: Int64(position)) }
            }
            try await group.waitForAll()
        }
        #expect(try await other.checkpoint(consumer: "post-call") == 45)
    }

    @Test(arguments: RepositoryBackend.all)
    func pruningDeletesOnlyOldEventsEveryConsumerHandledAndKeepsEachStreamsNewest(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let log = store.repositories.events
        let a = try await store.makeBusiness("tenant-a").id
        let b = try await store.makeBusiness("tenant-b").id
        for business in [a, b, a] {
            try await log.append([Self.knowledge(business, version: 1)])
            clock.advance(by: 86_400)
        }
        let ids = try await log.events(EventQuery(businessId: nil)).map(\.id)
        #expect(try await log.prune(before: clock.read()) == 0, "no consumer ever ran: nothing is pruned")
        try await log.advanceCheckpoint(consumer: "slow", to: 0)
        try await log.advanceCheckpoint(consumer: "fast", to: ids[2])
        #expect(try await log.prune(before: clock.read()) == 0, "the slow consumer handled nothing")
        try await log.advanceCheckpoint(consumer: "slow", to: ids[2])
        #expect(try await log.prune(before: clock.read().addingTimeInterval(-3 * 86_400)) == 0, "none older than that")
        // A's first event goes; each stream's newest stays, so a stream's numbering continues.
        #expect(try await log.prune(before: clock.read()) == 1)
        #expect(try await log.events(EventQuery(businessId: nil)).map(\.id) == [ids[1], ids[2]])
        let next = try await log.append([Self.knowledge(a, version: 3)])
        #expect(next.first?.sequence == 3)
    }

    /// Two nodes appending to one stream at once: the stream's numbers stay 1, 2, 3 … without gaps or repeats,
    /// in the order of the ids.
    @Test(arguments: RepositoryBackend.all)
    func concurrentAppendsFromTwoNodesKeepOneOrder(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let business = try await store.makeBusiness("acme").id
        let nodes = [store.repositories.events, try await store.reopened().repositories.events]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for version in 1...20 {
                let log = nodes[version % 2]
                group.addTask { try await log.append([Self.knowledge(business, version: Int64(version))]) }
            }
            try await group.waitForAll()
        }
        let stream = try await nodes[0].events(EventQuery(businessId: business))
        #expect(stream.map(\.sequence) == Array(1...20))
        #expect(stream.map(\.id) == stream.map(\.id).sorted())
    }

    /// Runs `sql` on the store's database directly (to write what only another version of FrontDesk would).
    static func execute(_ sql: String, on store: RepositoryStore) async throws {
        switch store.operations {
        case let sqlite as SQLiteStore:
            try await sqlite.database.dbPool.write { try $0.execute(sql: sql) }
        case let postgres as PostgresStore:
            let logger = postgres.database.logger
            try await postgres.database.write { connection in
                _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            }
        default:
            Issue.record("no raw SQL for the store \(type(of: store.operations))")
        }
    }
}
