import Events
import Foundation

/// When a call ends, queues its post-call work (summary, sentiment) — once per call: the job's unique key is the
/// call's, so a redelivered `call.ended` queues nothing.
struct PostCallConsumer: EventConsumer {
    let name = "post-call"
    let types: Set<EventType> = [.callEnded]

    let jobs: any WorkQueue
    let now: @Sendable () -> Date
    let queued: @Sendable () -> Void

    func handle(_ event: StoredEvent) async throws {
        guard event.stream.kind == "call", let businessId = event.businessId else {
            throw UnhandleableEvent("call.ended \(event.id) is not on a call stream")
        }
        if try await jobs.enqueue(CallSummaryJob.job(callSid: event.stream.id, businessId: businessId), now: now()) {
            queued()
        }
    }
}
