import Analytics
import Foundation
import Testing
@testable import Server

/// `CallSummaryRepository`'s contract, on every backend: scoped by business, idempotent.
@Suite struct CallSummaryRepositoryTests {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    /// The caller's turns scored 0.2 then −0.6: −0.4 over the call (the end weighs more), negative, worsening.
    static let sentiment = CallSentiment.aggregate([SentimentScore(score: 0.2, label: .neutral, drivers: []),
                                                    SentimentScore(score: -0.6, label: .negative, drivers: [])])

    static func record(_ call: CallRecord, summary: String, scored: Bool = true) -> CallSummaryRecord {
        CallSummaryRecord(callSid: call.sid, businessId: call.businessId, summary: summary, fields: #"{"answered":[]}"#,
                          followUpNeeded: true, sentiment: scored ? sentiment : nil, createdAt: start)
    }

    @Test(arguments: RepositoryBackend.all)
    func aSummaryIsStoredOncePerCallWithItsTurnsSentiment(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let summaries = store.repositories.callSummaries
        let a = try await store.makeBusiness("acme")
        let b = try await store.makeBusiness("other")
        let call = try await store.seedCall("CAsum", business: a, caller: "+15557654321", startedAt: Self.start,
                                            lines: [.caller("my boiler is leaking"), .answer("We can help.", confidence: 0.8),
                                                    .caller("this is the third time")])
        let otherCall = try await store.seedCall("CAother", business: b, startedAt: Self.start,
                                                 lines: [.caller("hello")])
        let turns = try await store.repositories.calls.turns(callSid: call.sid)
        let callerTurns = turns.filter { $0.speaker == .caller }.compactMap(\.id)
        let otherTurn = try #require(try await store.repositories.calls.turns(callSid: otherCall.sid).first?.id)
        // A turn id of another call is ignored.
        var sentiments = Dictionary(uniqueKeysWithValues: zip(callerTurns, [0.2, -0.6]))
        sentiments[otherTurn] = 0.9

        try await summaries.save(Self.record(call, summary: "First"), turnSentiments: sentiments)
        try await summaries.save(Self.record(call, summary: "Boiler leak, third visit"),
                                 turnSentiments: sentiments)
        #expect(try await store.count("call_summaries") == 1)
        #expect(try await store.count("call_summaries", where: """
            call_sid = ? AND business_id = ? AND summary = 'Boiler leak, third visit' AND follow_up_needed = true
            AND sentiment_label = 'negative' AND sentiment_trend = 'worsening' AND abs(sentiment_score + 0.4) < 1e-9
            """, [call.sid, a.id]) == 1)
        #expect(try await store.count("call_turns", where: "sentiment IS NOT NULL") == 2)
        #expect(try await store.count("call_turns", where: "call_sid = ? AND sentiment IS NOT NULL", [otherCall.sid]) == 0)

        // A call is only its own business's to summarise.
        var foreign = Self.record(otherCall, summary: "Not yours", scored: false)
        foreign.businessId = a.id
        await #expect(throws: RepositoryError.notFound) {
            try await summaries.save(foreign, turnSentiments: [otherTurn: 0.5])
        }
        #expect(try await store.count("call_summaries") == 1)
        #expect(try await store.count("call_turns", where: "call_sid = ? AND sentiment IS NOT NULL", [otherCall.sid]) == 0)
    }

    @Test(arguments: RepositoryBackend.all)
    func entryTitlesAreTheBusinesss(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let a = try await store.makeBusiness("acme")
        let b = try await store.makeBusiness("other")
        let mine = try await store.repositories.knowledge.upsert(
            KnowledgeEntry(businessId: a.id, title: "Water heater installation", content: "From $1,200."), chunks: [])
        let theirs = try await store.repositories.knowledge.upsert(
            KnowledgeEntry(businessId: b.id, title: "Their secret price list", content: "…"), chunks: [])
        let titles = try await store.repositories.callSummaries.entryTitles(ids: [mine.id, theirs.id, "gone"],
                                                                           businessId: a.id)
        #expect(titles == [mine.id: "Water heater installation"])
        #expect(try await store.repositories.callSummaries.entryTitles(ids: [], businessId: a.id).isEmpty)
    }

    @Test(arguments: RepositoryBackend.all)
    func aStoredSummaryIsReadBackByItsBusinessOnly(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let summaries = store.repositories.callSummaries
        let a = try await store.makeBusiness("acme")
        let b = try await store.makeBusiness("other")
        let call = try await store.seedCall("CAread", business: a, startedAt: Self.start,
                                            lines: [.caller("my boiler is leaking"), .answer("We can help.", confidence: 0.8),
                                                    .caller("this is the third time")])
        #expect(try await summaries.summary(callSid: call.sid, businessId: a.id) == nil, "not summarised yet")
        let turns = try await store.repositories.calls.turns(callSid: call.sid)
        let callerTurns = turns.filter { $0.speaker == .caller }.compactMap(\.id)
        try await summaries.save(Self.record(call, summary: "Boiler leak, third visit"),
                                 turnSentiments: Dictionary(uniqueKeysWithValues: zip(callerTurns, [0.2, -0.6])))

        let stored = try #require(try await summaries.summary(callSid: call.sid, businessId: a.id))
        #expect(stored.summary == "Boiler leak, third visit")
        #expect(stored.fields == #"{"answered":[]}"#)
        #expect(stored.followUpNeeded)
        #expect(stored.sentimentLabel == "negative" && stored.sentimentTrend == "worsening")
        #expect(abs((stored.sentimentScore ?? 0) + 0.4) < 1e-9)
        // By the turns' seq: the caller spoke at 0 and 2.
        #expect(stored.turnSentiments.keys.sorted() == [0, 2])
        #expect(abs((stored.turnSentiments[0] ?? 0) - 0.2) < 1e-9 && abs((stored.turnSentiments[2] ?? 0) + 0.6) < 1e-9)
        #expect(abs(stored.createdAt.timeIntervalSince(Self.start)) < 0.001)
        // Another business reads nothing of it.
        #expect(try await summaries.summary(callSid: call.sid, businessId: b.id) == nil)
        #expect(try await summaries.summary(callSid: "CAnone", businessId: a.id) == nil)
    }
}
