import Campaigns
import Events
import Foundation
import Logging
import Receptionist

/// Follows a campaign's calls (their `purpose` is `campaign:<id>:<attempt>`) through their events and records each
/// attempt: the CallSid once the call exists (`call.started`), what answered (`call.status` with `answered_by`), and
/// how it ended (`call.ended`): opted out (the callee said "stop calling": the number goes on the do-not-call
/// list), busy, no answer, failed, a voicemail left or a machine hung up on, a fax (an invalid number), or a
/// completed conversation with the script's answers as the recipient's results. A call its `call.create` job did
/// not dial (`call.not_placed`: the calling window closed before a dial slot came) takes its attempt back
/// (``CampaignRepository/withdrawAttempt(attemptId:businessId:notBefore:reason:)``). Idempotent: a second delivery
/// changes nothing.
struct CampaignCallConsumer: EventConsumer {
    let name = "campaign-calls"
    let types: Set<EventType> = [.callStarted, .callStatus, .callEnded, .callNotPlaced]
    let campaigns: any CampaignRepository
    let calls: any CallRepository
    let logger: Logger

    func handle(_ event: StoredEvent) async throws {
        if event.type == .callNotPlaced { return try await withdraw(event) }
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

    /// A campaign call its job did not dial: the attempt is taken back, the recipient due at the window's next opening.
    private func withdraw(_ event: StoredEvent) async throws {
        let notPlaced = try event.decode(CallNotPlaced.self)
        guard let businessId = event.businessId, let purpose = CampaignCallPurpose(notPlaced.purpose),
              purpose.attemptId == notPlaced.requestId
        else { return }
        do {
            let recipient = try await campaigns.withdrawAttempt(attemptId: purpose.attemptId, businessId: businessId,
                                                                notBefore: notPlaced.dialBy, reason: notPlaced.reason)
            logger.info("campaign call not placed; attempt taken back", metadata: [
                "campaign": "\(purpose.campaignId)", "attempt": "\(purpose.attemptId)",
                "next_attempt_at": "\(recipient?.nextAttemptAt.map { "\($0)" } ?? "none")"])
        } catch is CampaignConflict {
            // Dialled or ended after all (a redelivery after another path moved it on): nothing to take back.
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
