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
}
