import Foundation
import Testing
@testable import Server

/// A repository call for business A never reads or changes business B's rows.
@Suite struct TenantIsolationTests {
    @Test func knowledgeIsScopedByBusiness() async throws {
        let repositories = try TestRepositories()
        let knowledge = repositories.knowledge
        let a = try await repositories.makeBusiness("business-a")
        let b = try await repositories.makeBusiness("business-b")
        let entryB = try await knowledge.upsert(
            KnowledgeEntry(businessId: b.id, title: "Secret pricing", content: "B's confidential rates",
                           category: "billing"),
            chunks: [KnowledgeChunkInput(ordinal: 0, text: "Secret pricing\nconfidential rates",
                                         body: "confidential rates", embedding: [1, 2, 3])])
        _ = try await knowledge.upsert(
            KnowledgeEntry(businessId: a.id, title: "Public hours", content: "Open 9 to 5"),
            chunks: [KnowledgeChunkInput(ordinal: 0, text: "Public hours\nOpen 9 to 5",
                                         body: "Open 9 to 5", embedding: [4, 5, 6])])
        let chunkB = try #require(try await knowledge.allChunks(businessId: b.id).first)

        // Reads.
        #expect(try await knowledge.get(entryId: entryB.id, businessId: a.id) == nil)
        #expect(try await knowledge.chunks(entryId: entryB.id, businessId: a.id).isEmpty)
        #expect(try await knowledge.searchDetails(chunkIds: [chunkB.chunkId], businessId: a.id).isEmpty)
        let ownDetails = try await knowledge.searchDetails(chunkIds: [chunkB.chunkId], businessId: b.id)
        #expect(ownDetails.map(\.entryId) == [entryB.id])
        #expect(ownDetails.first?.title == entryB.title)
        #expect(try await knowledge.list(businessId: a.id, category: nil, text: "confidential", limit: 10,
                                         cursor: nil).items.isEmpty)
        #expect(try await knowledge.list(businessId: a.id, category: nil, text: nil, limit: 10, cursor: nil)
            .items.map(\.title) == ["Public hours"])
        #expect(try await knowledge.allChunks(businessId: a.id).map(\.embedding) == [[4, 5, 6]])
        #expect(try await knowledge.allChunks(businessId: a.id).map(\.text) == ["Public hours\nOpen 9 to 5"])

        // Writes: A cannot delete, overwrite or import over B's entry.
        await #expect(throws: RepositoryError.notFound) {
            try await knowledge.delete(entryId: entryB.id, businessId: a.id)
        }
        var hijack = entryB
        hijack.businessId = a.id
        hijack.content = "overwritten by A"
        await #expect {
            _ = try await knowledge.upsert(hijack, chunks: [])
        } throws: { error in
            if case RepositoryError.conflict = error { return true }
            return false
        }
        await #expect(throws: RepositoryError.self) {
            _ = try await knowledge.importAll(businessId: a.id, [KnowledgeImportItem(entry: hijack, chunks: [])])
        }
        await #expect(throws: RepositoryError.self) {
            // Claiming B's business id while importing as A.
            _ = try await knowledge.importAll(businessId: a.id, [KnowledgeImportItem(entry: entryB, chunks: [])])
        }
        #expect(try await knowledge.get(entryId: entryB.id, businessId: b.id) == entryB)
        #expect(try await knowledge.chunks(entryId: entryB.id, businessId: b.id).count == 1)

        // Deleting A's business leaves B's knowledge.
        try await repositories.businesses.delete(id: a.id)
        #expect(try await knowledge.allChunks(businessId: b.id).count == 1)
        try await expectNoKeywordTable(repositories.database)
    }

    @Test func businessUpdatesAndKeysAreScoped() async throws {
        let repositories = try TestRepositories()
        let a = try await repositories.makeBusiness("business-a", numbers: ["+15551110001"])
        let b = try await repositories.makeBusiness("business-b", numbers: ["+15552220002"])
        _ = try await repositories.businesses.update(
            id: a.id, BusinessPatch(name: "A renamed", status: .suspended, numbers: ["+15551110003"]))
        #expect(try await repositories.businesses.get(id: b.id) == b)
        #expect(try await repositories.businesses.numbers(ofBusiness: b.id) == ["+15552220002"])
        #expect(try await repositories.businesses.find(byNumber: "+15552220002")?.id == b.id)

        let keyA = try await repositories.apiKeys.rotate(businessId: a.id)
        #expect(try await repositories.apiKeys.authenticate(keyA)?.id == a.id)
        #expect(try await repositories.apiKeys.keys(businessId: b.id).isEmpty)
    }
}
