import Events
import Foundation
import GRDB

/// `KnowledgeRepository` on the app's SQLite database.
///
/// Keyword search is not here: the FTS5 table of migration "v1-knowledge" shared its BM25 statistics across every
/// business, so it moved to a `KeywordIndex` per business (`KeywordRetriever`) and "v4-drop-keyword-fts" removed it.
public struct GRDBKnowledgeRepository: KnowledgeRepository {
    private let database: AppDatabase
    private let now: @Sendable () -> Date

    public init(database: AppDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    public func upsert(_ entry: KnowledgeEntry, chunks: [KnowledgeChunkInput]) async throws -> KnowledgeEntry {
        let timestamp = now()
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                let stored = try Self.write(db, entry, chunks: chunks, businessId: entry.businessId, now: timestamp)
                try Self.knowledgeChanged(db, businessId: entry.businessId, operation: "upsert", entryIds: [stored.id], at: timestamp)
                return stored
            }
        }
    }

    public func importAll(businessId: String, _ items: [KnowledgeImportItem]) async throws -> [KnowledgeEntry] {
        let timestamp = now()
        return try await translatingConstraintErrors {
            // One write transaction: an error thrown by any item rolls back the items before it.
            try await database.dbPool.write { db in
                let stored = try items.map { item in
                    try Self.write(db, item.entry, chunks: item.chunks, businessId: businessId, now: timestamp)
                }
                try Self.knowledgeChanged(db, businessId: businessId, operation: "import", entryIds: stored.map(\.id), at: timestamp)
                return stored
            }
        }
    }

    public func delete(entryId: String, businessId: String) async throws {
        let timestamp = now()
        let deleted = try await database.dbPool.write { db in
            // Chunks first, explicitly (the foreign key would cascade too): their delete trigger removes the
            // FTS5 rows.
            try KnowledgeChunk
                .filter(Column("entry_id") == entryId && Column("business_id") == businessId)
                .deleteAll(db)
            let deleted = try KnowledgeEntry
                .filter(Column("id") == entryId && Column("business_id") == businessId)
                .deleteAll(db)
            if deleted > 0 {
                try Self.knowledgeChanged(db, businessId: businessId, operation: "delete", entryIds: [entryId], at: timestamp)
            }
            return deleted
        }
        guard deleted > 0 else { throw RepositoryError.notFound }
    }

    /// Raises the business's `kb_version` and appends `knowledge.changed` with it, inside the write's transaction:
    /// every reader that saw version N can tell whether it has seen a later change.
    static func knowledgeChanged(_ db: Database, businessId: String, operation: String, entryIds: [String],
                                 at timestamp: Date) throws {
        try db.execute(sql: "UPDATE businesses SET kb_version = kb_version + 1 WHERE id = ?", arguments: [businessId])
        guard db.changesCount > 0 else { throw RepositoryError.notFound }
        let version = try Int64.fetchOne(db, sql: "SELECT kb_version FROM businesses WHERE id = ?", arguments: [businessId]) ?? 0
        try EventAppender.append(db, EventDraft(
            businessId: businessId, stream: .knowledge(businessId: businessId),
            KnowledgeChanged(kbVersion: version, operation: operation, entryIds: entryIds)), at: timestamp)
    }

    public func get(entryId: String, businessId: String) async throws -> KnowledgeEntry? {
        try await database.dbPool.read { db in
            try KnowledgeEntry.filter(Column("id") == entryId && Column("business_id") == businessId).fetchOne(db)
        }
    }

    public func chunks(entryId: String, businessId: String) async throws -> [KnowledgeChunk] {
        try await database.dbPool.read { db in
            try KnowledgeChunk
                .filter(Column("entry_id") == entryId && Column("business_id") == businessId)
                .order(Column("ordinal"))
                .fetchAll(db)
        }
    }

    public func searchDetails(chunkIds: [Int64], businessId: String) async throws -> [ChunkSearchDetails] {
        guard !chunkIds.isEmpty else { return [] }
        return try await database.dbPool.read { db in
            let sql = """
                SELECT c.id, c.entry_id, c.body, e.title, e.category, e.source
                FROM knowledge_chunks c JOIN knowledge_entries e ON e.id = c.entry_id
                WHERE c.business_id = ? AND c.id IN (\(databaseQuestionMarks(count: chunkIds.count)))
                """
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments([businessId]) + StatementArguments(chunkIds)).map {
                ChunkSearchDetails(chunkId: $0["id"], entryId: $0["entry_id"], body: $0["body"], title: $0["title"],
                                   category: $0["category"], source: $0["source"])
            }
        }
    }

    public func list(
        businessId: String, category: String?, text: String?, limit: Int, cursor: String?
    ) async throws -> Page<KnowledgeEntry> {
        let limit = try PageCursor.validatedLimit(limit)
        let after = try cursor.map(PageCursor.init(decoding:))
        var conditions = ["business_id = ?"]
        var arguments: StatementArguments = [businessId]
        if let category {
            conditions.append("category = ?")
            arguments += [category]
        }
        if let text, !text.isEmpty {
            conditions.append(#"(title LIKE ? ESCAPE '\' OR content LIKE ? ESCAPE '\')"#)
            let pattern = "%" + Self.escapeLike(text) + "%"
            arguments += [pattern, pattern]
        }
        if let after {
            conditions.append("(created_at > ? OR (created_at = ? AND id > ?))")
            arguments += [after.createdAt, after.createdAt, after.id]
        }
        arguments += [limit + 1]
        let sql = """
            SELECT * FROM knowledge_entries WHERE \(conditions.joined(separator: " AND "))
            ORDER BY created_at, id LIMIT ?
            """
        let rows = try await database.dbPool.read { [arguments] db in
            try KnowledgeEntry.fetchAll(db, sql: sql, arguments: arguments)
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { PageCursor(after: $0.createdAt, id: $0.id).encoded } : nil
        return Page(items: items, nextCursor: next)
    }

    public func allChunks(businessId: String) async throws -> [ChunkEmbedding] {
        try await database.dbPool.read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT c.id, c.entry_id, c.embedding, c.text, e.category
                FROM knowledge_chunks c JOIN knowledge_entries e ON e.id = c.entry_id
                WHERE c.business_id = ?
                ORDER BY c.id
                """, arguments: [businessId])
            var result: [ChunkEmbedding] = []
            while let row = try rows.next() {
                result.append(ChunkEmbedding(
                    chunkId: row["id"], entryId: row["entry_id"],
                    embedding: KnowledgeChunk.decodeEmbedding(row["embedding"]), text: row["text"],
                    category: row["category"]))
            }
            return result
        }
    }

    // MARK: - Writing

    /// Upserts one entry and replaces its chunks inside the caller's transaction.
    private static func write(
        _ db: Database, _ input: KnowledgeEntry, chunks: [KnowledgeChunkInput], businessId: String, now: Date
    ) throws -> KnowledgeEntry {
        guard input.businessId == businessId else {
            throw RepositoryError.invalid("entry \(input.id) belongs to another business than the import")
        }
        try validate(input, chunks)
        var entry = input
        entry.updatedAt = now

        if let existing = try KnowledgeEntry.fetchOne(db, key: entry.id) {
            // An id is global; never let one business overwrite (or learn about) another's entry.
            guard existing.businessId == businessId else {
                throw RepositoryError.conflict("knowledge entry id \(entry.id) is already in use")
            }
            entry.createdAt = existing.createdAt
            try entry.update(db)
            try KnowledgeChunk.filter(Column("entry_id") == entry.id).deleteAll(db)
        } else {
            entry.createdAt = now
            try entry.insert(db)
        }

        for input in chunks {
            var chunk = KnowledgeChunk(
                id: nil, entryId: entry.id, businessId: businessId, ordinal: input.ordinal,
                text: input.text, body: input.body, embedding: KnowledgeChunk.encodeEmbedding(input.embedding))
            try chunk.insert(db)
        }
        return try KnowledgeEntry.fetchOne(db, key: entry.id)!
    }

    private static func validate(_ entry: KnowledgeEntry, _ chunks: [KnowledgeChunkInput]) throws {
        guard !entry.id.isEmpty else { throw RepositoryError.invalid("entry id must not be empty") }
        guard !entry.title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw RepositoryError.invalid("entry title must not be empty")
        }
        if let dimension = chunks.first?.embedding.count {
            guard dimension > 0, chunks.allSatisfy({ $0.embedding.count == dimension }) else {
                throw RepositoryError.invalid("chunk embeddings must be non-empty and of one dimension")
            }
        }
        // Ordinals are checked by the UNIQUE (entry_id, ordinal) constraint.
    }

    private static func escapeLike(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
