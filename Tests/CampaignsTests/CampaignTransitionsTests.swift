import Campaigns
import Foundation
import Testing

@Suite struct CampaignTransitionsTests {
    @Test func theRawValuesArePublicAPI() {
        #expect(CampaignState.allCases.map(\.rawValue) == ["draft", "scheduled", "running", "paused", "completed", "cancelled"])
        #expect(CampaignState(parsing: " Paused ") == .paused)
        #expect(CampaignState(parsing: "stopped") == nil)
        #expect(CampaignState.allCases.filter(\.isFinal) == [.completed, .cancelled])
        #expect(CampaignState.allCases.filter(\.isEditable) == [.draft, .scheduled, .paused])
    }

    @Test func theLifeOfACampaignIsLegal() {
        let path: [CampaignState] = [.draft, .scheduled, .running, .paused, .running, .completed]
        for (from, to) in zip(path, path.dropFirst()) {
            #expect(CampaignTransitions.isLegal(from: from, to: to), "\(from) → \(to)")
        }
        for from in [CampaignState.draft, .scheduled, .running, .paused] {
            #expect(CampaignTransitions.rule(from: from, to: .cancelled) == nil, "\(from) can be cancelled")
        }
        #expect(CampaignTransitions.isLegal(from: .draft, to: .running))
        #expect(CampaignTransitions.legal.count == 11)
        #expect(Set(CampaignTransitions.legal).count == 11)
    }

    @Test(arguments: [
        (CampaignState.completed, CampaignState.running, "a completed campaign cannot be restarted; create a new campaign"),
        (.cancelled, .running, "a cancelled campaign cannot be restarted; create a new campaign"),
        (.cancelled, .draft, "a cancelled campaign cannot be restarted; create a new campaign"),
        (.paused, .paused, "the campaign is already paused"),
        (.running, .running, "the campaign is already running"),
        (.running, .draft, "a campaign never goes back to draft"),
        (.running, .scheduled, "a campaign that has started cannot be started or scheduled again; pause or resume it"),
        (.draft, .paused, "only a running campaign can be paused"),
        (.scheduled, .paused, "only a running campaign can be paused"),
        (.draft, .completed, "a campaign that never ran cannot be completed; cancel it instead"),
        (.scheduled, .completed, "a campaign that never ran cannot be completed; cancel it instead"),
    ])
    func illegalMovesSayTheRuleTheyBreak(from: CampaignState, to: CampaignState, rule: String) {
        #expect(CampaignTransitions.rule(from: from, to: to) == rule)
        #expect(throws: IllegalCampaignTransition(from: from, to: to, rule: rule)) {
            try CampaignTransitions.check(from: from, to: to)
        }
    }

    /// Every one of the 36 pairs is either in the table or refused by a named rule, never by the catch-all.
    @Test func everyPairIsDecidedByTheTableOrANamedRule() throws {
        var illegal = 0
        for from in CampaignState.allCases {
            for to in CampaignState.allCases {
                guard let rule = CampaignTransitions.rule(from: from, to: to) else {
                    #expect(CampaignTransitions.legal.contains { $0.from == from && $0.to == to })
                    try CampaignTransitions.check(from: from, to: to)
                    continue
                }
                illegal += 1
                #expect(!rule.hasPrefix("a \(from.rawValue) campaign cannot become"), "\(from) → \(to) fell through")
            }
        }
        #expect(illegal == 36 - CampaignTransitions.legal.count)
        #expect(CampaignTransitions.legal.allSatisfy { !$0.from.isFinal })
        #expect(CampaignTransitions.legal.allSatisfy { $0.to != .draft })
    }

    @Test func startGoesToScheduledOrRunningByTheStartTime() {
        let now = Date(timeIntervalSince1970: 2_000_000_000)
        #expect(CampaignTransitions.startTarget(from: .draft, startAt: nil, now: now) == .running)
        #expect(CampaignTransitions.startTarget(from: .draft, startAt: now.addingTimeInterval(60), now: now) == .scheduled)
        #expect(CampaignTransitions.startTarget(from: .draft, startAt: now.addingTimeInterval(-60), now: now) == .running)
        #expect(CampaignTransitions.startTarget(from: .draft, startAt: now, now: now) == .running, "the start time has come")
        // Starting a scheduled campaign again changes nothing while its time is ahead, and runs it once it has passed.
        #expect(CampaignTransitions.startTarget(from: .scheduled, startAt: now.addingTimeInterval(60), now: now) == nil)
        #expect(CampaignTransitions.startTarget(from: .scheduled, startAt: now.addingTimeInterval(-1), now: now) == .running)
        // Anything else is refused by the table, with its rule.
        for state in [CampaignState.running, .paused, .completed, .cancelled] {
            let target = CampaignTransitions.startTarget(from: state, startAt: nil, now: now)!
            #expect(CampaignTransitions.rule(from: state, to: target) != nil, "\(state) cannot be started")
        }
        #expect(CampaignTransitions.rule(from: .paused, to: .scheduled)!.contains("resume"))
    }

    @Test func whatAPatchMayChangeDependsOnTheState() {
        #expect(CampaignPatchRules.refusal(changing: ["script", "caller_number", "start_at"], in: .draft) == nil)
        #expect(CampaignPatchRules.refusal(changing: ["script"], in: .scheduled) == nil)
        #expect(CampaignPatchRules.refusal(changing: ["name", "calling_window", "pacing", "retry_policy", "voicemail"], in: .paused) == nil)
        #expect(CampaignPatchRules.refusal(changing: ["pacing", "script"], in: .paused)
                == "script cannot change once the campaign has started calling (only name, calling_window, pacing, retry_policy and voicemail can)")
        #expect(CampaignPatchRules.refusal(changing: ["name"], in: .running) == "a running campaign cannot be edited; pause it first")
        #expect(CampaignPatchRules.refusal(changing: ["name"], in: .completed) == "a completed campaign cannot be edited")
        #expect(CampaignPatchRules.refusal(changing: [], in: .running) == nil, "nothing changed, nothing refused")
    }
}
