import Events
import Foundation
import Testing
@testable import Server

/// `WorkQueue`'s contract, on every backend: leases, unique keys, retries, postponement, failure for good.
@Suite struct WorkQueueTests {
    static let start = Date(timeIntervalSince1970: 1_795_000_000)
    static let kind = "test.work"

    struct Payload: Codable, Equatable { var value: Int }

    static func job(_ value: Int, businessId: String? = nil, key: String? = nil, runAt: Date? = nil,
                    maxAttempts: Int = 5) throws -> NewJob {
        try NewJob(kind: kind, businessId: businessId, payload: Payload(value: value), dedupeKey: key, runAt: runAt,
                   maxAttempts: maxAttempts)
    }

    @Test(arguments: RepositoryBackend.all)
    func aClaimHoldsTheJobForItsLeaseAndDoneIsFinal(_ backend: RepositoryBackend) async throws {
        let queue = try await backend.make().repositories.jobs
        #expect(try await queue.enqueue(Self.job(1), now: Self.start))
        #expect(try await queue.nextRunAt() == Self.start)
        let claimed = try await queue.claim(now: Self.start, lease: .seconds(60), limit: 10)
        let job = try #require(claimed.first)
        #expect(claimed.count == 1)
        #expect(job.status == .running)
        #expect(job.attempts == 1)
        #expect(job.lockedUntil == Self.start.addingTimeInterval(60))
        #expect(try job.decode(Payload.self) == Payload(value: 1))
        #expect(try await queue.job(id: job.id) == job)
        #expect(try await queue.claim(now: Self.start.addingTimeInterval(59), lease: .seconds(60), limit: 10).isEmpty,
                "held by its lease")
        #expect(try await queue.counts() == (pending: 1, failed: 0))
        #expect(try await queue.nextRunAt() == nil, "nothing is queued while it runs")

