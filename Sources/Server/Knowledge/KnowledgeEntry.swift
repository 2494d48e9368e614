import Foundation

/// One article of a business's knowledge base (a FAQ answer, a price list, a policy). Row of
/// `knowledge_entries`; its searchable pieces are `KnowledgeChunk`s.
public struct KnowledgeEntry: Codable, Sendable, Equatable, Identifiable {
    /// Lower-case UUID, chosen by the caller (so a re-import of the same entry replaces it).
    public var id: String
    public var businessId: String
    public var title: String
    public var content: String
    public var category: String?
    /// Stored as a JSON array.
    public var tags: [String]
    /// Where the entry came from (a file name, a URL), if known.
    public var source: String?
    /// Set by the repository on first insert and kept on later upserts.
    public var createdAt: Date
    /// Set by the repository on every upsert.
    public var updatedAt: Date

    public init(
        id: String = UUID().uuidString.lowercased(), businessId: String, title: String, content: String,
        category: String? = nil, tags: [String] = [], source: String? = nil,
        createdAt: Date = Date(timeIntervalSince1970: 0), updatedAt: Date = Date(timeIntervalSince1970: 0)
    ) {
        self.id = id
        self.businessId = businessId
        self.title = title
        self.content = content
        self.category = category
        self.tags = tags
        self.source = source
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
