import Campaigns
import Events
import Foundation
import Testing
@testable import Server

/// `CampaignRepository`'s contract, on every backend: drafts and their events, what a patch may change in each
/// state, the transition table and conditional moves, recipients all or nothing, and tenant scoping.
@Suite struct CampaignRepositoryTests {
    static let callerNumber = "+15550009999"
    static let admin = CampaignActor(.admin, id: "fd_live_test1234")

    static func line(_ text: String) -> ScriptTemplate { try! ScriptTemplate(parsing: text, field: "test") }

    static func script(questions: Int = 1) -> CampaignScript {
        CampaignScript(
            purpose: line("I'm calling to confirm your {{service}} on {{date}}."), openingLine: line("Hi {{first_name}}."),
            questions: Array([CampaignQuestion(field: "confirmed", text: line("Can you still make {{date}}?"), kind: .yesNo),
                              CampaignQuestion(field: "notes", text: line("Anything we should know?"), kind: .freeText)]
                .prefix(questions)),
            closingLine: line("Thanks, goodbye."), voicemailMessage: line("Please call us back."))
    }

    static func definition(_ name: String = "Spring boiler checks", startAt: Date? = nil) -> CampaignDefinition {
        CampaignDefinition(name: name, script: script(), callerNumber: callerNumber, startAt: startAt)
    }

    static func business(_ store: RepositoryStore, _ slug: String = "brightwater") async throws -> Business {
        try await store.makeBusiness(slug, numbers: [slug == "brightwater" ? callerNumber : "+1555000\(slug.count)888"])
    }

    static func create(_ store: RepositoryStore, _ business: Business, _ definition: CampaignDefinition = definition())
        async throws -> Campaign {
        try await store.repositories.campaigns.create(NewCampaign(businessId: business.id, definition: definition, actor: admin))
    }

    /// An upload of `count` recipients +1555010000N with the script's variables, read by the real importer.
    static func upload(_ count: Int, from first: Int = 1, zone: String = "America/Chicago") throws -> RecipientUpload {
        var csv = "phone_number,first_name,service,date\n"
        for index in first..<(first + count) {
            csv += "+1555010\(String(format: "%04d", index)),Person \(index),boiler service,Tuesday\n"
        }
        let imported = try RecipientImport.csv(Array(csv.utf8), options: .init(
            requiredVariables: script().recipientVariables, businessTimeZone: zone))
        return RecipientUpload(imported, actor: admin)
    }

    static func stream(_ store: RepositoryStore, _ campaign: Campaign) async throws -> [StoredEvent] {
        try await store.repositories.events.events(EventQuery(businessId: campaign.businessId, stream: .campaign(campaign.id),
                                                              limit: 1_000))
    }

    @Test(arguments: RepositoryBackend.all)
    func creatingStoresADraftAndItsEvent(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let campaigns = store.repositories.campaigns
        let business = try await Self.business(store)
        let start = clock.read().addingTimeInterval(86_400)
        var definition = Self.definition("  Spring checks ", startAt: start)
        definition.callingWindow = CallingWindow(startMinute: 9 * 60, endMinute: 17 * 60 + 30)
        definition.retryPolicy = RetryPolicy(maxAttempts: 2, minimumGap: 4 * 3600)
        definition.voicemail = .leaveMessage
        let campaign = try await Self.create(store, business, definition)

        #expect(campaign.state == .draft && campaign.version == 1)
        #expect(campaign.name == "Spring checks", "trimmed")
        #expect(campaign.startAt.map { abs($0.timeIntervalSince(start)) < 0.001 } == true)
        #expect(campaign.callingWindow == definition.callingWindow && campaign.retryPolicy == definition.retryPolicy)
        #expect(campaign.script == Self.script() && campaign.voicemail == .leaveMessage)
        #expect(abs(campaign.createdAt.timeIntervalSince(clock.read())) < 0.001 && campaign.createdAt == campaign.updatedAt)
        #expect(try await campaigns.get(id: campaign.id.uppercased(), businessId: business.id) == campaign)
        #expect(try await campaigns.list(businessId: business.id, state: nil, limit: 10, cursor: nil).items == [campaign])

        let events = try await Self.stream(store, campaign)
        #expect(events.map(\.type) == [.campaignCreated])
        let created = try events[0].decode(CampaignCreated.self)
        #expect(created.definition == campaign.definition && created.actor == Self.admin && created.state == .draft)
    }

