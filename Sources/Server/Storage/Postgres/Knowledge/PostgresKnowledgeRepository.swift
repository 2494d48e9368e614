import Events
import Foundation
import NIOCore
import PostgresNIO

/// `KnowledgeRepository` on PostgreSQL. Embeddings are `bytea`, little-endian Float32 as SQLite's blobs.
///
/// Every write raises the business's `kb_version` and appends `knowledge.changed` (as on SQLite) and, in the same
/// transaction, `NOTIFY`s `kb:<business id>:<version>`: every node rebuilds its in-memory indexes from the database
/// when it hears of a version it has not seen. Raising the version locks the business row until commit, so a
/// business's versions commit in order and their notifications arrive in that order.
struct PostgresKnowledgeRepository: KnowledgeRepository {
    let database: PGDatabase
    let now: @Sendable () -> Date

    static let entryColumns = "id, business_id, title, content, category, tags, source, created_at, updated_at"
    static let chunkColumns = "id, entry_id, business_id, ordinal, text, body, embedding"

    func upsert(_ entry: KnowledgeEntry, chunks: [KnowledgeChunkInput]) async throws -> KnowledgeEntry {
        let timestamp = now()
        let logger = database.logger
        return try await database.write { connection in
            let stored = try await Self.write(connection, entry, chunks: chunks, businessId: entry.businessId, now: timestamp,
                                              logger: logger)
            try await Self.knowledgeChanged(connection, businessId: entry.businessId, operation: "upsert",
                                            entryIds: [stored.id], at: timestamp, logger: logger)
            return stored
        }
    }

    func importAll(businessId: String, _ items: [KnowledgeImportItem]) async throws -> [KnowledgeEntry] {
        let timestamp = now()
        let logger = database.logger
        // One transaction: an error thrown by any item rolls back the items before it.
        return try await database.write { connection in
            var stored: [KnowledgeEntry] = []
            for item in items {
                stored.append(try await Self.write(connection, item.entry, chunks: item.chunks, businessId: businessId,
                                                   now: timestamp, logger: logger))
            }
            try await Self.knowledgeChanged(connection, businessId: businessId, operation: "import",
                                            entryIds: stored.map(\.id), at: timestamp, logger: logger)
            return stored
        }
    }

    func delete(entryId: String, businessId: String) async throws {
        let timestamp = now()
        let logger = database.logger
        let deleted = try await database.write { connection in
            // The entry's chunks go with it (ON DELETE CASCADE).
            let deleted = try await connection.query("""
                DELETE FROM knowledge_entries WHERE id = \(entryId) AND business_id = \(businessId) RETURNING id
                """, logger: logger).all(String.self)
            if !deleted.isEmpty {
                try await Self.knowledgeChanged(connection, businessId: businessId, operation: "delete", entryIds: [entryId],
                                                at: timestamp, logger: logger)
            }
            return !deleted.isEmpty
        }
        guard deleted else { throw RepositoryError.notFound }
    }

    /// Raises the business's `kb_version`, appends `knowledge.changed` with it and queues the `kb:` notification,
    /// inside the write's transaction: every reader that saw version N can tell whether it has seen a later change.
    static func knowledgeChanged(_ connection: PostgresConnection, businessId: String, operation: String,
                                 entryIds: [String], at timestamp: Date, logger: Logger) async throws {
        let versions = try await connection.query("""
            UPDATE businesses SET kb_version = kb_version + 1 WHERE id = \(businessId) RETURNING kb_version
            """, logger: logger).all(Int64.self)
        guard let version = versions.first else { throw RepositoryError.notFound }
        try await PostgresEventAppender.append(connection, EventDraft(
            businessId: businessId, stream: .knowledge(businessId: businessId),
            KnowledgeChanged(kbVersion: version, operation: operation, entryIds: entryIds)), at: timestamp, logger: logger)
        try await PGDatabase.notify(connection, "kb:\(businessId):\(version)", logger: logger)
    }

    func get(entryId: String, businessId: String) async throws -> KnowledgeEntry? {
        let logger = database.logger
        return try await database.read { connection in
            try await Self.decodeEntries(connection.query("""
                SELECT \(unescaped: Self.entryColumns) FROM knowledge_entries WHERE id = \(entryId) AND business_id = \(businessId)
                """, logger: logger)).first
        }
    }

