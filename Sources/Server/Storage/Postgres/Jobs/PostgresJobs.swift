import Foundation
import PostgresNIO

/// Queueing a job inside another write's PostgreSQL transaction (a text and its `sms.send` job commit together).
/// The `WorkQueue` itself is `PostgresWorkQueue`.
enum PostgresJobs {
    /// Adds `job` in the caller's transaction; a job whose `dedupeKey` was ever enqueued is not added again.
    /// Tells listening nodes (`NOTIFY jobs`, delivered on commit) so an idle runner claims it at once.
    /// - Returns: whether it was added.
    @discardableResult
    static func enqueue(_ connection: PostgresConnection, _ job: NewJob, now: Date, logger: Logger) async throws -> Bool {
        let runAt = job.runAt ?? now
        let ids = try await connection.query("""
            INSERT INTO jobs (kind, business_id, payload, dedupe_key, status, attempts, max_attempts, run_at, created_at, updated_at)
            VALUES (\(job.kind), \(job.businessId), \(job.payload), \(job.dedupeKey), 'queued', 0, \(job.maxAttempts),
                    \(runAt), \(now), \(now))
            ON CONFLICT (dedupe_key) DO NOTHING RETURNING id
            """, logger: logger).all(Int64.self)
        guard !ids.isEmpty else { return false }
        if runAt <= now { try await PGDatabase.notify(connection, "jobs", logger: logger) }
        return true
    }
}
