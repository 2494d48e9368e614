import Foundation
import GRDB

extension PageCursor {
    /// The cursor after the row with sort key `date` and `id`, in SQLite's stored date text.
    init(after date: Date, id: String) {
        self.init(createdAt: Self.storedText(date), id: id)
    }

    /// The text SQLite holds for `date` (how GRDB stores a `Date`).
    static func storedText(_ date: Date) -> String {
        switch date.databaseValue.storage {
        case .string(let text): text
        default: preconditionFailure("GRDB stores dates as text")
        }
    }
}
