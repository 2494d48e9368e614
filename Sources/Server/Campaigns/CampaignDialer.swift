import Campaigns
import Events
import Foundation
import Logging
import Receptionist

/// Dials campaigns (issue 13): one pass over every active campaign, run by the job runner's periodic task on the
/// lease holder (every ``interval``) and by tests with an injected clock.
///
/// For each campaign: a scheduled one whose start has come starts running; a running one fills its free call slots
/// (`pacing.max_concurrent_calls` minus its open attempts) with due recipients — each checked, right before its
/// dial, against the calling window in the **recipient's** time zone (outside it: deferred to the window's next
/// opening, not failed) and, inside ``CampaignRepository/startAttempt(recipientId:businessId:)``'s transaction,
/// against the do-not-call list and SMS opt-outs. A started attempt is placed through ``OutboundCalls`` with the
/// attempt's id as the request id (so placing it again queues nothing), from the campaign's caller number, with
/// the script rendered for the recipient and the campaign's voicemail behaviour. The account's calls per second
/// and concurrent calls are the `call.create` job's pacing across every node; the call carries the window's closing
/// time as its dial-by time, so a call still waiting for a slot when the window closes is not dialled (the
/// campaign-calls consumer takes the attempt back, and the recipient waits for the next opening). A campaign with every recipient
/// finished and no call open completes.
struct CampaignDialer: Sendable {
    static let interval: TimeInterval = 5
    /// An attempt whose call was never recorded (Twilio refused it, or the job died) is ended as failed after this.
    static let unplacedAttemptLifetime = OutboundLimits.unansweredDialLifetime

    let campaigns: any CampaignRepository
    let businesses: any BusinessRepository
    let outboundCalls: OutboundCalls
    let logger: Logger
    let now: @Sendable () -> Date

    /// What one pass did.
    struct Pass: Sendable, Equatable {
        var placed = 0
        var deferred = 0
        var suppressed = 0
        var started = 0
        var completed = 0
    }

    @discardableResult
    func run() async throws -> Pass {
        var pass = Pass()
        for campaign in try await campaigns.activeCampaigns(now: now()) {
            do {
                try await dial(campaign, pass: &pass)
            } catch {
                logger.warning("campaign not dialled", metadata: ["campaign": "\(campaign.id)", "error": "\(error)"])
            }
        }
        return pass
    }

    private func dial(_ found: Campaign, pass: inout Pass) async throws {
        var campaign = found
        guard let business = try await businesses.get(id: campaign.businessId), business.status == .active else { return }
        if campaign.state == .scheduled {
            do {
                campaign = try await campaigns.transition(id: campaign.id, businessId: campaign.businessId, CampaignStateChange(
                    to: .running, actor: .system, reason: "its start time came", expectedState: .scheduled,
                    expectedVersion: campaign.version))
                pass.started += 1
            } catch is CampaignConflict { return }
        }
        guard campaign.state == .running else { return }
        var open = try await campaigns.openAttempts(campaignId: campaign.id, businessId: campaign.businessId)
        for attempt in open where attempt.callSid == nil {
            if now().timeIntervalSince(attempt.startedAt) > Self.unplacedAttemptLifetime {
                _ = try await campaigns.finishAttempt(attemptId: attempt.id, businessId: campaign.businessId,
                                                      AttemptEnd(outcome: .failed))
            } else if let recipient = try await campaigns.recipient(id: attempt.recipientId, businessId: campaign.businessId) {
                // Placed again with the same key: nothing new is queued unless the process died before queueing it.
                try await place(campaign, business: business, recipient: recipient, attempt: attempt)
            }
        }
        open = try await campaigns.openAttempts(campaignId: campaign.id, businessId: campaign.businessId)
        var free = campaign.pacing.maxConcurrentCalls - open.count
        let placedBefore = pass.placed
        if free > 0 {
            let due = try await campaigns.dueRecipients(campaignId: campaign.id, businessId: campaign.businessId, now: now(),
                                                        limit: free + 20)
            for recipient in due where free > 0 {
                let timestamp = now()
                guard campaign.callingWindow.allows(timestamp, in: recipient.zone) else {
                    let opens = campaign.callingWindow.nextAllowed(atOrAfter: timestamp, in: recipient.zone)
                    _ = try? await campaigns.moveRecipient(id: recipient.id, businessId: campaign.businessId, RecipientMove(
                        to: recipient.state, nextAttemptAt: opens, reason: "outside the calling window in \(recipient.timeZone)",
                        actor: .system, expectedVersion: recipient.version))
                    pass.deferred += 1
                    continue
                }
                let start: AttemptStart
                do {
                    start = try await campaigns.startAttempt(recipientId: recipient.id, businessId: campaign.businessId)
                } catch is CampaignConflict { continue }
                switch start {
                case .suppressed:
                    pass.suppressed += 1
                case .started(let started, let attempt):
                    try await place(campaign, business: business, recipient: started, attempt: attempt)
                    pass.placed += 1
                    free -= 1
                }
            }
        }
        // Done when no call is open (a dialing or in-progress recipient always has its open attempt) and nobody is
        // left to call, now or later.
        guard open.isEmpty, pass.placed == placedBefore else { return }
        let waiting = try await campaigns.dueRecipients(campaignId: campaign.id, businessId: campaign.businessId,
                                                        now: .distantFuture, limit: 1)
        if waiting.isEmpty {
            do {
                _ = try await campaigns.transition(id: campaign.id, businessId: campaign.businessId, CampaignStateChange(
                    to: .completed, actor: .system, reason: "every recipient is done", expectedState: .running))
                pass.completed += 1
            } catch is CampaignConflict {}
        }
    }

