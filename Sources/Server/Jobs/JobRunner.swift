import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Runs one kind of job. Handlers must be idempotent: a job whose process died mid-run is run again.
public protocol JobHandler: Sendable {
    var kind: String { get }
    func run(_ job: Job) async throws
}

/// A handler's verdict that retrying cannot help (bad payload, a recipient who opted out …).
public struct PermanentJobError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A handler's verdict that the job cannot run yet for a reason that is not the job's fault (no Twilio account is
/// configured): it is queued again after `seconds` without spending an attempt.
public struct JobPostponed: Error, CustomStringConvertible {
    public let seconds: TimeInterval
    public let reason: String
    public init(seconds: TimeInterval, reason: String) {
        self.seconds = seconds
        self.reason = reason
    }
    public var description: String { "postponed \(Int(seconds)) s: \(reason)" }
}

/// Work the runner does on every pass besides queued jobs, e.g. draining the SMS outbox (whose rows carry their own
/// retry state) or, once an hour, queueing appointment reminders. Errors are logged, never fatal.
public struct PeriodicTask: Sendable {
    public var name: String
    /// Seconds between runs (0: every pass).
    public var interval: TimeInterval
    public var run: @Sendable (Date) async throws -> Void

    public init(name: String, interval: TimeInterval, run: @escaping @Sendable (Date) async throws -> Void) {
        self.name = name
        self.interval = interval
        self.run = run
    }
}

/// Runs due jobs: a `Service` in the application's service group. Time comes from an injected clock, and
/// `runDue(now:)` does one pass, so tests drive time themselves instead of sleeping.
public final class JobRunner: Service, Sendable {
    let queue: any WorkQueue
    let handlers: [String: any JobHandler]
    let logger: Logger
    let now: @Sendable () -> Date
    /// How long a claimed job may run before another pass treats it as abandoned.
    let lease: Duration
    /// Longest sleep between passes (new jobs also wake the runner at once).
    let pollInterval: Duration
    private let wakeups: AsyncStream<Void>
    private let wakeup: AsyncStream<Void>.Continuation
    private let metrics: any MetricsFactory
    let periodic: [PeriodicTask]
    /// Whether this node runs the periodic tasks now (several nodes: only the leader; queued jobs run on every
    /// node, each claimed by one).
    let runsPeriodic: @Sendable () -> Bool
    /// Other nodes' "work queued" signal (PostgreSQL NOTIFY), if any.
    let externalWakeups: EventSignal?
    /// When each periodic task last ran (only the runner's own loop touches it).
    private let lastRuns = Mutex<[String: Date]>([:])

    public init(queue: any WorkQueue, handlers: [any JobHandler], periodic: [PeriodicTask] = [], logger: Logger,
                metrics: any MetricsFactory,
                now: @escaping @Sendable () -> Date = Date.init, lease: Duration = .seconds(300),
                pollInterval: Duration = .seconds(1), runsPeriodic: @escaping @Sendable () -> Bool = { true },
                externalWakeups: EventSignal? = nil) {
        self.runsPeriodic = runsPeriodic
        self.externalWakeups = externalWakeups
        self.queue = queue
        self.handlers = Dictionary(handlers.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
        self.periodic = periodic
        self.logger = logger
        self.metrics = metrics
        self.now = now
        self.lease = lease
        self.pollInterval = pollInterval
        (wakeups, wakeup) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Delay before retry `attempt` (1-based): 30 s, 1 min, 2 min … capped at 1 h.
    public static func backoff(afterAttempt attempt: Int) -> TimeInterval {
        min(3600, 30 * pow(2, Double(max(0, attempt - 1))))
    }

    /// Tells the runner that work was enqueued, so it does not wait for the next poll.
    public func wake() { wakeup.yield() }

    public func run() async throws {
        let released = try await queue.releaseAbandoned(now: now())
        if released > 0 { logger.notice("jobs left running by a previous process queued again", metadata: ["count": "\(released)"]) }
        // Work another node queued wakes this runner too (it may be idle while the other is busy).
        let forwarder = externalWakeups.map { signal in
            Task { [wakeup] in
                let (id, wakeups) = signal.subscribe()
                defer { signal.unsubscribe(id) }
                for await _ in wakeups { wakeup.yield() }
            }
        }
        defer { forwarder?.cancel() }
        await withGracefulShutdownHandler {
            var iterator = wakeups.makeAsyncIterator()
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                do {
                    _ = try await runDue(now: now())
                    if runsPeriodic() { await runPeriodic(now: now()) }
                    try await updateGauges()
                } catch {
                    logger.error("job pass failed", metadata: ["error": "\(error)"])
                }
                // Sleep until woken or the poll interval passes (the timer wakes us through the same stream).
                let timer = Task { [pollInterval, wakeup] in
                    // Cancelled (woken early): no wake-up of its own — a cancelled sleep returns at once, and
                    // yielding then would wake the next wait immediately, spinning the loop forever.
                    guard (try? await Task.sleep(for: pollInterval)) != nil else { return }
                    wakeup.yield()
                }
                _ = await iterator.next()
                timer.cancel()
            }
        } onGracefulShutdown: { [wakeup] in
            wakeup.yield()
        }
    }

    /// Runs every job due at `now` (claimed in batches) and returns how many ran.
    @discardableResult
    public func runDue(now: Date) async throws -> Int {
        var ran = 0
        while true {
            let batch = try await queue.claim(now: now, lease: lease, limit: 16)
            if batch.isEmpty { return ran }
            for job in batch {
                await execute(job, now: now)
                ran += 1
            }
        }
    }

    /// Runs the periodic tasks whose interval has passed.
    public func runPeriodic(now: Date) async {
        for task in periodic {
            let last = lastRuns.withLock { $0[task.name] }
            if let last, now.timeIntervalSince(last) < task.interval { continue }
            lastRuns.withLock { $0[task.name] = now }
            do {
                try await task.run(now)
            } catch {
                logger.error("periodic task failed", metadata: ["task": "\(task.name)", "error": "\(error)"])
            }
        }
    }

    private func execute(_ job: Job, now: Date) async {
        let kind = job.kind
        guard let handler = handlers[kind] else {
            try? await queue.markFailed(job, error: "no handler for job kind \(kind)", retryAt: nil, now: now)
            logger.error("job without a handler", metadata: ["kind": "\(kind)", "job": "\(job.id)"])
            return
        }
        do {
            try await handler.run(job)
            try await queue.markDone(job, now: now)
            Counter(label: AppMetrics.Name.jobsRun, dimensions: [("kind", kind), ("result", "done")], factory: metrics).increment()
        } catch let postponed as JobPostponed {
            try? await queue.markPostponed(job, until: now.addingTimeInterval(postponed.seconds), reason: postponed.reason, now: now)
            Counter(label: AppMetrics.Name.jobsRun, dimensions: [("kind", kind), ("result", "postponed")], factory: metrics).increment()
        } catch {
            let permanent = error is PermanentJobError
            let retryAt = !permanent && job.attempts < job.maxAttempts
                ? now.addingTimeInterval(Self.backoff(afterAttempt: job.attempts)) : nil
            try? await queue.markFailed(job, error: "\(error)", retryAt: retryAt, now: now)
            Counter(label: AppMetrics.Name.jobsRun, dimensions: [("kind", kind), ("result", retryAt == nil ? "failed" : "retry")],
                    factory: metrics).increment()
            logger.warning("job failed", metadata: [
                "kind": "\(kind)", "job": "\(job.id)", "attempt": "\(job.attempts)",
                "retry": "\(retryAt.map { "\($0)" } ?? "no")", "error": "\(error)"])
        }
    }

    private func updateGauges() async throws {
        let (pending, failed) = try await queue.counts()
        Gauge(label: AppMetrics.Name.jobsPending, factory: metrics).record(pending)
        Gauge(label: AppMetrics.Name.jobsFailed, factory: metrics).record(failed)
        for (kind, counts) in try await queue.countsByKind() {
            Gauge(label: AppMetrics.Name.jobsPendingByKind, dimensions: [("kind", kind)], factory: metrics).record(counts.pending)
            Gauge(label: AppMetrics.Name.jobsFailedByKind, dimensions: [("kind", kind)], factory: metrics).record(counts.failed)
        }
    }
}
