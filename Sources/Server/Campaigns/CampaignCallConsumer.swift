import Campaigns
import Events
import Foundation
import Logging
import Receptionist

/// Follows a campaign's calls (their `purpose` is `campaign:<id>:<attempt>`) through their events and records each
/// attempt: the CallSid once the call exists (`call.started`), what answered (`call.status` with `answered_by`), and
/// how it ended (`call.ended`): opted out (the callee said "stop calling": the number goes on the do-not-call
/// list), busy, no answer, failed, a voicemail left or a machine hung up on, a fax (an invalid number), or a
/// completed conversation with the script's answers as the recipient's results. Idempotent: a second delivery
/// changes nothing.
struct CampaignCallConsumer: EventConsumer {
    let name = "campaign-calls"
    let types: Set<EventType> = [.callStarted, .callStatus, .callEnded]
    let campaigns: any CampaignRepository
    let calls: any CallRepository
    let logger: Logger

    func handle(_ event: StoredEvent) async throws {
        let prefix = "call:"
        guard let businessId = event.businessId, event.stream.rawValue.hasPrefix(prefix) else { return }
        let sid = String(event.stream.rawValue.dropFirst(prefix.count))
        guard let call = try await calls.call(sid: sid), call.businessId == businessId,
              let context = call.outboundContext, let purpose = CampaignCallPurpose(context.purpose)
        else { return }
        do {
            switch event.type {
            case .callStarted:
                _ = try await campaigns.recordCallSid(attemptId: purpose.attemptId, businessId: businessId, callSid: sid)
            case .callStatus:
                guard let answeredBy = try event.decode(CallStatusChanged.self).answeredBy else { return }
                _ = try await campaigns.recordCallSid(attemptId: purpose.attemptId, businessId: businessId, callSid: sid)
                _ = try await campaigns.markAnswered(attemptId: purpose.attemptId, businessId: businessId, answeredBy: answeredBy)
            case .callEnded:
                let ended = try event.decode(CallEnded.self)
                _ = try await campaigns.recordCallSid(attemptId: purpose.attemptId, businessId: businessId, callSid: sid)
                let attempt = try await campaigns.attempt(callSid: sid, businessId: businessId)
                let end = Self.end(of: call, context: context, status: ended.status, answeredBy: attempt?.answeredBy)
                _ = try await campaigns.finishAttempt(attemptId: purpose.attemptId, businessId: businessId, end)
                logger.info("campaign call ended", metadata: ["campaign": "\(purpose.campaignId)", "call": "\(sid)",
                                                              "outcome": "\(end.outcome.rawValue)"])
            default:
                return
            }
        } catch is CampaignConflict {
            // The attempt was already finished (a redelivery) or the campaign moved on.
        } catch RepositoryError.notFound {
            throw UnhandleableEvent("\(event.type.rawValue) \(event.id): campaign attempt \(purpose.attemptId) not found")
        }
    }

    /// How a campaign call ended, from its final status, what answered, and its conversation.
    static func end(of call: CallRecord, context: OutboundCalls.Context, status: String, answeredBy: String?) -> AttemptEnd {
        let progress = call.machine.campaign
        if progress?.optedOut == true { return AttemptEnd(outcome: .optedOut, answeredBy: answeredBy) }
        switch status {
        case "busy": return AttemptEnd(outcome: .busy, answeredBy: answeredBy)
        case "no-answer", "canceled": return AttemptEnd(outcome: .noAnswer, answeredBy: answeredBy)
        case "failed": return AttemptEnd(outcome: .failed, answeredBy: answeredBy)
        default: break
        }
        if let verdict = answeredBy.flatMap(AnsweredBy.init(rawValue:)) {
            if verdict == .fax { return AttemptEnd(outcome: .invalidNumber, answeredBy: answeredBy) }
            if verdict.isMachine {
                let left = context.voicemail?.message != nil && verdict.isReadyForMessage
                return AttemptEnd(outcome: left ? .voicemailLeft : .machineHungUp, answeredBy: answeredBy)
            }
        }
        return AttemptEnd(outcome: .completed, answeredBy: answeredBy,
                          results: (progress?.results ?? [:]).compactMapValues { $0 })
    }
}