    func chunks(entryId: String, businessId: String) async throws -> [KnowledgeChunk] {
        let logger = database.logger
        return try await database.read { connection in
            let rows = try await connection.query("""
                SELECT \(unescaped: Self.chunkColumns) FROM knowledge_chunks
                WHERE entry_id = \(entryId) AND business_id = \(businessId) ORDER BY ordinal
                """, logger: logger)
            var chunks: [KnowledgeChunk] = []
            for try await (id, entryId, businessId, ordinal, text, body, embedding)
                in rows.decode((Int64, String, String, Int, String, String, ByteBuffer).self) {
                chunks.append(KnowledgeChunk(id: id, entryId: entryId, businessId: businessId, ordinal: ordinal, text: text,
                                             body: body, embedding: Data(embedding.readableBytesView)))
            }
            return chunks
        }
    }

    func searchDetails(chunkIds: [Int64], businessId: String) async throws -> [ChunkSearchDetails] {
        guard !chunkIds.isEmpty else { return [] }
        let logger = database.logger
        return try await database.read { connection in
            try await connection.query("""
                SELECT c.id, c.entry_id, c.body, e.title, e.category, e.source
                FROM knowledge_chunks c JOIN knowledge_entries e ON e.id = c.entry_id
                WHERE c.business_id = \(businessId) AND c.id = ANY(\(chunkIds))
                ORDER BY c.id
                """, logger: logger).all((Int64, String, String, String, String?, String?).self).map {
                ChunkSearchDetails(chunkId: $0.0, entryId: $0.1, body: $0.2, title: $0.3, category: $0.4, source: $0.5)
            }
        }
    }

    func list(
        businessId: String, category: String?, text: String?, limit: Int, cursor: String?
    ) async throws -> Page<KnowledgeEntry> {
        let limit = try PageCursor.validatedLimit(limit)
        let after = try cursor.map(PageCursor.init(decoding:))
        let afterKey = try after?.postgresMicroseconds()
        // SQLite's LIKE ignores case for ASCII letters only: both sides fold A–Z to a–z and nothing else.
        let pattern = text.flatMap { $0.isEmpty ? nil : "%" + Self.asciiLowercased(Self.escapeLike($0)) + "%" }
        let logger = database.logger
        let rows = try await database.read { connection in
            try await Self.decodeEntries(connection.query("""
                SELECT \(unescaped: Self.entryColumns) FROM knowledge_entries
                WHERE business_id = \(businessId)
                  AND (\(category)::text IS NULL OR category = \(category))
                  AND (\(pattern)::text IS NULL
                       OR \(unescaped: Self.asciiFolded("title")) LIKE \(pattern) ESCAPE '\\'
                       OR \(unescaped: Self.asciiFolded("content")) LIKE \(pattern) ESCAPE '\\')
                  AND (\(afterKey)::bigint IS NULL
                       OR (\(unescaped: PGDatabase.microsecondsSQL("created_at")), id) > (\(afterKey), \(after?.id)))
                ORDER BY created_at, id LIMIT \(limit + 1)
                """, logger: logger))
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { PageCursor(postgresAfter: $0.createdAt, id: $0.id).encoded } : nil
        return Page(items: items, nextCursor: next)
    }

    func allChunks(businessId: String) async throws -> [ChunkEmbedding] {
        let logger = database.logger
        return try await database.read { connection in
            let rows = try await connection.query("""
                SELECT c.id, c.entry_id, c.embedding, c.text, e.category
                FROM knowledge_chunks c JOIN knowledge_entries e ON e.id = c.entry_id
                WHERE c.business_id = \(businessId)
                ORDER BY c.id
                """, logger: logger)
            var result: [ChunkEmbedding] = []
            for try await (id, entryId, embedding, text, category) in rows.decode((Int64, String, ByteBuffer, String, String?).self) {
                result.append(ChunkEmbedding(chunkId: id, entryId: entryId, embedding: Self.floats(embedding), text: text,
                                             category: category))
            }
            return result
        }
    }

    // MARK: - Rows

    /// Decodes rows selected with ``entryColumns``.
    static func decodeEntries(_ rows: PostgresRowSequence) async throws -> [KnowledgeEntry] {
        try await rows.all((String, String, String, String, String?, String, String?, Date, Date).self).map {
            KnowledgeEntry(id: $0.0, businessId: $0.1, title: $0.2, content: $0.3, category: $0.4,
                           tags: try PostgresRecordJSON.value([String].self, from: $0.5), source: $0.6,
                           createdAt: $0.7, updatedAt: $0.8)
        }
    }

    /// The floats of a stored embedding (Float32 little-endian), read straight from the row's buffer.
    static func floats(_ buffer: ByteBuffer) -> [Float] {
        buffer.withUnsafeReadableBytes { raw in
            (0..<raw.count / 4).map { index in
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
            }
        }
    }
}
