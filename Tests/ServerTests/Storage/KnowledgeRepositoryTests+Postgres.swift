import Foundation
import Logging
import Synchronization
import Testing
@testable import Server

extension KnowledgeRepositoryTests {
    /// PostgreSQL: each knowledge write tells every listening node `kb:<business id>:<version>` when it commits
    /// (never its content), in version order; a write that fails tells nothing.
    @Test func postgresKnowledgeWritesNotifyTheirNewVersion() async throws {
        let store = try await RepositoryBackend.postgres.make()
        let database = try #require((store.operations as? PostgresStore)?.database)
        let knowledge = store.repositories.knowledge
        let business = try await store.makeBusiness("acme")

        let listener = PostgresListener(url: database.url, logger: Logger(label: "test.listen"))
        let heard = Mutex<[String]>([])
        listener.onNotification { payload in
            if payload.hasPrefix("kb:") { heard.withLock { $0.append(payload) } }
        }
        let listening = Task { try await listener.run() }
        defer { listening.cancel() }
        for _ in 0..<500 where !listener.isConnected { try await Task.sleep(for: .milliseconds(10)) }
        #expect(listener.isConnected)

        let entry = try await knowledge.upsert(KnowledgeEntry(businessId: business.id, title: "A", content: "a"),
                                               chunks: [KnowledgeChunkInput(ordinal: 0, text: "A\none", body: "one", embedding: [1, 0])])
        await #expect(throws: RepositoryError.self) {
            _ = try await knowledge.upsert(KnowledgeEntry(businessId: business.id, title: "B", content: "b"), chunks: [
                KnowledgeChunkInput(ordinal: 0, text: "x", body: "x", embedding: [1]),
                KnowledgeChunkInput(ordinal: 0, text: "y", body: "y", embedding: [1]),
            ])
        }
        _ = try await knowledge.importAll(businessId: business.id, [
            KnowledgeImportItem(entry: KnowledgeEntry(businessId: business.id, title: "C", content: "c"), chunks: []),
        ])
        try await knowledge.delete(entryId: entry.id, businessId: business.id)

        let expected = (1...3).map { "kb:\(business.id):\($0)" }
        for _ in 0..<500 where heard.withLock({ $0.count }) < expected.count { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(100))  // anything extra would have arrived by now
        #expect(heard.withLock { $0 } == expected)
    }
}
