import Foundation
import HummingbirdTesting
import Testing
import VectorIndex
@testable import Server

extension TenantIsolationTests {
    /// BM25 depends on corpus statistics (document count, how many documents hold a term, average length). When
    /// every business shared one FTS5 index, a business that stored many documents about boilers lowered the
    /// weight of "boiler" for everybody. Each business now has its own keyword index: B's scores must not move
    /// by a bit when A fills its knowledge base with B's query terms.
    @Test func keywordScoresUseOnlyTheBusinessesOwnStatistics() async throws {
        let test = try await TestApp.make()
        let (businessA, keyA) = try await test.makeTenant("crowded-a")
        let (businessB, keyB) = try await test.makeTenant("quiet-b")
        let question = "boiler pressure keeps dropping"
        @Sendable func search(_ client: some TestClientProtocol, key: String) async throws -> [(chunk: Int, score: Double)] {
            let body = try await client.call(.post, "/v1/knowledge/search", key: key,
                                             json: ["query": question, "mode": "keyword", "k": 10]).body
            return body.results.compactMap { hit in
                guard let chunk = hit["chunk_id"] as? Int, let score = hit["score"] as? Double else { return nil }
                return (chunk, score)
            }
        }

        try await test.app.test(.router) { client in
            for (title, content) in [
                ("Boiler pressure", "If your boiler pressure drops below 1 bar, top it up at the filling loop."),
                ("Radiators", "Cold radiators at the top usually need bleeding; a radiator key costs £2."),
                ("Opening hours", "We are open Monday to Friday, 8am to 6pm."),
            ] {
                let created = try await client.call(.post, "/v1/knowledge", key: keyB, json: ["title": title, "content": content])
                #expect(created.status == .created)
            }
            let before = try await search(client, key: keyB)
            #expect(before.count == 1)

            let crowd = (0..<60).map { i in
                #"{"title": "Boiler pressure fault \#(i)", "content": "Boiler pressure dropping again: boiler pressure, boiler, pressure."}"#
            }.joined(separator: "\n")
            let imported = try await client.call(.post, "/v1/knowledge/import", key: keyA, raw: crowd, contentType: "application/x-ndjson")
            #expect(imported.status == .created)
            #expect(try await search(client, key: keyA).count == 10)

            let after = try await search(client, key: keyB)
            #expect(after.map(\.chunk) == before.map(\.chunk))
            #expect(after.map(\.score) == before.map(\.score))

            // B's score is BM25 over B's three chunks alone …
            let repository = test.services.knowledgeRepository
            let own = KeywordIndex()
            own.upsert(try await repository.allChunks(businessId: businessB.id).map { (id: $0.chunkId, text: $0.text, category: $0.category) })
            let ownScore = try #require(try own.search(question, k: 1).first)
            #expect(ownScore.id == Int64(before[0].chunk))
            #expect(abs(ownScore.score - before[0].score) <= 1e-12 * ownScore.score)
            // … and one index shared with A (the old FTS5 table) would have scored it differently.
            let shared = KeywordIndex()
            for business in [businessA.id, businessB.id] {
                shared.upsert(try await repository.allChunks(businessId: business).map { (id: $0.chunkId, text: $0.text, category: $0.category) })
            }
            let sharedScore = try #require(try shared.search(question, k: 100).first { $0.id == ownScore.id })
            #expect(abs(sharedScore.score - ownScore.score) > 0.1 * ownScore.score)
        }
    }
}