        try await queue.markDone(job, now: Self.start.addingTimeInterval(5))
        let done = try #require(try await queue.job(id: job.id))
        #expect(done.status == .done)
        #expect(done.finishedAt == Self.start.addingTimeInterval(5))
        #expect(done.lockedUntil == nil)
        #expect(try await queue.counts() == (pending: 0, failed: 0))
        #expect(try await queue.claim(now: Self.start.addingTimeInterval(86_400), lease: .seconds(60), limit: 10).isEmpty)
    }

    @Test(arguments: RepositoryBackend.all)
    func anExpiredLeaseIsClaimedAgain(_ backend: RepositoryBackend) async throws {
        let queue = try await backend.make().repositories.jobs
        try await queue.enqueue(Self.job(1), now: Self.start)
        let first = try await queue.claim(now: Self.start, lease: .seconds(60), limit: 10)
        // Its worker died: past the lease another claim takes it, counting the attempt.
        let again = try await queue.claim(now: Self.start.addingTimeInterval(61), lease: .seconds(60), limit: 10)
        #expect(again.map(\.id) == first.map(\.id))
        #expect(again.map(\.attempts) == [2])
        #expect(again.first?.lockedUntil == Self.start.addingTimeInterval(121))
    }

    @Test(arguments: RepositoryBackend.all)
    func dueJobsAreClaimedOldestFirstUpToTheLimit(_ backend: RepositoryBackend) async throws {
        let queue = try await backend.make().repositories.jobs
        try await queue.enqueue(Self.job(3, runAt: Self.start.addingTimeInterval(30)), now: Self.start)
        try await queue.enqueue(Self.job(1, runAt: Self.start.addingTimeInterval(10)), now: Self.start)
        try await queue.enqueue(Self.job(2, runAt: Self.start.addingTimeInterval(20)), now: Self.start)
        try await queue.enqueue(Self.job(4, runAt: Self.start.addingTimeInterval(3600)), now: Self.start)
        #expect(try await queue.nextRunAt() == Self.start.addingTimeInterval(10))
        let now = Self.start.addingTimeInterval(60)
        let batch = try await queue.claim(now: now, lease: .seconds(60), limit: 2)
        #expect(try batch.map { try $0.decode(Payload.self).value } == [1, 2])
        let rest = try await queue.claim(now: now, lease: .seconds(60), limit: 10)
        #expect(try rest.map { try $0.decode(Payload.self).value } == [3], "the timer an hour away is not due")
        #expect(try await queue.nextRunAt() == Self.start.addingTimeInterval(3600))
    }

    @Test(arguments: RepositoryBackend.all)
    func aUniqueKeyIsEnqueuedOnceEver(_ backend: RepositoryBackend) async throws {
        let queue = try await backend.make().repositories.jobs
        #expect(try await queue.enqueue(Self.job(1, key: "once"), now: Self.start))
        #expect(try await !queue.enqueue(Self.job(2, key: "once"), now: Self.start))
        let job = try #require(try await queue.claim(now: Self.start, lease: .seconds(60), limit: 10).first)
        try await queue.markDone(job, now: Self.start)
        #expect(try await !queue.enqueue(Self.job(3, key: "once"), now: Self.start), "not even after it is done")
        // Without a key, every enqueue is a job.
        #expect(try await queue.enqueue(Self.job(4), now: Self.start))
        #expect(try await queue.enqueue(Self.job(4), now: Self.start))
        #expect(try await queue.jobs(kind: Self.kind).map { try $0.decode(Payload.self).value } == [1, 4, 4])
    }

    @Test(arguments: RepositoryBackend.all)
    func aFailedRunIsQueuedAgainAtItsBackoff(_ backend: RepositoryBackend) async throws {
        let queue = try await backend.make().repositories.jobs
        try await queue.enqueue(Self.job(1), now: Self.start)
        let job = try #require(try await queue.claim(now: Self.start, lease: .seconds(60), limit: 10).first)
        let retryAt = Self.start.addingTimeInterval(JobRunner.backoff(afterAttempt: job.attempts))
        try await queue.markFailed(job, error: "timed out", retryAt: retryAt, now: Self.start)
        let queued = try #require(try await queue.job(id: job.id))
        #expect(queued.status == .queued)
        #expect(queued.runAt == retryAt)
        #expect(queued.lastError == "timed out")
        #expect(queued.lockedUntil == nil)
        #expect(queued.attempts == 1, "the failed run counts")
        #expect(try await queue.claim(now: retryAt.addingTimeInterval(-1), lease: .seconds(60), limit: 10).isEmpty)
        #expect(try await queue.claim(now: retryAt, lease: .seconds(60), limit: 10).map(\.attempts) == [2])
    }

    @Test(arguments: RepositoryBackend.all)
    func aPostponedRunGivesItsAttemptBack(_ backend: RepositoryBackend) async throws {
        let queue = try await backend.make().repositories.jobs
        try await queue.enqueue(Self.job(1), now: Self.start)
        let job = try #require(try await queue.claim(now: Self.start, lease: .seconds(60), limit: 10).first)
        #expect(job.attempts == 1)
        let until = Self.start.addingTimeInterval(60)
        try await queue.markPostponed(job, until: until, reason: "no Twilio account configured", now: Self.start)
        let postponed = try #require(try await queue.job(id: job.id))
        #expect(postponed.status == .queued)
        #expect(postponed.attempts == 0)
        #expect(postponed.runAt == until)
        #expect(postponed.lastError == "no Twilio account configured")
        #expect(try await queue.claim(now: until, lease: .seconds(60), limit: 10).map(\.attempts) == [1])
    }

    @Test(arguments: RepositoryBackend.all)
    func failingForGoodAppendsJobFailedOnce(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let queue = store.repositories.jobs
        let business = try await store.makeBusiness("acme")
        try await queue.enqueue(Self.job(1, businessId: business.id), now: Self.start)
        let job = try #require(try await queue.claim(now: Self.start, lease: .seconds(60), limit: 10).first)
        try await queue.markFailed(job, error: "bad payload", retryAt: nil, now: Self.start.addingTimeInterval(1))
        // A late second verdict on the same run (a lost lease) changes nothing.
        try await queue.markFailed(job, error: "again", retryAt: nil, now: Self.start.addingTimeInterval(2))
        let failed = try #require(try await queue.job(id: job.id))
        #expect(failed.status == .failed)
        #expect(failed.lastError == "bad payload")
        #expect(failed.finishedAt == Self.start.addingTimeInterval(1))
        #expect(try await queue.counts() == (pending: 0, failed: 1))
        let byKind = try #require(try await queue.countsByKind()[Self.kind])
        #expect(byKind == (pending: 0, failed: 1))
        #expect(try await queue.claim(now: Self.start.addingTimeInterval(86_400), lease: .seconds(60), limit: 10).isEmpty)

        let events = try await store.repositories.events.events(EventQuery(businessId: business.id, stream: .job(job.id)))
        #expect(events.map(\.type) == [.jobFailed])
        let payload = try #require(try events.first?.decode(JobFailed.self))
        #expect(payload == JobFailed(jobId: job.id, kind: Self.kind, attempts: 1, error: "bad payload"))
    }

    /// SQLite: one process per database, so at start-up every `running` job is abandoned. PostgreSQL: other nodes
    /// share the queue, so only a job whose lease ran out is; a running lease may be a live node's work.
    @Test(arguments: RepositoryBackend.all)
    func jobsLeftRunningAreReleasedAtStartUp(_ backend: RepositoryBackend) async throws {
        let queue = try await backend.make().repositories.jobs
        try await queue.enqueue(Self.job(1), now: Self.start)
        try await queue.enqueue(Self.job(2), now: Self.start)
        try await queue.enqueue(Self.job(3, runAt: Self.start.addingTimeInterval(3600)), now: Self.start)
        _ = try await queue.claim(now: Self.start, lease: .seconds(5), limit: 1)
        _ = try await queue.claim(now: Self.start, lease: .seconds(300), limit: 10)
        let restart = Self.start.addingTimeInterval(10)
        let sharedByNodes = backend.name == RepositoryBackend.postgres.name
        #expect(try await queue.releaseAbandoned(now: restart) == (sharedByNodes ? 1 : 2))
        #expect(try await queue.countsByKind()[Self.kind].map { [$0.pending, $0.failed] } == [3, 0])
        let again = try await queue.claim(now: restart, lease: .seconds(300), limit: 10)
        if sharedByNodes {
            #expect(try again.map { try $0.decode(Payload.self).value } == [1], "job 2's lease still runs")
            #expect(again.map(\.attempts) == [2])
        } else {
            #expect(try again.map { try $0.decode(Payload.self).value } == [1, 2], "due at once, not after their lease")
            #expect(again.map(\.attempts) == [2, 2])
        }
    }
}
