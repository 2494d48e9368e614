import Events
import Foundation

/// A server's background work run by hand, for a simulation on a virtual clock: what `frontdesk serve` runs by
/// itself — the event consumers after each commit, the work queue's due jobs — done in rounds the simulator calls
/// between its own happenings, so the run is repeatable and never waits for a wall clock.
///
/// A round first asks whether there is work — new events of a type some consumer takes, a job due — so a round with
/// nothing to do costs two reads, not a read per consumer and a claim: most rounds of a run have nothing to do.
final class SimulatedBackground {
    let consumers: EventConsumerRunner
    let jobRunner: JobRunner
    let events: any EventLog
    let jobs: any WorkQueue
    /// Errors the event consumers threw (a server logs them and retries from its checkpoint).
    private(set) var consumerFailures: [String] = []
    /// The newest event of the log when the consumers were last drained.
    private var drainedUpTo: Int64 = 0
    /// Called before each step of a round (a consumer's drain, a pass of due jobs): a bench notes when each began.
    var beforeStep: (() async throws -> Void)?

    init(consumers: EventConsumerRunner, jobRunner: JobRunner, events: any EventLog, jobs: any WorkQueue) {
        self.consumers = consumers
        self.jobRunner = jobRunner
        self.events = events
        self.jobs = jobs
    }

    /// One round at `now`: each consumer that wants one of the events appended since the last round drains to the end
    /// of the log (what they append is seen by the next round), then the due jobs run. Returns whether anything ran.
    func round(now: Date) async throws -> Bool {
        var handled = 0, ran = 0
        let fresh = try await events.events(EventQuery(businessId: nil, after: drainedUpTo, limit: 1_000))
        if let last = fresh.last {
            drainedUpTo = last.id
            let types = Set(fresh.map(\.type))
            for consumer in consumers.consumers where fresh.count == 1_000 || !consumer.types.isDisjoint(with: types) {
                do {
                    try await beforeStep?()
                    handled += try await consumers.drain(consumer)
                } catch {
                    consumerFailures.append("the \(consumer.name) consumer failed: \(error)")
                }
            }
        }
        // A job runs once the clock has reached its `run_at` as stored (milliseconds), as on a server.
        if let due = try await jobs.nextRunAt(), due <= now {
            try await beforeStep?()
            ran = try await jobRunner.runDue(now: now)
        }
        return handled > 0 || ran > 0 || fresh.count == 1_000
    }
}
