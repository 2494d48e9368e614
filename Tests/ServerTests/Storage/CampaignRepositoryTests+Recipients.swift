import Campaigns
import Events
import Foundation
import Testing
@testable import Server

/// Recipients: uploads all or nothing, numbers already present, upload order and pages, and a script that needs a
/// variable some recipient lacks.
extension CampaignRepositoryTests {
    @Test(arguments: RepositoryBackend.all)
    func uploadsAddNewNumbersInOrderAndLeaveKnownOnesAlone(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let campaigns = store.repositories.campaigns
        let business = try await Self.business(store)
        let campaign = try await Self.create(store, business)

        let first = try await campaigns.addRecipients(campaignId: campaign.id, businessId: business.id, try Self.upload(5))
        #expect(first == RecipientsAdded(added: 5, alreadyPresent: [], total: 5))
        let second = try await campaigns.addRecipients(campaignId: campaign.id, businessId: business.id, try Self.upload(4, from: 4))
        #expect(second == RecipientsAdded(added: 2, alreadyPresent: ["+15550100004", "+15550100005"], total: 7))

        var seen: [CampaignRecipient] = []
        var cursor: String?
        repeat {
            let page = try await campaigns.recipients(campaignId: campaign.id, businessId: business.id, state: nil, limit: 3, cursor: cursor)
            seen += page.items
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen.map(\.position) == Array(1...7))
        #expect(seen.map(\.phone) == (1...7).map { "+1555010\(String(format: "%04d", $0))" })
        let recipient = seen[3]
        #expect(recipient.state == .pending && recipient.attempts == 0 && recipient.version == 1)
        #expect(recipient.variables == ["first_name": "Person 4", "service": "boiler service", "date": "Tuesday"],
                "the first upload's values stay")
        #expect(recipient.timeZone == "America/Chicago" && recipient.zoneSource == .business)
        #expect(recipient.results.isEmpty && recipient.nextAttemptAt == nil && recipient.lastOutcome == nil)
        #expect(try await campaigns.recipient(id: recipient.id.uppercased(), businessId: business.id) == recipient)
        #expect(try await campaigns.recipients(campaignId: campaign.id, businessId: business.id, state: .completed,
                                               limit: 10, cursor: nil).items.isEmpty)
        #expect(try await campaigns.counts(campaignId: campaign.id, businessId: business.id) == RecipientCounts(byState: [.pending: 7]))
        await #expect(throws: RepositoryError.invalid("malformed cursor")) {
            _ = try await campaigns.recipients(campaignId: campaign.id, businessId: business.id, state: nil, limit: 3, cursor: "nonsense")
        }

        let added = try await Self.stream(store, campaign).filter { $0.type == .campaignRecipientsAdded }
            .map { try $0.decode(CampaignRecipientsAdded.self) }
        #expect(added.map(\.added) == [5, 2] && added.map(\.alreadyPresent) == [0, 2] && added.map(\.total) == [5, 7])
    }

    @Test(arguments: RepositoryBackend.all)
    func tenThousandRecipientsAreStoredInOneUpload(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let business = try await Self.business(store)
        let campaign = try await Self.create(store, business)
        let added = try await store.repositories.campaigns.addRecipients(campaignId: campaign.id, businessId: business.id,
                                                                         try Self.upload(10_000))
        #expect(added.added == 10_000)
        #expect(try await store.count("campaign_recipients", where: "campaign_id = ?", [campaign.id]) == 10_000)
        let last = try await store.repositories.campaigns.recipients(campaignId: campaign.id, businessId: business.id, state: nil,
                                                                     limit: 500, cursor: PageCursor(position: 9_999, id: "x").encoded)
        #expect(last.items.map(\.position) == [10_000] && last.nextCursor == nil)
    }

    @Test(arguments: RepositoryBackend.all)
    func aFinishedCampaignTakesNoRecipientsAndAScriptNeedsWhatRecipientsHave(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let campaigns = store.repositories.campaigns
        let business = try await Self.business(store)
        let campaign = try await Self.create(store, business)
        _ = try await campaigns.addRecipients(campaignId: campaign.id, businessId: business.id, try Self.upload(2))

        var script = Self.script()
        script.closingLine = Self.line("See you at {{address}}.")
        await #expect(throws: CampaignValidationError(field: "script",
            "script uses {{address}}, but recipient +1******0001 has no address; upload recipients with that column first, or remove it from the script")) {
            _ = try await campaigns.update(id: campaign.id, businessId: business.id, CampaignPatch(script: script), actor: Self.admin)
        }
        #expect(try await campaigns.get(id: campaign.id, businessId: business.id)?.version == 1)

        _ = try await campaigns.transition(id: campaign.id, businessId: business.id, CampaignStateChange(to: .cancelled, actor: Self.admin))
        await #expect(throws: CampaignConflict(campaignId: campaign.id, state: .cancelled, version: 2,
                                               message: "a cancelled campaign takes no more recipients")) {
            _ = try await campaigns.addRecipients(campaignId: campaign.id, businessId: business.id, try Self.upload(1, from: 9))
        }
        #expect(try await store.count("campaign_recipients") == 2)
    }
}
