import Foundation

/// The position after a row in (sort key, id) order, encoded as opaque base64url text.
///
/// The sort key is kept as text in the exact form the backend stores and compares (for SQLite, GRDB's
/// "yyyy-MM-dd HH:mm:ss.SSS" date text, see `PageCursor+GRDB`), so the keyset comparison never suffers a
/// Date ↔ text round-trip. A cursor is only ever read back by the backend that made it.
struct PageCursor: Equatable {
    var createdAt: String
    var id: String

    /// Largest page a caller can ask for; larger limits are clamped.
    static let maximumLimit = 500

    init(createdAt: String, id: String) {
        self.createdAt = createdAt
        self.id = id
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

    /// Checks `limit` and clamps it to `1...maximumLimit`.
    static func validatedLimit(_ limit: Int) throws -> Int {
        guard limit > 0 else { throw RepositoryError.invalid("limit must be positive") }
        return min(limit, maximumLimit)
    }
}
