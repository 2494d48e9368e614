import Foundation

/// The one work queue (`jobs`): background work and timers (a job with a later `runAt`) wait in it durably, and the
/// ``JobRunner`` claims what is due with a lease, runs it and records the result. Storage code that must enqueue
/// inside its own transaction (a text and its `sms.send` job) uses the backend's in-transaction form; everything
/// else goes through this protocol.
///
/// Times are passed in (`now`), never read from a clock here, so tests drive them.
public protocol WorkQueue: Sendable {
    /// Adds a job, due at `job.runAt` (or `now`). A job whose `dedupeKey` was ever enqueued before is not added
    /// again, whatever became of it.
    /// - Returns: whether it was added.
    @discardableResult
    func enqueue(_ job: NewJob, now: Date) async throws -> Bool

    /// Claims up to `limit` due jobs — queued ones whose `runAt` has come, and running ones whose lease has run out
    /// (their process died) — oldest `runAt` first, marking them running with `attempts + 1` and a lease until
    /// `now + lease`. Two claims never return the same job while its lease holds.
    func claim(now: Date, lease: Duration, limit: Int) async throws -> [Job]

    /// At start-up: `running` jobs whose process is known to be dead are queued again, due now at the latest.
    /// Returns how many. Which those are depends on who shares the queue: with one process per database (SQLite)
    /// nothing can be running yet, so every `running` job was left by a process that died; with several nodes on
    /// one database (PostgreSQL) the others' `running` jobs are live work, so only jobs whose lease has run out.
    func releaseAbandoned(now: Date) async throws -> Int

    /// A run that succeeded: the job is done. Only the caller's run changes it: the job must still be `running`
    /// with the `attempts` of `job` (a run whose lease ran out and was claimed again, even by another node, no
    /// longer owns the job; its verdict is ignored). The same holds for the other `mark` methods.
    func markDone(_ job: Job, now: Date) async throws

    /// A run that failed: queued again at `retryAt` (the runner's backoff) with the error, or, with nil, failed for
    /// good — which appends `job.failed` on the job's stream in the same transaction.
    func markFailed(_ job: Job, error: String, retryAt: Date?, now: Date) async throws

    /// A run that could not start for a reason outside the job (no Twilio account): queued again at `until`, the
    /// attempt given back.
    func markPostponed(_ job: Job, until: Date, reason: String, now: Date) async throws

    func job(id: Int64) async throws -> Job?

    /// Every job of `kind`, in id order (operator tools and tests).
    func jobs(kind: String) async throws -> [Job]

    /// Jobs waiting or running, and jobs failed for good (for metrics).
    func counts() async throws -> (pending: Int, failed: Int)

    /// Pending (queued or running) and failed jobs per kind.
    func countsByKind() async throws -> [String: (pending: Int, failed: Int)]

    /// When the next queued job is due, if any.
    func nextRunAt() async throws -> Date?
}
