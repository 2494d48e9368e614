/// One page of a keyset-paginated listing.
public struct Page<Item: Sendable>: Sendable {
    /// The items, in (createdAt, id) order.
    public var items: [Item]
    /// Pass to the next call to continue after the last item; nil when this is the last page.
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

extension Page: Equatable where Item: Equatable {}
