import Campaigns
import Foundation
import Testing

@Suite struct CampaignDefinitionTests {
    static func definition() -> CampaignDefinition {
        CampaignDefinition(name: "  Spring boiler checks ", script: CampaignScriptTests.script(), callerNumber: "+15550009999")
    }

    @Test func theDefaultsAreTheIssuesDefaults() throws {
        let checked = try Self.definition().validated()
        #expect(checked.name == "Spring boiler checks")
        #expect(checked.callingWindow == CallingWindow(startMinute: 480, endMinute: 1260))
        #expect(checked.retryPolicy == RetryPolicy(maxAttempts: 3, minimumGap: 7200))
        #expect(checked.pacing.maxConcurrentCalls == 2)
        #expect(checked.voicemail == .hangUp)
        #expect(checked.startAt == nil)
    }

    @Test func badSettingsNameTheirField() {
        func field(_ change: (inout CampaignDefinition) -> Void) -> String? {
            var definition = Self.definition()
            change(&definition)
            do {
                _ = try definition.validated()
                return nil
            } catch {
                return error.field
            }
        }
        #expect(field { $0.name = " " } == "name")
        #expect(field { $0.callerNumber = "555-0100" } == "caller_number")
        #expect(field { $0.pacing.maxConcurrentCalls = 0 } == "pacing.max_concurrent_calls")
        #expect(field { $0.pacing.maxConcurrentCalls = 51 } == "pacing.max_concurrent_calls")
        #expect(field { $0.retryPolicy.maxAttempts = 6 } == "retry_policy.max_attempts")
        #expect(field { $0.retryPolicy.minimumGap = 3600 } == "retry_policy.retry_gap_minutes")
        #expect(field { $0.callingWindow.endMinute = 22 * 60 } == "calling_window.end")
        #expect(field { $0.script.purpose = CampaignScriptTests.line("") } == "script.purpose")
        #expect(field {
            $0.voicemail = .leaveMessage
            $0.script.voicemailMessage = nil
        } == "script.voicemail_message")
        #expect(field { $0.voicemail = .leaveMessage } == nil)
    }

    @Test func changedFieldsAreNamedAsTheAPINamesThem() {
        let before = Self.definition()
        var after = before
        after.pacing.maxConcurrentCalls = 5
        after.startAt = Date(timeIntervalSince1970: 2_000_000_000)
        #expect(before.changedFields(to: after) == ["start_at", "pacing"])
        #expect(before.changedFields(to: before).isEmpty)
    }

    @Test func retriesFollowTheBudgetTheGapAndTheOutcome() {
        let policy = RetryPolicy.standard
        let ended = Date(timeIntervalSince1970: 2_000_000_000)
        #expect(policy.nextAttempt(after: .busy, attemptsMade: 1, endedAt: ended) == ended.addingTimeInterval(7200))
        #expect(policy.nextAttempt(after: .noAnswer, attemptsMade: 2, endedAt: ended) == ended.addingTimeInterval(7200))
        #expect(policy.nextAttempt(after: .failed, attemptsMade: 1, endedAt: ended) != nil, "a transient failure")
        #expect(policy.nextAttempt(after: .noAnswer, attemptsMade: 3, endedAt: ended) == nil, "the budget is spent")
        for outcome in [AttemptOutcome.completed, .invalidNumber, .voicemailLeft, .machineHungUp, .optedOut] {
            #expect(policy.nextAttempt(after: outcome, attemptsMade: 1, endedAt: ended) == nil, "\(outcome)")
        }
        #expect(AttemptOutcome.allCases.filter(\.isRetryable) == [.busy, .noAnswer, .failed])
    }

    @Test func recipientStatesSayWhichAreFinal() {
        #expect(RecipientState.allCases.map(\.rawValue) == ["pending", "dialing", "in_progress", "completed", "busy", "no_answer",
                                                            "failed", "voicemail", "opted_out", "skipped"])
        #expect(RecipientState.allCases.filter(\.isFinal) == [.completed, .voicemail, .optedOut, .skipped])
        #expect(RecipientState.allCases.filter(\.mayBeRetried) == [.busy, .noAnswer, .failed])
        #expect(AttemptOutcome.invalidNumber.recipientState == .failed)
        #expect(AttemptOutcome.machineHungUp.recipientState == .voicemail)
        let now = Date(timeIntervalSince1970: 2_000_000_000)
        var recipient = CampaignRecipient(businessId: "b", campaignId: "c", phone: "+15550100001", variables: [:],
                                          timeZone: "UTC", zoneSource: .business, position: 1, createdAt: now, updatedAt: now)
        #expect(recipient.isDue(at: now) && !recipient.isFinished)
        recipient.state = .busy
        recipient.nextAttemptAt = now.addingTimeInterval(7200)
        #expect(!recipient.isDue(at: now) && recipient.isDue(at: now.addingTimeInterval(7200)) && !recipient.isFinished)
        recipient.nextAttemptAt = nil
        #expect(!recipient.isDue(at: now) && recipient.isFinished, "busy with no retry left is final")
    }

    /// An attempt taken back before it was dialled does not count: the recipient returns to the state its last ended
    /// attempt left (pending before any), due at the window's next opening in its zone after the dial-by time; a
    /// cancelled campaign skips it instead; a dialled, ended or stale attempt cannot be taken back.
    @Test func anAttemptNeverDialledIsTakenBackWithoutCounting() {
        let closing = try! Date("2031-06-11T04:00:00Z", strategy: .iso8601) // 21:00 PDT
        let now = closing.addingTimeInterval(-2)
        let definition = CampaignDefinition(name: "Visits", script: CampaignScriptTests.script(), callerNumber: "+15550009999")
        var campaign = Campaign(businessId: "b", definition: definition, state: .running, createdAt: now, updatedAt: now)
        var recipient = CampaignRecipient(businessId: "b", campaignId: campaign.id, phone: "+15550100001", variables: [:],
                                          timeZone: "America/Los_Angeles", zoneSource: .timezone, position: 1,
                                          createdAt: now, updatedAt: now)
        recipient.state = .dialing
        recipient.attempts = 1
        let attempt = CampaignAttempt(businessId: "b", campaignId: campaign.id, recipientId: recipient.id, number: 1, startedAt: now)

        let first = recipient.withdrawing(attempt, campaign: campaign, notBefore: closing, at: now)
        #expect(first?.state == .pending && first?.attempts == 0 && first?.version == recipient.version + 1)
        #expect(first?.nextAttemptAt == (try! Date("2031-06-11T15:00:00Z", strategy: .iso8601)), "Wednesday 08:00 PDT")

        // A retry after a busy line goes back to busy, its retry due at the next opening.
        var retry = recipient
        retry.attempts = 2
        retry.lastOutcome = .busy
        let second = CampaignAttempt(businessId: "b", campaignId: campaign.id, recipientId: recipient.id, number: 2, startedAt: now)
        let back = retry.withdrawing(second, campaign: campaign, notBefore: closing, at: now)
        #expect(back?.state == .busy && back?.attempts == 1 && back.map { $0.isDue(at: $0.nextAttemptAt!) } == true)

        // Withdrawn before the window closes (the slot was past it): still not due again until the next opening.
        #expect(recipient.withdrawing(attempt, campaign: campaign, notBefore: closing, at: now)?.nextAttemptAt
                != now, "never due again tonight")

        var dialled = attempt
        dialled.callSid = "CA1"
        #expect(recipient.withdrawing(dialled, campaign: campaign, notBefore: closing, at: now) == nil)
        var ended = attempt
        ended.endedAt = now
        #expect(recipient.withdrawing(ended, campaign: campaign, notBefore: closing, at: now) == nil)
        #expect(retry.withdrawing(attempt, campaign: campaign, notBefore: closing, at: now) == nil, "not its latest attempt")

        campaign.state = .cancelled
        let skipped = recipient.withdrawing(attempt, campaign: campaign, notBefore: closing, at: now)
        #expect(skipped?.state == .skipped && skipped?.nextAttemptAt == nil && skipped?.attempts == 0)
    }
}