    private func place(_ campaign: Campaign, business: Business, recipient: CampaignRecipient,
                       attempt: CampaignAttempt) async throws {
        let rendered = try campaign.script.rendered(ScriptContext(businessName: business.name, variables: recipient.variables))
        let script = OutboundScript(
            opening: rendered.opening + " " + rendered.purpose,
            questions: rendered.questions.map { OutboundScript.Question(field: $0.field, text: $0.text, kind: $0.kind) },
            closing: rendered.closing)
        let voicemail = OutboundCalls.Voicemail(message: campaign.voicemail == .leaveMessage ? rendered.voicemail : nil)
        // The call waits for the account's pacing; it must still start inside the window (the window's end, or now
        // when an attempt queued again finds it closed): past it the job dials nothing and the attempt is taken back.
        let timestamp = now()
        let dialBy = campaign.callingWindow.closing(after: timestamp, in: recipient.zone) ?? timestamp
        do {
            _ = try await outboundCalls.place(
                businessId: campaign.businessId, to: recipient.phone, from: campaign.callerNumber, requestId: attempt.id,
                context: .init(purpose: CampaignCallPurpose(campaignId: campaign.id, attemptId: attempt.id).text,
                               voicemail: voicemail, script: script, dialBy: dialBy))
        } catch let error as RepositoryError {
            // The number or the caller number is not usable: this attempt cannot be placed at all.
            logger.warning("campaign call not placed", metadata: ["campaign": "\(campaign.id)", "error": "\(error)"])
            _ = try await campaigns.finishAttempt(attemptId: attempt.id, businessId: campaign.businessId,
                                                  AttemptEnd(outcome: .invalidNumber))
        }
    }
}

/// The `purpose` of a campaign's call: `campaign:<campaign id>:<attempt id>`.
struct CampaignCallPurpose: Sendable, Equatable {
    var campaignId: String
    var attemptId: String

    var text: String { "campaign:\(campaignId):\(attemptId)" }

    init(campaignId: String, attemptId: String) {
        self.campaignId = campaignId
        self.attemptId = attemptId
    }

    init?(_ text: String?) {
        let parts = text?.split(separator: ":", omittingEmptySubsequences: false) ?? []
        guard parts.count == 3, parts[0] == "campaign", !parts[1].isEmpty, !parts[2].isEmpty else { return nil }
        self.init(campaignId: String(parts[1]), attemptId: String(parts[2]))
    }
}
