import Foundation
import GRDB
import Testing
import VectorIndex
@testable import Server

/// Every entry of the sample business corpora as one chunk (title + content), with a dummy vector.
private func importSampleCorpora(_ repositories: TestRepositories, businessId: String) async throws {
    var items: [KnowledgeImportItem] = []
    for corpus in ["plumbing", "dental", "property"] {
        let url = ServerTestPaths.corpora.appendingPathComponent("\(corpus)/knowledge.jsonl")
        for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
            let row = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let title = try #require(row["title"] as? String), content = try #require(row["content"] as? String)
            items.append(KnowledgeImportItem(
                entry: KnowledgeEntry(businessId: businessId, title: title, content: content, category: corpus),
                chunks: [KnowledgeChunkInput(ordinal: 0, text: "\(title)\n\(content)", body: content, embedding: [1, 0])]))
        }
    }
    _ = try await repositories.knowledge.importAll(businessId: businessId, items)
}

private func retriever(for repositories: TestRepositories, businessId: String) async throws -> InMemoryKeywordRetriever {
    let retriever = InMemoryKeywordRetriever()
    retriever.synchronise(with: try await repositories.knowledge.allChunks(businessId: businessId)
        .map { KeywordChunk(chunkId: $0.chunkId, text: $0.text, category: $0.category) })
    return retriever
}