    @Test(arguments: RepositoryBackend.all)
    func badDefinitionsAndForeignCallerNumbersWriteNothing(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let business = try await Self.business(store)
        var bad = Self.definition()
        bad.pacing.maxConcurrentCalls = 0
        await #expect(throws: CampaignValidationError(field: "pacing.max_concurrent_calls", "pacing.max_concurrent_calls must be 1–50")) {
            _ = try await Self.create(store, business, bad)
        }
        var foreign = Self.definition()
        foreign.callerNumber = "+15550001234"
        await #expect(throws: RepositoryError.invalid("callerNumber +15550001234 is not one of the business's numbers")) {
            _ = try await Self.create(store, business, foreign)
        }
        await #expect(throws: RepositoryError.notFound, "no such business") {
            _ = try await store.repositories.campaigns.create(NewCampaign(businessId: UUID().uuidString, definition: Self.definition(),
                                                                          actor: .system))
        }
        #expect(try await store.count("campaigns") == 0)
        #expect(try await store.count("events", where: "stream LIKE 'campaign:%'") == 0)
    }

    @Test(arguments: RepositoryBackend.all)
    func aPatchChangesWhatTheStateAllows(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let campaigns = store.repositories.campaigns
        let business = try await Self.business(store)
        let campaign = try await Self.create(store, business)

        clock.advance(by: 60)
        var script = Self.script(questions: 2)
        script.closingLine = Self.line("Thanks {{first_name}}, see you {{date}}.")
        let edited = try await campaigns.update(id: campaign.id, businessId: business.id,
                                                CampaignPatch(name: "Autumn checks", script: script,
                                                              pacing: CampaignPacing(maxConcurrentCalls: 4)), actor: Self.admin)
        #expect(edited.name == "Autumn checks" && edited.script == script && edited.pacing.maxConcurrentCalls == 4)
        #expect(edited.version == 2 && edited.updatedAt > campaign.updatedAt)
        // The same values again change nothing and append nothing.
        #expect(try await campaigns.update(id: campaign.id, businessId: business.id, CampaignPatch(name: "Autumn checks"),
                                           actor: Self.admin) == edited)

        _ = try await campaigns.transition(id: campaign.id, businessId: business.id, CampaignStateChange(to: .running, actor: Self.admin))
        await #expect(throws: CampaignConflict(campaignId: campaign.id, state: .running, version: 3,
                                               message: "a running campaign cannot be edited; pause it first")) {
            _ = try await campaigns.update(id: campaign.id, businessId: business.id, CampaignPatch(name: "x"), actor: Self.admin)
        }
        _ = try await campaigns.transition(id: campaign.id, businessId: business.id, CampaignStateChange(to: .paused, actor: Self.admin))
        let paused = try await campaigns.update(id: campaign.id, businessId: business.id,
                                                CampaignPatch(callingWindow: CallingWindow(startMinute: 600, endMinute: 1080)),
                                                actor: Self.admin)
        #expect(paused.callingWindow.startMinute == 600 && paused.state == .paused && paused.version == 5)
        await #expect(throws: CampaignConflict.self, "the script is frozen once calling began") {
            _ = try await campaigns.update(id: campaign.id, businessId: business.id, CampaignPatch(script: Self.script()),
                                           actor: Self.admin)
        }
        await #expect(throws: CampaignValidationError.self) {
            _ = try await campaigns.update(id: campaign.id, businessId: business.id,
                                           CampaignPatch(callingWindow: CallingWindow(startMinute: 420, endMinute: 1080)),
                                           actor: Self.admin)
        }
        let events = try await Self.stream(store, campaign)
        #expect(events.map(\.type) == [.campaignCreated, .campaignUpdated, .campaignStateChanged, .campaignStateChanged,
                                       .campaignUpdated])
        #expect(try events[1].decode(CampaignUpdated.self).changed == ["name", "script", "pacing"])
        #expect(try events[4].decode(CampaignUpdated.self).changed == ["calling_window"])
    }

    @Test(arguments: RepositoryBackend.all)
    func movesFollowTheTableAndCancellingSkipsWhoWasStillWaiting(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let campaigns = store.repositories.campaigns
        let business = try await Self.business(store)
        let campaign = try await Self.create(store, business, Self.definition(startAt: clock.read().addingTimeInterval(3600)))
        _ = try await campaigns.addRecipients(campaignId: campaign.id, businessId: business.id, try Self.upload(3))

        let scheduled = try await campaigns.transition(id: campaign.id, businessId: business.id, CampaignStateChange(
            to: .scheduled, actor: Self.admin, expectedState: .draft, expectedVersion: 1))
        #expect(scheduled.state == .scheduled && scheduled.version == 2)
        await #expect(throws: IllegalCampaignTransition(from: .scheduled, to: .paused, rule: "only a running campaign can be paused")) {
            _ = try await campaigns.transition(id: campaign.id, businessId: business.id, CampaignStateChange(to: .paused, actor: Self.admin))
        }
        await #expect(throws: CampaignConflict(campaignId: campaign.id, state: .scheduled, version: 2), "a stale version") {
            _ = try await campaigns.transition(id: campaign.id, businessId: business.id, CampaignStateChange(
                to: .running, actor: .system, expectedVersion: 1))
        }
        _ = try await campaigns.transition(id: campaign.id, businessId: business.id, CampaignStateChange(
            to: .running, actor: .system, expectedState: .scheduled))
        // One recipient is called and ends busy (a retry is scheduled), one is being called; one still waits.
        let due = try await campaigns.dueRecipients(campaignId: campaign.id, businessId: business.id, now: clock.read(), limit: 10)
        #expect(due.count == 3)
        guard case .started(_, let first) = try await campaigns.startAttempt(recipientId: due[0].id, businessId: business.id),
              case .started(_, _) = try await campaigns.startAttempt(recipientId: due[1].id, businessId: business.id)
        else { Issue.record("both should start"); return }
        _ = try await campaigns.finishAttempt(attemptId: first.id, businessId: business.id, AttemptEnd(outcome: .busy))

        clock.advance(by: 60)
        let cancelled = try await campaigns.transition(id: campaign.id, businessId: business.id, CampaignStateChange(
            to: .cancelled, actor: Self.admin, reason: "  wrong list  "))
        #expect(cancelled.state == .cancelled && cancelled.version == 4)
        let counts = try await campaigns.counts(campaignId: campaign.id, businessId: business.id)
        #expect(counts[.skipped] == 2 && counts[.dialing] == 1 && counts.total == 3, "the call in progress finishes")
        await #expect(throws: IllegalCampaignTransition(from: .cancelled, to: .running,
                                                        rule: "a cancelled campaign cannot be restarted; create a new campaign")) {
            _ = try await campaigns.transition(id: campaign.id, businessId: business.id, CampaignStateChange(to: .running, actor: Self.admin))
        }
        let moves = try await Self.stream(store, campaign).filter { $0.type == .campaignStateChanged }
            .map { try $0.decode(CampaignStateChanged.self) }
        #expect(moves.map(\.to) == [.scheduled, .running, .cancelled])
        #expect(moves[2].reason == "wrong list" && moves[2].recipientsSkipped == 2 && moves[2].actor == Self.admin)
        #expect(moves[0].recipientsSkipped == nil)
    }

    @Test(arguments: RepositoryBackend.all)
    func onlyADraftIsDeletedAndItsRecipientsWithIt(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let campaigns = store.repositories.campaigns
        let business = try await Self.business(store)
        let draft = try await Self.create(store, business)
        let started = try await Self.create(store, business, Self.definition("Second"))
        _ = try await campaigns.addRecipients(campaignId: draft.id, businessId: business.id, try Self.upload(2))
        _ = try await campaigns.transition(id: started.id, businessId: business.id, CampaignStateChange(to: .running, actor: Self.admin))

        try await campaigns.delete(id: draft.id, businessId: business.id, actor: Self.admin)
        #expect(try await campaigns.get(id: draft.id, businessId: business.id) == nil)
        #expect(try await store.count("campaign_recipients") == 0)
        #expect(try await Self.stream(store, draft).map(\.type) == [.campaignCreated, .campaignRecipientsAdded, .campaignDeleted])
        await #expect(throws: CampaignConflict(campaignId: started.id, state: .running, version: 2,
                                               message: "only a draft campaign can be deleted; this one is running (cancel it instead)")) {
            try await campaigns.delete(id: started.id, businessId: business.id, actor: Self.admin)
        }
        await #expect(throws: RepositoryError.notFound) { try await campaigns.delete(id: draft.id, businessId: business.id, actor: Self.admin) }
    }

    @Test(arguments: RepositoryBackend.all)
    func anotherBusinessSeesAndChangesNothing(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let campaigns = store.repositories.campaigns
        let a = try await Self.business(store)
        let b = try await Self.business(store, "oakwood")
        let campaign = try await Self.create(store, a)
        _ = try await campaigns.addRecipients(campaignId: campaign.id, businessId: a.id, try Self.upload(2))
        let recipient = try await campaigns.recipients(campaignId: campaign.id, businessId: a.id, state: nil, limit: 1, cursor: nil).items[0]

        #expect(try await campaigns.get(id: campaign.id, businessId: b.id) == nil)
        #expect(try await campaigns.list(businessId: b.id, state: nil, limit: 10, cursor: nil).items.isEmpty)
        #expect(try await campaigns.recipients(campaignId: campaign.id, businessId: b.id, state: nil, limit: 10, cursor: nil).items.isEmpty)
        #expect(try await campaigns.recipient(id: recipient.id, businessId: b.id) == nil)
        #expect(try await campaigns.counts(campaignId: campaign.id, businessId: b.id).total == 0)
        #expect(try await campaigns.dueRecipients(campaignId: campaign.id, businessId: b.id, now: Date(), limit: 10).isEmpty)
        await #expect(throws: RepositoryError.notFound) {
            _ = try await campaigns.update(id: campaign.id, businessId: b.id, CampaignPatch(name: "hijacked"), actor: Self.admin)
        }
        await #expect(throws: RepositoryError.notFound) {
            _ = try await campaigns.transition(id: campaign.id, businessId: b.id, CampaignStateChange(to: .cancelled, actor: Self.admin))
        }
        await #expect(throws: RepositoryError.notFound) { try await campaigns.delete(id: campaign.id, businessId: b.id, actor: Self.admin) }
        await #expect(throws: RepositoryError.notFound) {
            _ = try await campaigns.addRecipients(campaignId: campaign.id, businessId: b.id, try Self.upload(1, from: 50))
        }
        await #expect(throws: RepositoryError.notFound) { _ = try await campaigns.startAttempt(recipientId: recipient.id, businessId: b.id) }
        await #expect(throws: RepositoryError.notFound) {
            _ = try await campaigns.moveRecipient(id: recipient.id, businessId: b.id, RecipientMove(to: .skipped, actor: Self.admin))
        }
        // A's campaign is as it was.
        let mine = try await campaigns.get(id: campaign.id, businessId: a.id)
        #expect(mine?.name == "Spring boiler checks" && mine?.state == .draft && mine?.version == 1)
        #expect(try await campaigns.counts(campaignId: campaign.id, businessId: a.id)[.pending] == 2)
        // Each business has its own do-not-call list.
        _ = try await store.repositories.doNotCall.add(businessId: b.id, phone: recipient.phone, reason: nil, actor: Self.admin)
        #expect(try await store.repositories.doNotCall.entry(businessId: a.id, phone: recipient.phone) == nil)
        #expect(try await store.repositories.doNotCall.list(businessId: a.id, limit: 10, cursor: nil).items.isEmpty)
    }
}
