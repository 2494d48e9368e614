import Events
import Foundation
import PostgresNIO

/// `WorkQueue` on PostgreSQL, shared by every node: each claims due work in one statement that skips the rows
/// another node is claiming, holds it under a lease, and finishes only the runs it still owns.
struct PostgresWorkQueue: WorkQueue {
    let database: PGDatabase

    /// The columns `decodeAll(_:)` reads, in order (qualified: the claim's `UPDATE … FROM` names two relations).
    static let columns = """
        jobs.id, jobs.kind, jobs.business_id, jobs.payload, jobs.dedupe_key, jobs.status, jobs.attempts,
        jobs.max_attempts, jobs.run_at, jobs.locked_until, jobs.last_error, jobs.created_at, jobs.updated_at,
        jobs.finished_at
        """

    @discardableResult
    func enqueue(_ job: NewJob, now: Date) async throws -> Bool {
        let logger = database.logger
        return try await database.write { connection in
            try await PostgresJobs.enqueue(connection, job, now: now, logger: logger)
        }
    }

    /// One statement: the CTE picks the due rows oldest first and locks them, skipping rows another node's claim
    /// has locked (`SKIP LOCKED`: never waits, never hands out a row twice); the `UPDATE` marks them running under
    /// this claim's lease. A row another claim updated since this statement's snapshot is re-checked against the
    /// `WHERE` before it is locked (READ COMMITTED), so a job just claimed elsewhere is not due here any more.
    func claim(now: Date, lease: Duration, limit: Int) async throws -> [Job] {
        guard limit > 0 else { return [] }
        let until = now.addingTimeInterval(Double(lease.components.seconds))
        let logger = database.logger
        let claimed = try await database.write { connection in
            try await Self.decodeAll(connection.query("""
                WITH due AS (
                    SELECT id FROM jobs
                    WHERE (status = 'queued' AND run_at <= \(now)) OR (status = 'running' AND locked_until <= \(now))
                    ORDER BY run_at, id LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE jobs SET status = 'running', attempts = jobs.attempts + 1, locked_until = \(until),
                    updated_at = \(now)
                FROM due WHERE jobs.id = due.id
                RETURNING \(unescaped: Self.columns)
                """, logger: logger))
        }
        // RETURNING has no order of its own.
        return claimed.sorted { ($0.runAt, $0.id) < ($1.runAt, $1.id) }
    }

    /// Several nodes share this queue, so a `running` job may be another live node's work: only jobs whose lease
    /// has run out were abandoned (their node died or stalled past its lease), and only they are queued again.
    /// Re-queueing every `running` job, as the one-process SQLite queue does at start-up, would hand a live node's
    /// jobs to a second runner. (`claim` rescues expired leases too; this only makes them due at once as `queued`.)
    func releaseAbandoned(now: Date) async throws -> Int {
        let logger = database.logger
        let released = try await database.write { connection in
            try await connection.query("""
                UPDATE jobs SET status = 'queued', locked_until = NULL, updated_at = \(now), run_at = LEAST(run_at, \(now))
                WHERE status = 'running' AND locked_until <= \(now)
                RETURNING id
                """, logger: logger).all(Int64.self)
        }
        return released.count
    }

    /// The `mark` methods change the job only while it is still the caller's run: `running` with the caller's
    /// `attempts` (see `GRDBWorkQueue.markDone`). A node whose lease ran out and whose job another node claimed
    /// (raising `attempts`) must not finish that node's run. Each is one conditional `UPDATE`, so the check and the
    /// change cannot be split by another node's claim.
    func markDone(_ job: Job, now: Date) async throws {
        let logger = database.logger
        try await database.write { connection in
            _ = try await connection.query("""
                UPDATE jobs SET status = 'done', locked_until = NULL, last_error = NULL, updated_at = \(now),
                    finished_at = \(now)
                WHERE id = \(job.id) AND status = 'running' AND attempts = \(job.attempts)
                """, logger: logger)
        }
    }