/// The in-memory keyword retriever, built from the repository's chunks as the knowledge service builds it.
@Suite struct KeywordRetrieverTests {
    /// FTS5 with the tokenizer keyword search used to run on (`knowledge_fts` of migration "v1-knowledge"), over
    /// one business's chunks only, must agree with `KeywordIndex` term for term and score for score. The FTS5
    /// table is the test's own, in memory, so the test outlives a migration that drops `knowledge_fts`.
    @Test func agreesWithFTS5OnTheSampleCorpora() async throws {
        let repositories = try TestRepositories()
        let business = try await repositories.makeBusiness("samples")
        try await importSampleCorpora(repositories, businessId: business.id)
        let stored = try await repositories.knowledge.allChunks(businessId: business.id)
        let retriever = try await retriever(for: repositories, businessId: business.id)
        let index = retriever.index
        let fts = try DatabaseQueue()
        try await fts.write { db in
            try db.execute(sql: """
                CREATE VIRTUAL TABLE chunks USING fts5(text, tokenize='porter unicode61 remove_diacritics 2');
                CREATE VIRTUAL TABLE terms USING fts5vocab(chunks, row);
                """)
            for chunk in stored {
                try db.execute(sql: "INSERT INTO chunks(rowid, text) VALUES (?, ?)", arguments: [chunk.chunkId, chunk.text])
            }
        }

        // Vocabulary: the same terms, in as many documents, and the same total token count.
        let (vocabulary, tokens) = try await fts.read { db in
            (try Row.fetchAll(db, sql: "SELECT term, doc FROM terms").map { (term: $0["term"] as String, documents: $0["doc"] as Int) },
             try Int.fetchOne(db, sql: "SELECT sum(cnt) FROM terms")!)
        }
        #expect(vocabulary.count > 1500)
        #expect(index.termCount == vocabulary.count)
        #expect(index.tokenCount == tokens)
        let mismatched = vocabulary.filter { index.documentFrequency(of: $0.term) != $0.documents }
        #expect(mismatched.isEmpty, "terms counted differently: \(mismatched.prefix(10))")

        // Rankings: each entry's title as a query, and callers' questions.
        let titles = try await repositories.database.dbPool.read { db in
            try String.fetchAll(db, sql: "SELECT title FROM knowledge_entries ORDER BY id")
        }
        let questions = [
            "I can smell gas in my kitchen what should I do", "how much is a callout at the weekend",
            "do you take my insurance for a crown", "the tenant's boiler is leaking water", "Café résumé naïve",
            "what's your 24/7 re-key price?", "is it the", "emergency", "zzzz nothing matches",
        ]
        for query in titles + questions {
            let terms = KeywordQuery(query).tokens
            let expected: [(id: Int64, score: Double)] = terms.isEmpty ? [] : try await fts.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT rowid, -bm25(chunks) AS score FROM chunks WHERE chunks MATCH ?
                    ORDER BY bm25(chunks), rowid LIMIT 100
                    """, arguments: [terms.map { "\"\($0)\"" }.joined(separator: " OR ")])
                    .map { (id: $0["rowid"], score: $0["score"]) }
            }
            let hits = try await retriever.search(query, limit: 100, categories: nil)
            #expect(hits.map(\.chunkId) == expected.map(\.id), "'\(query)'")
            for (hit, reference) in zip(hits, expected) {
                #expect(abs(hit.score - reference.score) <= 1e-9 * reference.score, "'\(query)' chunk \(hit.chunkId)")
            }
        }
    }

    @Test func ranksTheExactTermFirstStemsAndFilters() async throws {
        let repositories = try TestRepositories()
        let business = try await repositories.makeBusiness("acme")
        let corpus: [(String, String, String?)] = [
            ("Emergency service", "We answer emergencies around the clock for burst pipes.", "emergency"),
            ("Water heater repair", "Repair of gas and electric water heaters.", "services"),
            ("Pricing", "Our call-out fee is $89; repairs are quoted on site.", "billing"),
            ("Backflow testing", "Annual backflow prevention testing and certification.", "services"),
        ]
        var chunkOf: [String: Int64] = [:]
        for (title, body, category) in corpus {
            let entry = try await repositories.knowledge.upsert(
                KnowledgeEntry(businessId: business.id, title: title, content: body, category: category),
                chunks: [KnowledgeChunkInput(ordinal: 0, text: "\(title)\n\(body)", body: body, embedding: [1])])
            chunkOf[title] = try await repositories.knowledge.chunks(entryId: entry.id, businessId: business.id)[0].id
        }
        let retriever = try await retriever(for: repositories, businessId: business.id)

        let hits = try await retriever.search("How much is the backflow test?", limit: 10, categories: nil)
        #expect(hits.first?.chunkId == chunkOf["Backflow testing"])
        #expect(hits.allSatisfy { $0.score > 0 })
        #expect(zip(hits, hits.dropFirst()).allSatisfy { $0.score >= $1.score })
        // Porter stemming: "heaters" finds "heater", "emergencies" finds "emergency".
        #expect(try await retriever.search("heaters", limit: 1, categories: nil).first?.chunkId == chunkOf["Water heater repair"])
        #expect(try await retriever.search("emergencies", limit: 1, categories: nil).first?.chunkId == chunkOf["Emergency service"])
        // Category filter.
        #expect(try await retriever.search("repair fee", limit: 10, categories: ["billing"]).map(\.chunkId) == [chunkOf["Pricing"]!])
        #expect(try await retriever.search("repair", limit: 10, categories: []).isEmpty)
        #expect(try await retriever.search("repair", limit: 1, categories: nil).count == 1)
    }

    @Test(arguments: [
        #"what's the "backflow" price?"#, "title:backflow", "back-flow OR backflow", "backflow AND",
        "AND", "NOT backflow", "NEAR(backflow test)", "backflow*", "^backflow", "(backflow", "\"", "'",
        "🚰 backflow 💧", "🚰👨‍🔧", "", "   ", "-", ":", "{backflow}", "backflow\u{0}", "BÄCKFLÖW",
    ])
    func survivesHostileQueries(_ query: String) async throws {
        let retriever = InMemoryKeywordRetriever()
        retriever.synchronise(with: [KeywordChunk(chunkId: 1, text: "Backflow testing\nAnnual backflow prevention testing", category: nil)])
        let hits = try await retriever.search(query, limit: 5, categories: nil)
        #expect(hits.count <= 1)
        if query.lowercased().contains("backflow") || query.contains("BÄCKFLÖW") {
            #expect(hits.count == 1)
        }
    }

    @Test func synchroniseAddsAndRemovesToMatchTheDatabase() async throws {
        let retriever = InMemoryKeywordRetriever()
        retriever.synchronise(with: [KeywordChunk(chunkId: 1, text: "gutter", category: nil),
                                     KeywordChunk(chunkId: 2, text: "fascia", category: nil)])
        retriever.update(adding: [KeywordChunk(chunkId: 3, text: "soffit gutter", category: "x")], removing: [1])
        #expect(retriever.chunkIds == [2, 3])
        #expect(try await retriever.search("gutter", limit: 5, categories: nil).map(\.chunkId) == [3])
        retriever.synchronise(with: [KeywordChunk(chunkId: 3, text: "soffit gutter", category: "x"),
                                     KeywordChunk(chunkId: 4, text: "gutter guards", category: nil)])
        #expect(retriever.chunkIds == [3, 4])
        #expect(try await retriever.search("fascia", limit: 5, categories: nil).isEmpty)
        #expect(try await retriever.search("gutter", limit: 5, categories: ["x"]).map(\.chunkId) == [3])
    }
}
