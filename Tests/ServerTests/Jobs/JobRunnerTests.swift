import Foundation
import Logging
import Metrics
import Prometheus
import Synchronization
import Testing
@testable import Server

/// The job queue and runner, with time driven by the test.
@Suite struct JobRunnerTests {
    struct Payload: Codable, Equatable { var value: Int }

    /// A job kind for these tests: records each run; fails while `failuresLeft` > 0.
    final class RecordingHandler: JobHandler, Sendable {
        let kind = "test.record"
        let runs = Mutex<[Int]>([])
        let failuresLeft: Mutex<Int>
        let permanent: Bool

        init(failures: Int = 0, permanent: Bool = false) {
            failuresLeft = Mutex(failures)
            self.permanent = permanent
        }

        func run(_ job: Job) async throws {
            let value = try job.decode(Payload.self).value
            runs.withLock { $0.append(value) }
            let fail = failuresLeft.withLock { left -> Bool in
                guard left > 0 else { return false }
                left -= 1
                return true
            }
            if fail {
                if permanent { throw PermanentJobError("bad payload \(value)") }
                throw URLError(.timedOut)
            }
        }
    }

    static let start = Date(timeIntervalSince1970: 1_795_000_000)

    static func make(_ handler: RecordingHandler, database: AppDatabase? = nil) throws -> (GRDBWorkQueue, JobRunner, AppDatabase) {
        let database = try database ?? AppDatabase.temporary()
        let queue = GRDBWorkQueue(database: database)
        var logger = Logger(label: "jobs-test")
        logger.logLevel = .critical
        let runner = JobRunner(queue: queue, handlers: [handler], logger: logger,
                               metrics: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry()), now: { start })
        return (queue, runner, database)
    }

    @Test func aJobRunsOnceWhenDueAndADedupeKeyIsEnqueuedOnlyOnce() async throws {
        let handler = RecordingHandler()
        let (queue, runner, _) = try Self.make(handler)
        let later = Self.start.addingTimeInterval(60)
        #expect(try await queue.enqueue(NewJob(kind: "test.record", businessId: nil, payload: Payload(value: 1),
                                               dedupeKey: "once", runAt: later), now: Self.start))
        #expect(try await !queue.enqueue(NewJob(kind: "test.record", businessId: nil, payload: Payload(value: 2),
                                                dedupeKey: "once"), now: Self.start))
        #expect(try await runner.runDue(now: Self.start) == 0, "not due yet")
        #expect(try await runner.runDue(now: later) == 1)
        #expect(try await runner.runDue(now: later.addingTimeInterval(3600)) == 0, "done jobs do not run again")
        #expect(handler.runs.withLock { $0 } == [1])
        let job = try #require(try await queue.jobs(kind: "test.record").first)
        #expect(job.status == .done)
        #expect(job.attempts == 1)
        #expect(job.finishedAt == later)
    }

    @Test func failuresAreRetriedWithBackoffThenFailForGood() async throws {
        let handler = RecordingHandler(failures: 10)
        let (queue, runner, _) = try Self.make(handler)
        try await queue.enqueue(NewJob(kind: "test.record", businessId: nil, payload: Payload(value: 7), maxAttempts: 3),
                                now: Self.start)
        var now = Self.start
        #expect(try await runner.runDue(now: now) == 1)
        var job = try #require(try await queue.jobs(kind: "test.record").first)
        #expect(job.status == .queued)
        #expect(job.runAt == now.addingTimeInterval(30))
        #expect(job.lastError?.isEmpty == false)
        #expect(try await runner.runDue(now: now.addingTimeInterval(29)) == 0, "backing off")
        now = now.addingTimeInterval(30)
        #expect(try await runner.runDue(now: now) == 1)
        job = try #require(try await queue.jobs(kind: "test.record").first)
        #expect(job.runAt == now.addingTimeInterval(60), "the second wait is twice the first")
        now = now.addingTimeInterval(60)
        #expect(try await runner.runDue(now: now) == 1)
        job = try #require(try await queue.jobs(kind: "test.record").first)
        #expect(job.status == .failed)
        #expect(job.attempts == 3)
        #expect(try await runner.runDue(now: now.addingTimeInterval(86_400)) == 0)
        #expect(try await queue.counts() == (pending: 0, failed: 1))
    }

    @Test func aSucceedingRetryIsDone() async throws {
        let handler = RecordingHandler(failures: 1)
        let (queue, runner, _) = try Self.make(handler)
        try await queue.enqueue(NewJob(kind: "test.record", businessId: nil, payload: Payload(value: 3)), now: Self.start)
        try await runner.runDue(now: Self.start)
        try await runner.runDue(now: Self.start.addingTimeInterval(30))
        #expect(try await queue.jobs(kind: "test.record").first?.status == .done)
        #expect(handler.runs.withLock { $0 } == [3, 3])
    }

    @Test func aPermanentErrorIsNotRetried() async throws {
        let handler = RecordingHandler(failures: 1, permanent: true)
        let (queue, runner, _) = try Self.make(handler)
        try await queue.enqueue(NewJob(kind: "test.record", businessId: nil, payload: Payload(value: 4)), now: Self.start)
        try await runner.runDue(now: Self.start)
        let job = try #require(try await queue.jobs(kind: "test.record").first)
        #expect(job.status == .failed)
        #expect(job.lastError == "bad payload 4")
    }

    @Test func aJobWithoutAHandlerFailsInsteadOfLooping() async throws {
        let (queue, runner, _) = try Self.make(RecordingHandler())
        try await queue.enqueue(NewJob(kind: "test.unknown", businessId: nil, payload: Payload(value: 0)), now: Self.start)
        #expect(try await runner.runDue(now: Self.start) == 1)
        #expect(try await queue.jobs(kind: "test.unknown").first?.status == .failed)
    }

    @Test func aJobLeftRunningByADeadProcessRunsAgainAfterRestart() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("jobs.sqlite")
        do {
            // The first process claims the job and dies before finishing it.
            let (queue, _, database) = try Self.make(RecordingHandler(), database: AppDatabase(path: path))
            try await queue.enqueue(NewJob(kind: "test.record", businessId: nil, payload: Payload(value: 9)), now: Self.start)
            let claimed = try await queue.claim(now: Self.start, lease: .seconds(300), limit: 10)
            #expect(claimed.count == 1)
            try database.close()
        }
        let handler = RecordingHandler()
        let (queue, runner, _) = try Self.make(handler, database: AppDatabase(path: path))
        // Not claimable while its lease runs …
        #expect(try await queue.claim(now: Self.start.addingTimeInterval(10), lease: .seconds(300), limit: 10).isEmpty)
        // … but a new process releases what the dead one left running, at start.
        #expect(try await queue.releaseAbandoned(now: Self.start.addingTimeInterval(10)) == 1)
        #expect(try await runner.runDue(now: Self.start.addingTimeInterval(10)) == 1)
        let job = try #require(try await queue.jobs(kind: "test.record").first)
        #expect(job.status == .done)
        #expect(job.attempts == 2)
        #expect(handler.runs.withLock { $0 } == [9])
    }

    @Test func anExpiredLeaseIsClaimedAgain() async throws {
        let (queue, _, _) = try Self.make(RecordingHandler())
        try await queue.enqueue(NewJob(kind: "test.record", businessId: nil, payload: Payload(value: 1)), now: Self.start)
        _ = try await queue.claim(now: Self.start, lease: .seconds(60), limit: 10)
        #expect(try await queue.claim(now: Self.start.addingTimeInterval(59), lease: .seconds(60), limit: 10).isEmpty)
        let again = try await queue.claim(now: Self.start.addingTimeInterval(61), lease: .seconds(60), limit: 10)
        #expect(again.map(\.attempts) == [2])
    }

    @Test func theServiceRunsQueuedWorkAndStopsOnShutdown() async throws {
        let handler = RecordingHandler()
        let (queue, runner, _) = try Self.make(handler)
        try await queue.enqueue(NewJob(kind: "test.record", businessId: nil, payload: Payload(value: 5)), now: Self.start)
        let task = Task { try await runner.run() }
        for _ in 0..<200 where handler.runs.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(handler.runs.withLock { $0 } == [5])
        task.cancel()
        _ = try? await task.value
    }
}