    func markFailed(_ job: Job, error: String, retryAt: Date?, now: Date) async throws {
        let logger = database.logger
        try await database.write { connection in
            if let retryAt {
                try await connection.query("""
                    UPDATE jobs SET status = 'queued', locked_until = NULL, last_error = \(error), run_at = \(retryAt),
                        updated_at = \(now)
                    WHERE id = \(job.id) AND status = 'running' AND attempts = \(job.attempts)
                    """, logger: logger)
            } else {
                let failed = try await connection.query("""
                    UPDATE jobs SET status = 'failed', locked_until = NULL, last_error = \(error), updated_at = \(now),
                        finished_at = \(now)
                    WHERE id = \(job.id) AND status = 'running' AND attempts = \(job.attempts)
                    RETURNING id
                    """, logger: logger).all(Int64.self)
                guard !failed.isEmpty else { return }
                try await PostgresEventAppender.append(connection, EventDraft(
                    businessId: job.businessId, stream: .job(job.id),
                    JobFailed(jobId: job.id, kind: job.kind, attempts: job.attempts, error: String(error.prefix(1_000)))),
                    at: now, logger: logger)
            }
        }
    }

    func markPostponed(_ job: Job, until: Date, reason: String, now: Date) async throws {
        let logger = database.logger
        try await database.write { connection in
            _ = try await connection.query("""
                UPDATE jobs SET status = 'queued', locked_until = NULL, attempts = GREATEST(attempts - 1, 0),
                    last_error = \(reason), run_at = \(until), updated_at = \(now)
                WHERE id = \(job.id) AND status = 'running' AND attempts = \(job.attempts)
                """, logger: logger)
        }
    }

    func job(id: Int64) async throws -> Job? {
        let logger = database.logger
        return try await database.read { connection in
            try await Self.decodeAll(connection.query(
                "SELECT \(unescaped: Self.columns) FROM jobs WHERE id = \(id)", logger: logger)).first
        }
    }

    func jobs(kind: String) async throws -> [Job] {
        let logger = database.logger
        return try await database.read { connection in
            try await Self.decodeAll(connection.query(
                "SELECT \(unescaped: Self.columns) FROM jobs WHERE kind = \(kind) ORDER BY id", logger: logger))
        }
    }

    func counts() async throws -> (pending: Int, failed: Int) {
        let logger = database.logger
        let rows = try await database.read { connection in
            try await connection.query("""
                SELECT count(*) FILTER (WHERE status IN ('queued', 'running')), count(*) FILTER (WHERE status = 'failed')
                FROM jobs
                """, logger: logger).all((Int64, Int64).self)
        }
        guard let (pending, failed) = rows.first else { return (0, 0) }
        return (Int(pending), Int(failed))
    }

    func countsByKind() async throws -> [String: (pending: Int, failed: Int)] {
        let logger = database.logger
        let rows = try await database.read { connection in
            try await connection.query("""
                SELECT kind, count(*) FILTER (WHERE status IN ('queued', 'running')),
                    count(*) FILTER (WHERE status = 'failed')
                FROM jobs GROUP BY kind
                """, logger: logger).all((String, Int64, Int64).self)
        }
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.0, (pending: Int($0.1), failed: Int($0.2))) })
    }

    func nextRunAt() async throws -> Date? {
        let logger = database.logger
        return try await database.read { connection in
            try await connection.query(
                "SELECT min(run_at) FROM jobs WHERE status = 'queued'", logger: logger).all(Date?.self).first ?? nil
        }
    }

    // MARK: - Rows

    /// Decodes rows selected with ``columns``.
    static func decodeAll(_ rows: PostgresRowSequence) async throws -> [Job] {
        var jobs: [Job] = []
        for try await (id, kind, businessId, payload, dedupeKey, status, attempts, maxAttempts, runAt, lockedUntil,
                       lastError, createdAt, updatedAt, finishedAt)
            in rows.decode((Int64, String, String?, String, String?, String, Int, Int, Date, Date?, String?, Date, Date,
                            Date?).self) {
            guard let status = Job.Status(rawValue: status) else {
                throw RepositoryError.invalid("stored job \(id) has unknown status \(status)")
            }
            jobs.append(Job(
                id: id, kind: kind, businessId: businessId, payload: payload, dedupeKey: dedupeKey, status: status,
                attempts: attempts, maxAttempts: maxAttempts, runAt: runAt, lockedUntil: lockedUntil,
                lastError: lastError, createdAt: createdAt, updatedAt: updatedAt, finishedAt: finishedAt))
        }
        return jobs
    }
}
