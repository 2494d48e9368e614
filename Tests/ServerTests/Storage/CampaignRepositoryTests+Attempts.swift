import Campaigns
import Events
import Foundation
import Testing
@testable import Server

/// The dialer's steps: attempts, the CallSid stored once, outcomes, the retry budget and its gap, suppression.
extension CampaignRepositoryTests {
    /// A running campaign with `count` recipients.
    static func running(_ store: RepositoryStore, _ business: Business, recipients count: Int) async throws -> Campaign {
        let campaign = try await Self.create(store, business)
        _ = try await store.repositories.campaigns.addRecipients(campaignId: campaign.id, businessId: business.id, try Self.upload(count))
        return try await store.repositories.campaigns.transition(id: campaign.id, businessId: business.id,
                                                                 CampaignStateChange(to: .running, actor: Self.admin))
    }

    static func start(_ store: RepositoryStore, _ recipient: CampaignRecipient) async throws -> (CampaignRecipient, CampaignAttempt) {
        guard case let .started(dialing, attempt) = try await store.repositories.campaigns.startAttempt(
            recipientId: recipient.id, businessId: recipient.businessId) else {
            throw RepositoryError.invalid("expected the attempt to start")
        }
        return (dialing, attempt)
    }

    @Test(arguments: RepositoryBackend.all)
    func anAttemptIsStartedDialledAnsweredAndEndedWithItsAnswers(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let campaigns = store.repositories.campaigns
        let business = try await Self.business(store)
        let campaign = try await Self.running(store, business, recipients: 1)
        #expect(try await campaigns.activeCampaigns(now: clock.read()).map(\.id) == [campaign.id])
        let recipient = try #require(try await campaigns.dueRecipients(campaignId: campaign.id, businessId: business.id,
                                                                       now: clock.read(), limit: 5).first)
        let (dialing, attempt) = try await Self.start(store, recipient)
        #expect(dialing.state == .dialing && dialing.attempts == 1 && dialing.version == 2)
        #expect(attempt.number == 1 && attempt.callSid == nil && attempt.endedAt == nil && attempt.recipientId == recipient.id)
        #expect(try await campaigns.openAttempts(campaignId: campaign.id, businessId: business.id) == [attempt])
        #expect(try await campaigns.dueRecipients(campaignId: campaign.id, businessId: business.id, now: clock.read(), limit: 5).isEmpty)
        await #expect(throws: CampaignConflict.self, "a recipient being called is not started again") {
            _ = try await campaigns.startAttempt(recipientId: recipient.id, businessId: business.id)
        }

        let dialled = try await campaigns.recordCallSid(attemptId: attempt.id, businessId: business.id, callSid: "CA0001")
        #expect(dialled.callSid == "CA0001")
        #expect(try await campaigns.recordCallSid(attemptId: attempt.id, businessId: business.id, callSid: "CA0001") == dialled,
                "the same sid again is a no-op")
        await #expect(throws: CampaignConflict.self, "an attempt is dialled once") {
            _ = try await campaigns.recordCallSid(attemptId: attempt.id, businessId: business.id, callSid: "CA0002")
        }
        #expect(try await campaigns.attempt(callSid: "CA0001", businessId: business.id)?.id == attempt.id)
        #expect(try await campaigns.recipient(id: recipient.id, businessId: business.id)?.lastCallSid == "CA0001")

        let answered = try await campaigns.markAnswered(attemptId: attempt.id, businessId: business.id, answeredBy: "human")
        #expect(answered.state == .inProgress)
        await #expect(throws: RepositoryError.invalid("results has colour, which is not a question field of the campaign's script")) {
            _ = try await campaigns.finishAttempt(attemptId: attempt.id, businessId: business.id,
                                                  AttemptEnd(outcome: .completed, results: ["colour": "blue"]))
        }
        clock.advance(by: 95)
        let done = try await campaigns.finishAttempt(attemptId: attempt.id, businessId: business.id,
                                                     AttemptEnd(outcome: .completed, results: ["confirmed": "yes"]))
        #expect(done.state == .completed && done.results == ["confirmed": "yes"] && done.lastOutcome == .completed)
        #expect(done.nextAttemptAt == nil && done.isFinished)
        #expect(try await campaigns.finishAttempt(attemptId: attempt.id, businessId: business.id, AttemptEnd(outcome: .busy)) == done,
                "a second end (a redelivered callback) changes nothing")
        let stored = try await campaigns.attempts(recipientId: recipient.id, businessId: business.id)
        #expect(stored.count == 1 && stored[0].outcome == .completed && stored[0].answeredBy == "human")
        #expect(stored[0].endedAt.map { abs($0.timeIntervalSince(clock.read())) < 0.001 } == true)
        #expect(try await campaigns.openAttempts(campaignId: campaign.id, businessId: business.id).isEmpty)

        let types = try await Self.stream(store, campaign).map(\.type)
        #expect(types == [.campaignCreated, .campaignRecipientsAdded, .campaignStateChanged, .campaignAttemptStarted,
                          .campaignAttemptDialed, .campaignAttemptAnswered, .campaignAttemptEnded])
        let ended = try #require(try await Self.stream(store, campaign).last).decode(CampaignAttemptEnded.self)
        #expect(ended.outcome == .completed && ended.state == .completed && ended.results == ["confirmed": "yes"]
                && ended.callSid == "CA0001" && ended.nextAttemptAt == nil)
    }

    @Test(arguments: RepositoryBackend.all)
    func busyAndNoAnswerAreRetriedTwoHoursLaterUntilTheBudgetIsSpent(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let campaigns = store.repositories.campaigns
        let business = try await Self.business(store)
        let campaign = try await Self.running(store, business, recipients: 1)
        var recipient = try #require(try await campaigns.dueRecipients(campaignId: campaign.id, businessId: business.id,
                                                                       now: clock.read(), limit: 1).first)
        for (number, outcome) in [(1, AttemptOutcome.busy), (2, .noAnswer), (3, .noAnswer)] {
            let (_, attempt) = try await Self.start(store, recipient)
            #expect(attempt.number == number)
            clock.advance(by: 30)
            recipient = try await campaigns.finishAttempt(attemptId: attempt.id, businessId: business.id, AttemptEnd(outcome: outcome))
            #expect(recipient.state == outcome.recipientState && recipient.attempts == number)
            guard number < 3 else { break }
            let retry = try #require(recipient.nextAttemptAt)
            #expect(abs(retry.timeIntervalSince(clock.read()) - 7200) < 0.001, "two hours after the attempt ended")
            #expect(try await campaigns.dueRecipients(campaignId: campaign.id, businessId: business.id,
                                                      now: retry.addingTimeInterval(-1), limit: 1).isEmpty)
            await #expect(throws: CampaignConflict.self, "not before the gap") {
                _ = try await campaigns.startAttempt(recipientId: recipient.id, businessId: business.id)
            }
            clock.advance(by: 7200)
            #expect(try await campaigns.dueRecipients(campaignId: campaign.id, businessId: business.id,
                                                      now: clock.read(), limit: 1).map(\.id) == [recipient.id])
        }
        #expect(recipient.nextAttemptAt == nil && recipient.isFinished, "three attempts: the budget is spent")
        clock.advance(by: 86_400)
        #expect(try await campaigns.dueRecipients(campaignId: campaign.id, businessId: business.id, now: clock.read(), limit: 1).isEmpty)
        await #expect(throws: CampaignConflict.self) {
            _ = try await campaigns.startAttempt(recipientId: recipient.id, businessId: business.id)
        }
        #expect(try await campaigns.attempts(recipientId: recipient.id, businessId: business.id).map(\.outcome)
                == [.busy, .noAnswer, .noAnswer])
    }

    @Test(arguments: RepositoryBackend.all)
    func theDoNotCallListAndOptedOutCustomersAreNeverDialled(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let campaigns = store.repositories.campaigns
        let business = try await Self.business(store)
        let campaign = try await Self.running(store, business, recipients: 3)
        let due = try await campaigns.dueRecipients(campaignId: campaign.id, businessId: business.id, now: Date(), limit: 3)
        _ = try await store.repositories.doNotCall.add(businessId: business.id, phone: due[0].phone, reason: "asked by email",
                                                       actor: Self.admin)
        _ = try await store.repositories.customers.create(businessId: business.id, CustomerFields(phone: due[1].phone, smsOptOut: true))

        #expect(try await campaigns.startAttempt(recipientId: due[0].id, businessId: business.id)
                == .suppressed(try await campaigns.recipient(id: due[0].id, businessId: business.id)!, reason: "on the do-not-call list"))
        guard case .suppressed(let optedOut, let reason) = try await campaigns.startAttempt(recipientId: due[1].id, businessId: business.id)
        else { Issue.record("an opted-out customer is not dialled"); return }
        #expect(optedOut.state == .optedOut && optedOut.attempts == 0 && reason == "the customer opted out (STOP)")
        #expect(try await store.count("campaign_attempts") == 0)

        // "Stop calling me" on a call: the number joins the list with the attempt's end.
        let (_, attempt) = try await Self.start(store, due[2])
        _ = try await campaigns.recordCallSid(attemptId: attempt.id, businessId: business.id, callSid: "CA0003")
        let stopped = try await campaigns.finishAttempt(attemptId: attempt.id, businessId: business.id, AttemptEnd(outcome: .optedOut))
        #expect(stopped.state == .optedOut && stopped.nextAttemptAt == nil)
        let listed = try #require(try await store.repositories.doNotCall.entry(businessId: business.id, phone: due[2].phone))
        #expect(listed.reason == "asked not to be called (campaign Spring boiler checks)")
        let dnc = try await store.repositories.events.events(EventQuery(businessId: business.id,
                                                                        stream: .doNotCall(businessId: business.id), limit: 10))
        #expect(dnc.map(\.type) == [.doNotCallAdded, .doNotCallAdded])
        #expect(try dnc[1].decode(DoNotCallChanged.self).actor == CampaignActor(.callee, id: "CA0003"))
        #expect(try await campaigns.counts(campaignId: campaign.id, businessId: business.id)[.optedOut] == 3)
    }

    @Test(arguments: RepositoryBackend.all)
    func nobodyIsDialledUnlessTheCampaignRunsAndRecipientsMoveOnlyFromWaiting(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let campaigns = store.repositories.campaigns
        let business = try await Self.business(store)
        let campaign = try await Self.running(store, business, recipients: 2)
        let due = try await campaigns.dueRecipients(campaignId: campaign.id, businessId: business.id, now: clock.read(), limit: 2)
        _ = try await campaigns.transition(id: campaign.id, businessId: business.id, CampaignStateChange(to: .paused, actor: Self.admin))
        await #expect(throws: CampaignConflict.self) {
            _ = try await campaigns.startAttempt(recipientId: due[0].id, businessId: business.id)
        }
        #expect(try await campaigns.activeCampaigns(now: clock.read()).isEmpty)

        // Deferred to the calling window: still pending, due only from then.
        let later = clock.read().addingTimeInterval(5 * 3600)
        let deferred = try await campaigns.moveRecipient(id: due[0].id, businessId: business.id, RecipientMove(
            to: .pending, nextAttemptAt: later, reason: "outside the calling window", actor: .system, expectedVersion: 1))
        #expect(deferred.state == .pending && deferred.nextAttemptAt.map { abs($0.timeIntervalSince(later)) < 0.001 } == true)
        #expect(try await campaigns.dueRecipients(campaignId: campaign.id, businessId: business.id, now: clock.read(), limit: 2)
            .map(\.id) == [due[1].id])
        let skipped = try await campaigns.moveRecipient(id: due[1].id, businessId: business.id,
                                                        RecipientMove(to: .skipped, reason: "wrong number", actor: Self.admin))
        #expect(skipped.state == .skipped && skipped.isFinished)
        await #expect(throws: CampaignConflict.self, "a final recipient does not move") {
            _ = try await campaigns.moveRecipient(id: due[1].id, businessId: business.id, RecipientMove(to: .pending, actor: Self.admin))
        }
        await #expect(throws: CampaignConflict.self, "a stale version") {
            _ = try await campaigns.moveRecipient(id: due[0].id, businessId: business.id,
                                                  RecipientMove(to: .skipped, actor: Self.admin, expectedVersion: 1))
        }
        let changes = try await Self.stream(store, campaign).filter { $0.type == .campaignRecipientChanged }
            .map { try $0.decode(CampaignRecipientChanged.self) }
        #expect(changes.map(\.to) == [.pending, .skipped] && changes[0].reason == "outside the calling window")
    }

    @Test(arguments: RepositoryBackend.all)
    func theDoNotCallListAddsOnceRemovesAndPages(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let list = store.repositories.doNotCall
        let business = try await Self.business(store)
        let (entry, added) = try await list.add(businessId: business.id, phone: "+15550100001", reason: "  asked  ", actor: Self.admin)
        #expect(added && entry.reason == "asked" && entry.phone == "+15550100001")
        let again = try await list.add(businessId: business.id, phone: "+15550100001", reason: "other", actor: Self.admin)
        #expect(!again.added && again.entry == entry)
        for index in 2...5 {
            clock.advance(by: 1)
            _ = try await list.add(businessId: business.id, phone: "+1555010000\(index)", reason: nil, actor: Self.admin)
        }
        var phones: [String] = []
        var cursor: String?
        repeat {
            let page = try await list.list(businessId: business.id, limit: 2, cursor: cursor)
            phones += page.items.map(\.phone)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(phones == (1...5).map { "+1555010000\($0)" })
        #expect(try await list.remove(businessId: business.id, phone: "+15550100003", actor: Self.admin))
        #expect(try await !list.remove(businessId: business.id, phone: "+15550100003", actor: Self.admin))
        await #expect(throws: RepositoryError.invalid("phone must be E.164 (e.g. +15551234567)")) {
            _ = try await list.add(businessId: business.id, phone: "555-0100", reason: nil, actor: Self.admin)
        }
        let events = try await store.repositories.events.events(EventQuery(businessId: business.id,
                                                                           stream: .doNotCall(businessId: business.id), limit: 20))
        #expect(events.map(\.type) == Array(repeating: .doNotCallAdded, count: 5) + [.doNotCallRemoved])
    }
}

