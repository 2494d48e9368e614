import Foundation
import GRDB
import Testing
@testable import Server

/// Chunk inputs whose text is title-prefixed, as the ingestion pipeline makes them.
private func chunks(_ title: String, _ bodies: [String], dimension: Int = 4) -> [KnowledgeChunkInput] {
    bodies.enumerated().map { ordinal, body in
        KnowledgeChunkInput(
            ordinal: ordinal, text: "\(title)\n\(body)", body: body,
            embedding: (0..<dimension).map { Float(ordinal * dimension + $0) * 0.25 })
    }
}

@Suite struct KnowledgeRepositoryTests {
    @Test func upsertReplacesChunksAtomically() async throws {
        let clock = TestClock()
        let repositories = try TestRepositories(clock: clock)
        let business = try await repositories.makeBusiness("acme")
        let entry = KnowledgeEntry(
            businessId: business.id, title: "Drain cleaning", content: "We clear blocked drains.",
            category: "services", tags: ["drains", "pricing"], source: "faq.md")

        let stored = try await repositories.knowledge.upsert(
            entry, chunks: chunks("Drain cleaning", ["Blocked sinks", "Blocked toilets", "Main sewer line"]))
        #expect(stored.tags == ["drains", "pricing"])
        #expect(stored.createdAt == clock.read())
        #expect(try await repositories.count("knowledge_chunks") == 3)
        let firstIds = try await repositories.knowledge.chunks(entryId: entry.id, businessId: business.id)
            .compactMap(\.id)

        clock.advance(by: 60)
        var edited = entry
        edited.content = "We clear blocked drains, 24/7."
        let restored = try await repositories.knowledge.upsert(
            edited, chunks: chunks("Drain cleaning", ["Any blocked drain, day or night"]))
        #expect(restored.createdAt == stored.createdAt)
        #expect(restored.updatedAt == clock.read())
        #expect(restored.content == edited.content)
        #expect(try await repositories.count("knowledge_entries") == 1)
        let after = try await repositories.knowledge.chunks(entryId: entry.id, businessId: business.id)
        #expect(after.map(\.body) == ["Any blocked drain, day or night"])
        #expect(Set(after.compactMap(\.id)).isDisjoint(with: firstIds))
        #expect(try await chunkIdsContaining(repositories.database, words: #""sewer""#).isEmpty)

        // A failing replacement (duplicate ordinal) leaves the previous version whole.
        let duplicate = [
            KnowledgeChunkInput(ordinal: 0, text: "a", body: "a", embedding: [1]),
            KnowledgeChunkInput(ordinal: 0, text: "b", body: "b", embedding: [2]),
        ]
        var broken = edited
        broken.title = "Broken"
        await #expect {
            _ = try await repositories.knowledge.upsert(broken, chunks: duplicate)
        } throws: { error in
            if case RepositoryError.conflict = error { return true }
            return false
        }
        #expect(try await repositories.knowledge.get(entryId: entry.id, businessId: business.id) == restored)
        #expect(try await repositories.knowledge.chunks(entryId: entry.id, businessId: business.id) == after)
        try await expectNoKeywordTable(repositories.database)
    }

    @Test func deleteRemovesChunksAndFTSRows() async throws {
        let repositories = try TestRepositories()
        let business = try await repositories.makeBusiness("acme")
        let entry = KnowledgeEntry(businessId: business.id, title: "Water heaters", content: "Tank and tankless.")
        _ = try await repositories.knowledge.upsert(
            entry, chunks: chunks("Water heaters", ["Tankless installation", "Anode rod replacement"]))
        #expect(try await chunkIdsContaining(repositories.database, words: #""anode""#).count == 1)

        try await repositories.knowledge.delete(entryId: entry.id, businessId: business.id)
        #expect(try await repositories.knowledge.get(entryId: entry.id, businessId: business.id) == nil)
        #expect(try await repositories.count("knowledge_chunks") == 0)
        #expect(try await repositories.knowledge.allChunks(businessId: business.id).isEmpty)
        // No chunk row is left.
        #expect(try await chunkIdsContaining(repositories.database, words: #""anode" OR "tankless" OR "water""#).isEmpty)
        try await expectNoKeywordTable(repositories.database)
        await #expect(throws: RepositoryError.notFound) {
            try await repositories.knowledge.delete(entryId: entry.id, businessId: business.id)
        }
    }

    @Test func deletingTheBusinessCascadesThroughTheFTSTable() async throws {
        let repositories = try TestRepositories()
        let business = try await repositories.makeBusiness("acme")
        _ = try await repositories.knowledge.upsert(
            KnowledgeEntry(businessId: business.id, title: "Gutters", content: "Cleaning"),
            chunks: chunks("Gutters", ["Gutter cleaning", "Downspout repair"]))
        try await repositories.businesses.delete(id: business.id)
        #expect(try await repositories.count("knowledge_entries") == 0)
        #expect(try await repositories.count("knowledge_chunks") == 0)
        #expect(try await chunkIdsContaining(repositories.database, words: #""gutter""#).isEmpty)
        try await expectNoKeywordTable(repositories.database)
    }

    @Test func updatingChunkTextReindexesIt() async throws {
        // The repository replaces chunks rather than updating them, but the update trigger must keep the index
        // right for any other writer (a future migration, a repair script).
        let repositories = try TestRepositories()
        let business = try await repositories.makeBusiness("acme")
        let entry = try await repositories.knowledge.upsert(
            KnowledgeEntry(businessId: business.id, title: "Sump pumps", content: "x"),
            chunks: chunks("Sump pumps", ["Sump pump installation"]))
        try await repositories.database.dbPool.write { db in
            try db.execute(sql: "UPDATE knowledge_chunks SET text = 'Ejector pits' WHERE entry_id = ?",
                           arguments: [entry.id])
        }
        let chunkIds = try await repositories.knowledge.chunks(entryId: entry.id, businessId: business.id).compactMap(\.id)
        #expect(try await chunkIdsContaining(repositories.database, words: #""sump""#).isEmpty)
        #expect(try await chunkIdsContaining(repositories.database, words: #""ejector""#) == chunkIds)
        #expect(try await repositories.knowledge.allChunks(businessId: business.id).map(\.text) == ["Ejector pits"])
        try await expectNoKeywordTable(repositories.database)
    }

    @Test func importIsAllOrNothing() async throws {
        let repositories = try TestRepositories()
        let business = try await repositories.makeBusiness("acme")
        let other = try await repositories.makeBusiness("other")
        func item(_ title: String, businessId: String) -> KnowledgeImportItem {
            KnowledgeImportItem(
                entry: KnowledgeEntry(businessId: businessId, title: title, content: "\(title) content"),
                chunks: chunks(title, ["\(title) part one", "\(title) part two"]))
        }

        // Third item's chunks break UNIQUE (entry_id, ordinal) after two items were written.
        var third = item("Third", businessId: business.id)
        third.chunks[1].ordinal = 0
        await #expect(throws: RepositoryError.self) {
            _ = try await repositories.knowledge.importAll(
                businessId: business.id,
                [item("First", businessId: business.id), item("Second", businessId: business.id), third])
        }
        #expect(try await repositories.count("knowledge_entries") == 0)
        #expect(try await repositories.count("knowledge_chunks") == 0)

        // Third item claims another business.
        await #expect(throws: RepositoryError.self) {
            _ = try await repositories.knowledge.importAll(
                businessId: business.id,
                [item("First", businessId: business.id), item("Second", businessId: business.id),
                 item("Third", businessId: other.id)])
        }
        #expect(try await repositories.count("knowledge_entries") == 0)

        // Unknown business: the foreign key fails.
        let unknown = UUID().uuidString.lowercased()
        await #expect(throws: RepositoryError.notFound) {
            _ = try await repositories.knowledge.importAll(
                businessId: unknown, [item("First", businessId: unknown), item("Second", businessId: unknown)])
        }
        #expect(try await repositories.count("knowledge_entries") == 0)
        #expect(try await repositories.count("knowledge_chunks") == 0)
        #expect(try await chunkIdsContaining(repositories.database, words: #""first" OR "second""#).isEmpty)
        try await expectNoKeywordTable(repositories.database)

        let stored = try await repositories.knowledge.importAll(
            businessId: business.id,
            [item("First", businessId: business.id), item("Second", businessId: business.id),
             item("Third", businessId: business.id)])
        #expect(stored.map(\.title) == ["First", "Second", "Third"])
        #expect(try await repositories.count("knowledge_chunks") == 6)
    }

    @Test func embeddingsRoundTripBitExactly() async throws {
        let repositories = try TestRepositories()
        let business = try await repositories.makeBusiness("acme")
        let vector: [Float] = [0, -0.0, 1, -1, .pi, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
                               -.infinity, .infinity, Float(bitPattern: 0x7fc0_1234), 1e-38, 0.1]
        #expect(KnowledgeChunk.encodeEmbedding([1]) == Data([0x00, 0x00, 0x80, 0x3f])) // little-endian 1.0
        let entry = try await repositories.knowledge.upsert(
            KnowledgeEntry(businessId: business.id, title: "Vector", content: "v"),
            chunks: [KnowledgeChunkInput(ordinal: 0, text: "Vector", body: "v", embedding: vector)])

        let all = try await repositories.knowledge.allChunks(businessId: business.id)
        let stored = try #require(all.first)
        #expect(all.count == 1)
        #expect(stored.entryId == entry.id)
        #expect(stored.embedding.map(\.bitPattern) == vector.map(\.bitPattern))
        let blobLength = try await repositories.database.dbPool.read { db in
            try Int.fetchOne(db, sql: "SELECT length(embedding) FROM knowledge_chunks")!
        }
        #expect(blobLength == vector.count * 4)
        let chunk = try #require(try await repositories.knowledge.chunks(
            entryId: entry.id, businessId: business.id).first)
        #expect(chunk.embeddingVector.map(\.bitPattern) == vector.map(\.bitPattern))
    }

    @Test func allChunksCarriesCategoriesAndText() async throws {
        let repositories = try TestRepositories()
        let business = try await repositories.makeBusiness("acme")
        _ = try await repositories.knowledge.upsert(
            KnowledgeEntry(businessId: business.id, title: "A", content: "a", category: "billing"),
            chunks: chunks("A", ["one", "two"]))
        _ = try await repositories.knowledge.upsert(
            KnowledgeEntry(businessId: business.id, title: "B", content: "b"), chunks: chunks("B", ["three"]))
        let all = try await repositories.knowledge.allChunks(businessId: business.id)
        #expect(all.map(\.category) == ["billing", "billing", nil])
        #expect(all.map(\.text) == ["A\none", "A\ntwo", "B\nthree"])
        #expect(all.map(\.chunkId) == all.map(\.chunkId).sorted())
    }

    @Test func listFiltersAndPaginates() async throws {
        let clock = TestClock()
        let repositories = try TestRepositories(clock: clock)
        let business = try await repositories.makeBusiness("acme")
        for index in 0..<7 {
            clock.advance(by: 1)
            _ = try await repositories.knowledge.upsert(
                KnowledgeEntry(businessId: business.id, title: "Entry \(index)",
                               content: index == 3 ? "100% satisfaction_guaranteed" : "plain",
                               category: index.isMultiple(of: 2) ? "even" : "odd"),
                chunks: [])
        }
        var titles: [String] = []
        var cursor: String?
        repeat {
            let page = try await repositories.knowledge.list(
                businessId: business.id, category: nil, text: nil, limit: 3, cursor: cursor)
            titles += page.items.map(\.title)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(titles == (0..<7).map { "Entry \($0)" })

        let even = try await repositories.knowledge.list(
            businessId: business.id, category: "even", text: nil, limit: 10, cursor: nil)
        #expect(even.items.map(\.title) == ["Entry 0", "Entry 2", "Entry 4", "Entry 6"])
        // LIKE wildcards in the text are literal.
        let percent = try await repositories.knowledge.list(
            businessId: business.id, category: nil, text: "0% SATISFACTION_", limit: 10, cursor: nil)
        #expect(percent.items.map(\.title) == ["Entry 3"])
        let noMatch = try await repositories.knowledge.list(
            businessId: business.id, category: nil, text: "_", limit: 10, cursor: nil)
        #expect(noMatch.items.map(\.title) == ["Entry 3"])
    }
}

/// Every business's chunks, for the keyword index and the vector index alike, are the stored chunk rows: there is no
/// second copy of their text (the FTS5 table was dropped by "v4-drop-keyword-fts") that could keep a stale row.
func expectNoKeywordTable(_ database: AppDatabase) async throws {
    let tables = try await database.dbPool.read { db in
        try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE name LIKE 'knowledge_fts%'")
    }
    #expect(tables.isEmpty)
}

/// Ids of stored chunks (any business) whose text holds one of the quoted words of `match` (`"a" OR "b"`).
func chunkIdsContaining(_ database: AppDatabase, words match: String) async throws -> [Int64] {
    let words = match.split(separator: "\"").map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty && $0 != " OR " }
    return try await database.dbPool.read { db in
        try Int64.fetchAll(db, sql: """
            SELECT id FROM knowledge_chunks WHERE \(words.map { _ in "text LIKE ?" }.joined(separator: " OR ")) ORDER BY id
            """, arguments: StatementArguments(words.map { "%\($0)%" }))
    }
}
