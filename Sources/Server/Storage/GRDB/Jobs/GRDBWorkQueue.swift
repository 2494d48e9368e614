import Events
import Foundation
import GRDB

/// `WorkQueue` on the `jobs` table: enqueue (also inside another write's transaction, with the static
/// ``enqueue(_:_:now:)``), claim due work with a lease, finish.
public struct GRDBWorkQueue: WorkQueue {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    /// Adds a job inside the caller's transaction, so it exists exactly when the caller's own rows do.
    /// A job whose `dedupeKey` was ever enqueued before is not added again; returns whether it was added.
    @discardableResult
    public static func enqueue(_ db: Database, _ job: NewJob, now: Date) throws -> Bool {
        try db.execute(sql: """
            INSERT INTO jobs (kind, business_id, payload, dedupe_key, status, attempts, max_attempts, run_at, created_at, updated_at)
            VALUES (?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?)
            ON CONFLICT (dedupe_key) DO NOTHING
            """, arguments: [job.kind, job.businessId, job.payload, job.dedupeKey, job.maxAttempts, job.runAt ?? now, now, now])
        return db.changesCount > 0
    }

    @discardableResult
    public func enqueue(_ job: NewJob, now: Date) async throws -> Bool {
        try await database.dbPool.write { db in try Self.enqueue(db, job, now: now) }
    }

    /// Claims up to `limit` due jobs — queued ones whose time has come, and running ones whose lease has run out
    /// (their process died) — marking them running with a lease until `now + lease`.
    public func claim(now: Date, lease: Duration, limit: Int) async throws -> [Job] {
        let until = now.addingTimeInterval(Double(lease.components.seconds))
        return try await database.dbPool.write { db in
            let due = try Job.fetchAll(db, sql: """
                SELECT * FROM jobs
                WHERE (status = 'queued' AND run_at <= ?) OR (status = 'running' AND locked_until <= ?)
                ORDER BY run_at, id LIMIT ?
                """, arguments: [now, now, limit])
            var claimed: [Job] = []
            for var job in due {
                job.status = .running
                job.attempts += 1
                job.lockedUntil = until
                job.updatedAt = now
                try job.update(db)
                claimed.append(job)
            }
            return claimed
        }
    }

    /// At start-up: nothing can be running yet, so every `running` row was left by a process that died.
    public func releaseAbandoned(now: Date) async throws -> Int {
        try await database.dbPool.write { db in
            try db.execute(sql: """
                UPDATE jobs SET status = 'queued', locked_until = NULL, updated_at = ?, run_at = MIN(run_at, ?)
                WHERE status = 'running'
                """, arguments: [now, now])
            return db.changesCount
        }
    }

    /// The `mark` methods change the job only while it is still the caller's run: `running` with the caller's
    /// `attempts`. A run outlived by its lease (the job claimed again, with `attempts + 1`) must not finish the
    /// run that replaced it. `attempts` identifies the run: claiming a job whose lease ran out raises it, so the
    /// run it replaced no longer matches; a number is reused only after its own run's verdict (a postponement gives
    /// the attempt back).
    public func markDone(_ job: Job, now: Date) async throws {
        try await database.dbPool.write { db in
            try db.execute(sql: """
                UPDATE jobs SET status = 'done', locked_until = NULL, last_error = NULL, updated_at = ?, finished_at = ?
                WHERE id = ? AND status = 'running' AND attempts = ?
                """, arguments: [now, now, job.id, job.attempts])
        }
    }

    /// A failed run: queued again at `retryAt`, or failed for good when there is no retry left.
    public func markFailed(_ job: Job, error: String, retryAt: Date?, now: Date) async throws {
        try await database.dbPool.write { db in
            if let retryAt {
                try db.execute(sql: """
                    UPDATE jobs SET status = 'queued', locked_until = NULL, last_error = ?, run_at = ?, updated_at = ?
                    WHERE id = ? AND status = 'running' AND attempts = ?
                    """, arguments: [error, retryAt, now, job.id, job.attempts])
            } else {
                try db.execute(sql: """
                    UPDATE jobs SET status = 'failed', locked_until = NULL, last_error = ?, updated_at = ?, finished_at = ?
                    WHERE id = ? AND status = 'running' AND attempts = ?
                    """, arguments: [error, now, now, job.id, job.attempts])
                guard db.changesCount > 0 else { return }
                try EventAppender.append(db, EventDraft(
                    businessId: job.businessId, stream: .job(job.id),
                    JobFailed(jobId: job.id, kind: job.kind, attempts: job.attempts, error: String(error.prefix(1_000)))),
                    at: now)
            }
        }
    }

    /// A run that could not start for a reason outside the job: queued again at `until`, the attempt given back.
    public func markPostponed(_ job: Job, until: Date, reason: String, now: Date) async throws {
        try await database.dbPool.write { db in
            try db.execute(sql: """
                UPDATE jobs SET status = 'queued', locked_until = NULL, attempts = MAX(attempts - 1, 0), last_error = ?,
                    run_at = ?, updated_at = ?
                WHERE id = ? AND status = 'running' AND attempts = ?
                """, arguments: [reason, until, now, job.id, job.attempts])
        }
    }

    public func job(id: Int64) async throws -> Job? {
        try await database.dbPool.read { db in try Job.fetchOne(db, key: id) }
    }

    public func jobs(kind: String) async throws -> [Job] {
        try await database.dbPool.read { db in
            try Job.filter(Column("kind") == kind).order(Column("id")).fetchAll(db)
        }
    }

    /// Jobs waiting or running, and jobs failed for good (for metrics).
    public func counts() async throws -> (pending: Int, failed: Int) {
        try await database.dbPool.read { db in
            let pending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM jobs WHERE status IN ('queued', 'running')") ?? 0
            let failed = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM jobs WHERE status = 'failed'") ?? 0
            return (pending, failed)
        }
    }

    /// Pending (queued or running) and failed jobs per kind.
    public func countsByKind() async throws -> [String: (pending: Int, failed: Int)] {
        try await database.dbPool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT kind, SUM(status IN ('queued', 'running')) AS pending, SUM(status = 'failed') AS failed
                FROM jobs GROUP BY kind
                """)
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["kind"] as String, (pending: $0["pending"] as Int, failed: $0["failed"] as Int)) })
        }
    }

    /// When the next queued job is due, if any.
    public func nextRunAt() async throws -> Date? {
        try await database.dbPool.read { db in
            try Date.fetchOne(db, sql: "SELECT MIN(run_at) FROM jobs WHERE status = 'queued'")
        }
    }
}
