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

/// `KnowledgeRepository`'s contract, on every backend: entries with their chunks replaced atomically, bit-exact
/// embeddings, all-or-nothing imports, listing, the knowledge version every write raises, and scoping by
/// business. PostgreSQL's change notification is in `KnowledgeRepositoryTests+Postgres.swift`.
@Suite struct KnowledgeRepositoryTests {
    @Test(arguments: RepositoryBackend.all)
    func upsertReplacesChunksAtomically(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let knowledge = store.repositories.knowledge
        let business = try await store.makeBusiness("acme")
        let entry = KnowledgeEntry(
            businessId: business.id, title: "Drain cleaning", content: "We clear blocked drains.",
            category: "services", tags: ["drains", "pricing/2030"], source: "faq.md")

        let stored = try await knowledge.upsert(
            entry, chunks: chunks("Drain cleaning", ["Blocked sinks", "Blocked toilets", "Main sewer line"]))
        #expect(stored.tags == ["drains", "pricing/2030"])
        #expect(stored.createdAt == clock.read())
        #expect(try await knowledge.get(entryId: entry.id, businessId: business.id) == stored)
        #expect(try await store.count("knowledge_chunks") == 3)
        let firstIds = try await knowledge.chunks(entryId: entry.id, businessId: business.id).compactMap(\.id)
        #expect(firstIds.count == 3)

        clock.advance(by: 60)
        var edited = entry
        edited.content = "We clear blocked drains, 24/7."
        let restored = try await knowledge.upsert(edited, chunks: chunks("Drain cleaning", ["Any blocked drain, day or night"]))
        #expect(restored.createdAt == stored.createdAt)
        #expect(restored.updatedAt == clock.read())
        #expect(restored.content == edited.content)
        #expect(try await store.count("knowledge_entries") == 1)
        let after = try await knowledge.chunks(entryId: entry.id, businessId: business.id)
        #expect(after.map(\.body) == ["Any blocked drain, day or night"])
        #expect(Set(after.compactMap(\.id)).isDisjoint(with: firstIds))
        #expect(try await store.count("knowledge_chunks", where: "text LIKE ?", ["%sewer%"]) == 0)

        // A failing replacement (duplicate ordinal) leaves the previous version whole.
        let duplicate = [
            KnowledgeChunkInput(ordinal: 0, text: "a", body: "a", embedding: [1]),
            KnowledgeChunkInput(ordinal: 0, text: "b", body: "b", embedding: [2]),
        ]
        var broken = edited
        broken.title = "Broken"
        await #expect {
            _ = try await knowledge.upsert(broken, chunks: duplicate)
        } throws: { error in
            if case RepositoryError.conflict = error { return true }
            return false
        }
        #expect(try await knowledge.get(entryId: entry.id, businessId: business.id) == restored)
        #expect(try await knowledge.chunks(entryId: entry.id, businessId: business.id) == after)
        await #expect(throws: RepositoryError.self) {
            _ = try await knowledge.upsert(KnowledgeEntry(businessId: business.id, title: "  ", content: "x"), chunks: [])
        }
        await #expect(throws: RepositoryError.self) {
            _ = try await knowledge.upsert(KnowledgeEntry(businessId: business.id, title: "Mixed", content: "x"), chunks: [
                KnowledgeChunkInput(ordinal: 0, text: "a", body: "a", embedding: [1, 2]),
                KnowledgeChunkInput(ordinal: 1, text: "b", body: "b", embedding: [1]),
            ])
        }
    }

    @Test(arguments: RepositoryBackend.all)
    func deleteRemovesTheEntryWithItsChunks(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let knowledge = store.repositories.knowledge
        let business = try await store.makeBusiness("acme")
        let entry = KnowledgeEntry(businessId: business.id, title: "Water heaters", content: "Tank and tankless.")
        _ = try await knowledge.upsert(entry, chunks: chunks("Water heaters", ["Tankless installation", "Anode rod replacement"]))
        #expect(try await store.count("knowledge_chunks", where: "text LIKE ?", ["%Anode%"]) == 1)

        try await knowledge.delete(entryId: entry.id, businessId: business.id)
        #expect(try await knowledge.get(entryId: entry.id, businessId: business.id) == nil)
        #expect(try await store.count("knowledge_chunks") == 0)
        #expect(try await knowledge.allChunks(businessId: business.id).isEmpty)
        await #expect(throws: RepositoryError.notFound) {
            try await knowledge.delete(entryId: entry.id, businessId: business.id)
        }
    }

    @Test(arguments: RepositoryBackend.all)
    func deletingTheBusinessDeletesItsKnowledge(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let business = try await store.makeBusiness("acme")
        _ = try await store.repositories.knowledge.upsert(
            KnowledgeEntry(businessId: business.id, title: "Gutters", content: "Cleaning"),
            chunks: chunks("Gutters", ["Gutter cleaning", "Downspout repair"]))
        try await store.repositories.businesses.delete(id: business.id)
        #expect(try await store.count("knowledge_entries") == 0)
        #expect(try await store.count("knowledge_chunks") == 0)
    }

    @Test(arguments: RepositoryBackend.all)
    func importIsAllOrNothing(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let knowledge = store.repositories.knowledge
        let business = try await store.makeBusiness("acme")
        let other = try await store.makeBusiness("other")
        func item(_ title: String, businessId: String) -> KnowledgeImportItem {
            KnowledgeImportItem(
                entry: KnowledgeEntry(businessId: businessId, title: title, content: "\(title) content"),
                chunks: chunks(title, ["\(title) part one", "\(title) part two"]))
        }

        // Third item's chunks break UNIQUE (entry_id, ordinal) after two items were written.
        var third = item("Third", businessId: business.id)
        third.chunks[1].ordinal = 0
        await #expect(throws: RepositoryError.self) {
            _ = try await knowledge.importAll(
                businessId: business.id, [item("First", businessId: business.id), item("Second", businessId: business.id), third])
        }
        #expect(try await store.count("knowledge_entries") == 0)
        #expect(try await store.count("knowledge_chunks") == 0)

        // Third item claims another business.
        await #expect(throws: RepositoryError.self) {
            _ = try await knowledge.importAll(
                businessId: business.id,
                [item("First", businessId: business.id), item("Second", businessId: business.id), item("Third", businessId: other.id)])
        }
        #expect(try await store.count("knowledge_entries") == 0)

        // Unknown business: nothing is stored.
        let unknown = UUID().uuidString.lowercased()
        await #expect(throws: RepositoryError.notFound) {
            _ = try await knowledge.importAll(
                businessId: unknown, [item("First", businessId: unknown), item("Second", businessId: unknown)])
        }
        #expect(try await store.count("knowledge_entries") == 0)
        #expect(try await store.count("knowledge_chunks") == 0)
        #expect(try await store.count("events", where: "type = 'knowledge.changed'") == 0)

        let stored = try await knowledge.importAll(
            businessId: business.id,
            [item("First", businessId: business.id), item("Second", businessId: business.id), item("Third", businessId: business.id)])
        #expect(stored.map(\.title) == ["First", "Second", "Third"])
        #expect(try await store.count("knowledge_chunks") == 6)
        #expect(try await knowledge.allChunks(businessId: business.id).map(\.text)
            == ["First\nFirst part one", "First\nFirst part two", "Second\nSecond part one", "Second\nSecond part two",
                "Third\nThird part one", "Third\nThird part two"])
    }

    @Test(arguments: RepositoryBackend.all)
    func embeddingsRoundTripBitExactly(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let knowledge = store.repositories.knowledge
        let business = try await store.makeBusiness("acme")
        let vector: [Float] = [0, -0.0, 1, -1, .pi, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
                               -.infinity, .infinity, Float(bitPattern: 0x7fc0_1234), 1e-38, 0.1]
        #expect(KnowledgeChunk.encodeEmbedding([1]) == Data([0x00, 0x00, 0x80, 0x3f])) // little-endian 1.0
        let entry = try await knowledge.upsert(
            KnowledgeEntry(businessId: business.id, title: "Vector", content: "v"),
            chunks: [KnowledgeChunkInput(ordinal: 0, text: "Vector", body: "v", embedding: vector)])

        let all = try await knowledge.allChunks(businessId: business.id)
        let stored = try #require(all.first)
        #expect(all.count == 1)
        #expect(stored.entryId == entry.id)
        #expect(stored.embedding.map(\.bitPattern) == vector.map(\.bitPattern))
        // Stored as SQLite's blob is: Float32 little-endian, 4 bytes a dimension.
        #expect(try await store.count("knowledge_chunks", where: "length(embedding) = \(vector.count * 4)") == 1)
        let chunk = try #require(try await knowledge.chunks(entryId: entry.id, businessId: business.id).first)
        #expect(chunk.embedding == KnowledgeChunk.encodeEmbedding(vector))
        #expect(chunk.embeddingVector.map(\.bitPattern) == vector.map(\.bitPattern))
    }

    @Test(arguments: RepositoryBackend.all)
    func allChunksAndSearchDetailsCarryTheirEntries(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let knowledge = store.repositories.knowledge
        let business = try await store.makeBusiness("acme")
        let other = try await store.makeBusiness("other")
        let a = try await knowledge.upsert(
            KnowledgeEntry(businessId: business.id, title: "A", content: "a", category: "billing", source: "a.md"),
            chunks: chunks("A", ["one", "two"]))
        _ = try await knowledge.upsert(KnowledgeEntry(businessId: business.id, title: "B", content: "b"), chunks: chunks("B", ["three"]))
        _ = try await knowledge.upsert(KnowledgeEntry(businessId: other.id, title: "Theirs", content: "t"), chunks: chunks("T", ["four"]))
        let all = try await knowledge.allChunks(businessId: business.id)
        #expect(all.map(\.category) == ["billing", "billing", nil])
        #expect(all.map(\.text) == ["A\none", "A\ntwo", "B\nthree"])
        #expect(all.map(\.chunkId) == all.map(\.chunkId).sorted())
        #expect(all[1].embedding == [1, 1.25, 1.5, 1.75])

        let theirs = try #require(try await knowledge.allChunks(businessId: other.id).first)
        let details = try await knowledge.searchDetails(chunkIds: [all[1].chunkId, theirs.chunkId, 999_999], businessId: business.id)
        #expect(details == [ChunkSearchDetails(chunkId: all[1].chunkId, entryId: a.id, body: "two", title: "A",
                                               category: "billing", source: "a.md")])
        #expect(try await knowledge.searchDetails(chunkIds: [], businessId: business.id).isEmpty)
    }

    @Test(arguments: RepositoryBackend.all)
    func listFiltersAndPaginates(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let knowledge = store.repositories.knowledge
        let business = try await store.makeBusiness("acme")
        for index in 0..<7 {
            clock.advance(by: 1)
            _ = try await knowledge.upsert(
                KnowledgeEntry(businessId: business.id, title: "Entry \(index)",
                               content: index == 3 ? "100% satisfaction_guaranteed" : index == 5 ? "Émile's café" : "plain",
                               category: index.isMultiple(of: 2) ? "even" : "odd"),
                chunks: [])
        }
        var titles: [String] = []
        var cursor: String?
        repeat {
            let page = try await knowledge.list(businessId: business.id, category: nil, text: nil, limit: 3, cursor: cursor)
            titles += page.items.map(\.title)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(titles == (0..<7).map { "Entry \($0)" })

        func titlesOf(category: String? = nil, text: String? = nil) async throws -> [String] {
            try await knowledge.list(businessId: business.id, category: category, text: text, limit: 10, cursor: nil).items.map(\.title)
        }
        #expect(try await titlesOf(category: "even") == ["Entry 0", "Entry 2", "Entry 4", "Entry 6"])
        #expect(try await titlesOf(category: "odd", text: "PLAIN") == ["Entry 1"])
        #expect(try await titlesOf(text: "") == titles)
        // LIKE wildcards in the text are literal; ASCII letters match in either case, other letters only as written
        // (SQLite's LIKE).
        #expect(try await titlesOf(text: "0% SATISFACTION_") == ["Entry 3"])
        #expect(try await titlesOf(text: "_") == ["Entry 3"])
        #expect(try await titlesOf(text: "ÉMILE'S CAF") == ["Entry 5"])
        #expect(try await titlesOf(text: "émile").isEmpty)
        #expect(try await titlesOf(text: "entry 4") == ["Entry 4"])
        await #expect(throws: RepositoryError.self) {
            _ = try await knowledge.list(businessId: business.id, category: nil, text: nil, limit: 3, cursor: "garbage")
        }
    }

    /// Every write raises the business's knowledge version by one and appends `knowledge.changed` in its
    /// transaction; a failed write raises nothing.
    @Test(arguments: RepositoryBackend.all)
    func everyWriteRaisesTheKnowledgeVersion(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let knowledge = store.repositories.knowledge
        let business = try await store.makeBusiness("acme")
        let other = try await store.makeBusiness("other")
        func version(_ id: String) async throws -> Int {
            for version in 0..<10 where try await store.count("businesses", where: "id = ? AND kb_version = \(version)", [id]) == 1 {
                return version
            }
            return -1
        }
        let entry = try await knowledge.upsert(KnowledgeEntry(businessId: business.id, title: "A", content: "a"), chunks: [])
        _ = try await knowledge.upsert(entry, chunks: chunks("A", ["one"]))
        _ = try await knowledge.importAll(businessId: business.id, [
            KnowledgeImportItem(entry: KnowledgeEntry(businessId: business.id, title: "B", content: "b"), chunks: []),
            KnowledgeImportItem(entry: KnowledgeEntry(businessId: business.id, title: "C", content: "c"), chunks: []),
        ])
        try await knowledge.delete(entryId: entry.id, businessId: business.id)
        await #expect(throws: RepositoryError.notFound) { try await knowledge.delete(entryId: entry.id, businessId: business.id) }
        #expect(try await version(business.id) == 4)
        #expect(try await version(other.id) == 0)
        #expect(try await store.count("events", where: "type = 'knowledge.changed' AND stream = ?", ["knowledge:\(business.id)"]) == 4)
        for (version, operation) in [(1, "upsert"), (2, "upsert"), (3, "import"), (4, "delete")] {
            #expect(try await store.count("events", where: """
                type = 'knowledge.changed' AND business_id = ? AND payload LIKE '%"kb_version":\(version)%'
                AND payload LIKE '%"operation":"\(operation)"%'
                """, [business.id]) == 1, "version \(version)")
        }
    }

    /// One business never reads, changes or learns about another's entries; an entry id is global.
    @Test(arguments: RepositoryBackend.all)
    func anotherBusinesssEntriesAreOutOfReach(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let knowledge = store.repositories.knowledge
        let a = try await store.makeBusiness("acme")
        let b = try await store.makeBusiness("other")
        let mine = try await knowledge.upsert(KnowledgeEntry(businessId: a.id, title: "Mine", content: "secret"),
                                              chunks: chunks("Mine", ["secret price"]))
        #expect(try await knowledge.get(entryId: mine.id, businessId: b.id) == nil)
        #expect(try await knowledge.chunks(entryId: mine.id, businessId: b.id).isEmpty)
        #expect(try await knowledge.allChunks(businessId: b.id).isEmpty)
        #expect(try await knowledge.list(businessId: b.id, category: nil, text: nil, limit: 10, cursor: nil).items.isEmpty)
        await #expect(throws: RepositoryError.notFound) { try await knowledge.delete(entryId: mine.id, businessId: b.id) }
        var hijack = mine
        hijack.businessId = b.id
        hijack.title = "Hijacked"
        await #expect {
            _ = try await knowledge.upsert(hijack, chunks: [])
        } throws: { error in
            if case RepositoryError.conflict = error { return true }
            return false
        }
        #expect(try await knowledge.get(entryId: mine.id, businessId: a.id) == mine)
        #expect(try await knowledge.chunks(entryId: mine.id, businessId: a.id).count == 1)
    }

    /// Two nodes writing the same new entry at once: both succeed (one inserts, the other replaces), one entry
    /// with one set of chunks remains, and the version rose twice.
    @Test(arguments: RepositoryBackend.all)
    func concurrentUpsertsOfOneEntryLeaveOneWholeEntry(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let knowledge = store.repositories.knowledge
        let business = try await store.makeBusiness("acme")
        for round in 0..<5 {
            let id = UUID().uuidString.lowercased()
            async let first = knowledge.upsert(KnowledgeEntry(id: id, businessId: business.id, title: "First", content: "1"),
                                               chunks: chunks("First", ["a", "b", "c"]))
            async let second = knowledge.upsert(KnowledgeEntry(id: id, businessId: business.id, title: "Second", content: "2"),
                                                chunks: chunks("Second", ["d", "e"]))
            let written = try await [first, second]
            let stored = try #require(try await knowledge.get(entryId: id, businessId: business.id))
            #expect(written.contains { $0.title == stored.title }, "round \(round)")
            let bodies = try await knowledge.chunks(entryId: id, businessId: business.id).map(\.body)
            #expect(bodies == (stored.title == "First" ? ["a", "b", "c"] : ["d", "e"]), "round \(round)")
        }
        #expect(try await store.count("knowledge_entries") == 5)
        #expect(try await store.count("businesses", where: "id = ? AND kb_version = 10", [business.id]) == 1)
    }

    /// SQLite only: the chunk rows are the one copy of their text (the FTS5 table was dropped by
    /// "v4-drop-keyword-fts"), so a direct edit of a chunk is what `allChunks` reads.
    @Test func sqliteChunkTextIsReadFromTheChunkRows() async throws {
        let repositories = try TestRepositories()
        let business = try await repositories.makeBusiness("acme")
        let entry = try await repositories.knowledge.upsert(
            KnowledgeEntry(businessId: business.id, title: "Sump pumps", content: "x"), chunks: chunks("Sump pumps", ["Sump pump installation"]))
        try await repositories.database.dbPool.write { db in
            try db.execute(sql: "UPDATE knowledge_chunks SET text = 'Ejector pits' WHERE entry_id = ?", arguments: [entry.id])
        }
        #expect(try await repositories.knowledge.allChunks(businessId: business.id).map(\.text) == ["Ejector pits"])
        try await expectNoKeywordTable(repositories.database)
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
