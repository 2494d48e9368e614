import Events
import Foundation
import Testing
@testable import Server

/// The queue shared by several nodes: each store below is a second client of the same database (on SQLite a
/// second connection pool on the file, on PostgreSQL a second `PGDatabase`), as another FrontDesk node would be.
extension WorkQueueTests {
    @Test(arguments: RepositoryBackend.all)
    func twoNodesClaimingAtOnceNeverGetTheSameJob(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let nodes = [store.repositories.jobs, try await store.reopened().repositories.jobs]
        let count = 60
        for value in 0..<count { try await nodes[0].enqueue(Self.job(value), now: Self.start) }
        let claimed = try await withThrowingTaskGroup(of: [Job].self) { group in
            for node in nodes {
                group.addTask {
                    var mine: [Job] = []
                    while true {
                        let batch = try await node.claim(now: Self.start, lease: .seconds(60), limit: 3)
                        if batch.isEmpty { return mine }
                        mine += batch
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let ids = claimed.flatMap { $0.map(\.id) }
        #expect(ids.count == count, "every job claimed once: \(claimed.map(\.count)) per node")
        #expect(Set(ids).count == ids.count, "no job handed to both nodes")
        #expect(try await nodes[1].claim(now: Self.start, lease: .seconds(60), limit: 10).isEmpty)
        let stored = try await nodes[1].jobs(kind: Self.kind)
        #expect(stored.allSatisfy { $0.status == .running && $0.attempts == 1 }, "no job was claimed twice")
    }

    @Test(arguments: RepositoryBackend.all)
    func anotherNodeReclaimsAnExpiredLeaseButNotAHeldOne(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let business = try await store.makeBusiness("acme")
        let nodeA = store.repositories.jobs
        let other = try await store.reopened()
        let nodeB = other.repositories.jobs
        try await nodeA.enqueue(Self.job(1, businessId: business.id), now: Self.start)
        try await nodeA.enqueue(Self.job(2, businessId: business.id), now: Self.start)
        let short = try #require(try await nodeA.claim(now: Self.start, lease: .seconds(30), limit: 1).first)
        let long = try #require(try await nodeA.claim(now: Self.start, lease: .seconds(120), limit: 1).first)
        #expect(try short.decode(Payload.self).value == 1 && long.decode(Payload.self).value == 2)
        #expect(try await nodeB.claim(now: Self.start.addingTimeInterval(29), lease: .seconds(60), limit: 10).isEmpty,
                "both leases hold")

        // Node A stalls past job 1's lease: node B takes job 1 over, and leaves job 2, whose lease still runs.
        let later = Self.start.addingTimeInterval(60)
        let rescued = try await nodeB.claim(now: later, lease: .seconds(60), limit: 10)
        #expect(rescued.map(\.id) == [short.id])
        #expect(rescued.map(\.attempts) == [2])
        let mine = try #require(rescued.first)

        // Node A's late verdicts on its lost run change nothing: no finish, no retry, no postponement, no event.
        try await nodeA.markDone(short, now: later)
        try await nodeA.markFailed(short, error: "late", retryAt: nil, now: later)
        try await nodeA.markFailed(short, error: "late", retryAt: later, now: later)
        try await nodeA.markPostponed(short, until: later, reason: "late", now: later)
        #expect(try await nodeB.job(id: short.id) == mine, "still node B's run")
        let failures = try await store.repositories.events.events(EventQuery(businessId: business.id, types: [.jobFailed]))
        #expect(failures.isEmpty)

        // Each node finishes what it still holds.
        try await nodeB.markDone(mine, now: later.addingTimeInterval(1))
        try await nodeA.markDone(long, now: later.addingTimeInterval(2))
        let done = try await nodeA.jobs(kind: Self.kind)
        #expect(done.map(\.status) == [.done, .done])
        #expect(done.map(\.finishedAt) == [later.addingTimeInterval(1), later.addingTimeInterval(2)])
    }
}
