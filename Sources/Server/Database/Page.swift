import Foundation
import GRDB

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

/// The position after a row in (created_at, id) order, encoded as opaque base64url text.
///
/// `createdAt` is kept in the exact text form SQLite stores (GRDB's "yyyy-MM-dd HH:mm:ss.SSS", which sorts
/// chronologically), so the keyset comparison never suffers a Date ↔ text round-trip.
struct PageCursor: Equatable {
    var createdAt: String
    var id: String

    /// Largest page a caller can ask for; larger limits are clamped.
    static let maximumLimit = 500

    init(createdAt: String, id: String) {
        self.createdAt = createdAt
        self.id = id
    }

    init(after date: Date, id: String) {
        self.init(createdAt: Self.storedText(date), id: id)
    }

    /// Decodes a cursor made by `encoded`; throws `.invalid` for anything else.
    init(decoding text: String) throws {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64),
              let decoded = String(data: data, encoding: .utf8)
        else { throw RepositoryError.invalid("malformed cursor") }
        let parts = decoded.split(separator: "\n", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw RepositoryError.invalid("malformed cursor")
        }
        self.init(createdAt: String(parts[0]), id: String(parts[1]))
    }

    var encoded: String {
        Data("\(createdAt)\n\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The text SQLite holds for `date` (how GRDB stores a `Date`).
    static func storedText(_ date: Date) -> String {
        switch date.databaseValue.storage {
        case .string(let text): text
        default: preconditionFailure("GRDB stores dates as text")
        }
    }

    /// Checks `limit` and clamps it to `1...maximumLimit`.
    static func validatedLimit(_ limit: Int) throws -> Int {
        guard limit > 0 else { throw RepositoryError.invalid("limit must be positive") }
        return min(limit, maximumLimit)
    }
}
