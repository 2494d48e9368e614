import Foundation
import NIOCore
import PostgresNIO

extension PostgresKnowledgeRepository {
    /// Upserts one entry and replaces its chunks inside the caller's transaction.
    ///
    /// One statement inserts the entry or, when its id exists for this business, updates it (keeping `createdAt`)
    /// and locks it; an id of another business updates nothing and is a conflict. Two nodes writing the same new
    /// entry at once: the second waits for the first's insert, then updates it.
    static func write(
        _ connection: PostgresConnection, _ input: KnowledgeEntry, chunks: [KnowledgeChunkInput], businessId: String,
        now: Date, logger: Logger
    ) async throws -> KnowledgeEntry {
        guard input.businessId == businessId else {
            throw RepositoryError.invalid("entry \(input.id) belongs to another business than the import")
        }
        try validate(input, chunks)
        let tags = try PostgresRecordJSON.string(input.tags)
        // One knowledge write per business at a time (the row lock the version bump would take at the end anyway,
        // taken first): two nodes inserting the same new entry id at once would otherwise race past ON CONFLICT (id)
        // into the (id, business_id) unique key and fail instead of one updating the other.
        try await connection.query("SELECT 1 FROM businesses WHERE id = \(businessId) FOR UPDATE", logger: logger)
        let rows = try await connection.query("""
            INSERT INTO knowledge_entries (id, business_id, title, content, category, tags, source, created_at, updated_at)
            VALUES (\(input.id), \(businessId), \(input.title), \(input.content), \(input.category), \(tags), \(input.source),
                    \(now), \(now))
            ON CONFLICT (id) DO UPDATE SET title = excluded.title, content = excluded.content,
                category = excluded.category, tags = excluded.tags, source = excluded.source, updated_at = excluded.updated_at
                WHERE knowledge_entries.business_id = excluded.business_id
            RETURNING \(unescaped: entryColumns), (xmax = 0) AS inserted
            """, logger: logger).rows()
        // An id is global; never let one business overwrite (or learn about) another's entry.
        guard let row = rows.first else { throw RepositoryError.conflict("knowledge entry id \(input.id) is already in use") }
        let cells = row.makeRandomAccess()
        let entry = KnowledgeEntry(
            id: try cells["id"].decode(String.self), businessId: try cells["business_id"].decode(String.self),
            title: try cells["title"].decode(String.self), content: try cells["content"].decode(String.self),
            category: try cells["category"].decode(String?.self),
            tags: try PostgresRecordJSON.value([String].self, from: cells["tags"].decode(String.self)),
            source: try cells["source"].decode(String?.self), createdAt: try cells["created_at"].decode(Date.self),
            updatedAt: try cells["updated_at"].decode(Date.self))
        if try !cells["inserted"].decode(Bool.self) {
            try await connection.query("DELETE FROM knowledge_chunks WHERE entry_id = \(entry.id)", logger: logger)
        }
        guard !chunks.isEmpty else { return entry }
        // Every chunk in one statement, ids in input order (as SQLite inserts them one by one).
        try await connection.query("""
            INSERT INTO knowledge_chunks (entry_id, business_id, ordinal, text, body, embedding)
            SELECT \(entry.id), \(businessId), chunk.ordinal, chunk.text, chunk.body, chunk.embedding
            FROM unnest(\(chunks.map(\.ordinal))::integer[], \(chunks.map(\.text))::text[], \(chunks.map(\.body))::text[],
                        \(chunks.map { embedding($0.embedding) })::bytea[])
                 WITH ORDINALITY AS chunk(ordinal, text, body, embedding, position)
            ORDER BY chunk.position
            """, logger: logger)
        return entry
    }

    /// `vector` as stored: Float32 little-endian, as `KnowledgeChunk.encodeEmbedding` (SQLite's blob).
    static func embedding(_ vector: [Float]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(vector.count * 4)
        for value in vector { buffer.writeInteger(value.bitPattern, endianness: .little) }
        return buffer
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

    static func escapeLike(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    static func asciiLowercased(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { ("A"..."Z").contains($0) ? Unicode.Scalar($0.value + 32)! : $0 }))
    }

    /// SQL of `column` with A–Z folded to a–z (only those: PostgreSQL's `lower` folds more, per collation).
    static func asciiFolded(_ column: String) -> String {
        "translate(\(column), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
    }
}
