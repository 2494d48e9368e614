/// One result of a nearest-neighbour search.
public struct SearchHit: Sendable, Equatable {
    /// The id the vector was upserted under.
    public let id: String
    /// Cosine similarity between query and stored vector, in [-1, 1] up to rounding.
    public let score: Float
    /// The category the row was upserted with, if any.
    public let category: String?

    public init(id: String, score: Float, category: String?) {
        self.id = id
        self.score = score
        self.category = category
    }
}

/// Restricts a search to rows whose category is in a set.
///
/// The filter is applied during the scan: rows that do not match never enter the top-k heap, so a search
/// returns `k` hits whenever at least `k` rows match. Rows without a category never match a filter.
public struct SearchFilter: Sendable {
    /// Categories a row must have one of.
    public let categories: Set<String>

    public init(categories: Set<String>) {
        self.categories = categories
    }
}
