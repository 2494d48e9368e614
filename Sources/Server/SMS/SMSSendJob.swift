import Foundation

/// Delivers one outbox row: the work queue's `sms.send` job (one per text, keyed `sms:<outbox id>`). Attempts,
/// lease and backoff are the queue's; the outcome is recorded on the outbox row.
struct SMSSendJob: JobHandler {
    static let kind = "sms.send"
    var kind: String { Self.kind }

    struct Payload: Codable, Sendable { var outboxId: Int64 }

    let outbox: SMSOutbox
    /// How long texts wait before trying again when no Twilio account is configured.
    static let unconfiguredDelay: TimeInterval = 60

    static func job(outboxId: Int64, businessId: String, notBefore: Date?) throws -> NewJob {
        try NewJob(kind: kind, businessId: businessId, payload: Payload(outboxId: outboxId), dedupeKey: "sms:\(outboxId)",
                   runAt: notBefore)
    }

    func run(_ job: Job) async throws {
        let payload = try job.decode(Payload.self)
        switch try await outbox.deliver(outboxId: payload.outboxId, attempt: job.attempts,
                                        isLastAttempt: job.attempts >= job.maxAttempts) {
        case .sent, .optedOut:
            return
        case .failed(let reason):
            throw PermanentJobError(reason)
        case .willRetry(let reason):
            throw SMSRetry(reason: reason)
        case .notConfigured:
            // Texts wait in the queue (as before the queue was one): no attempt is spent.
            throw JobPostponed(seconds: Self.unconfiguredDelay, reason: "no Twilio account configured")
        }
    }

    struct SMSRetry: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }
}