/// Two changes at once: exactly one wins, on every backend (on PostgreSQL they really overlap).
extension CampaignRepositoryTests {
    @Test(arguments: RepositoryBackend.all)
    func twoMovesOrTwoStartsAtOnceNeverBothWin(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let campaigns = store.repositories.campaigns
        let business = try await Self.business(store)
        for round in 0..<5 {
            let campaign = try await Self.running(store, business, recipients: 1)
            let recipient = try #require(try await campaigns.dueRecipients(campaignId: campaign.id, businessId: business.id,
                                                                           now: Date(), limit: 1).first)
            // Two starts of one recipient: one call.
            async let first = Result { try await campaigns.startAttempt(recipientId: recipient.id, businessId: business.id) }
            async let second = Result { try await campaigns.startAttempt(recipientId: recipient.id, businessId: business.id) }
            let starts = await [first, second]
            #expect(starts.filter { if case .success = $0 { true } else { false } }.count == 1, "round \(round)")
            #expect(starts.allSatisfy { if case .failure(let error) = $0 { error is CampaignConflict } else { true } })
            #expect(try await campaigns.attempts(recipientId: recipient.id, businessId: business.id).count == 1)

            // A pause and a cancel from the same version: one move.
            async let pause = Result { try await campaigns.transition(id: campaign.id, businessId: business.id, CampaignStateChange(
                to: .paused, actor: Self.admin, expectedVersion: campaign.version)) }
            async let cancel = Result { try await campaigns.transition(id: campaign.id, businessId: business.id, CampaignStateChange(
                to: .cancelled, actor: Self.admin, expectedVersion: campaign.version)) }
            let moves = await [pause, cancel]
            #expect(moves.filter { if case .success = $0 { true } else { false } }.count == 1, "round \(round)")
            let now = try #require(try await campaigns.get(id: campaign.id, businessId: business.id))
            #expect(now.version == campaign.version + 1)
            #expect(try await Self.stream(store, campaign).filter { $0.type == .campaignStateChanged }.count == 2)
        }
    }
}
