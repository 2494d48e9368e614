import Foundation
import Hummingbird
import Receptionist

/// The calls page's query: `from` and `to` (dates in the business's time zone, both days included, or ISO 8601
/// date-times), `outcome` (a `CallOutcome`), `cursor` (the page after the one it came from) and `limit`. An empty
/// value is no filter, as a form sends it; anything unreadable is 400 naming the parameter.
struct PanelCallsQuery: Equatable {
    /// As typed, for the form and the paging links.
    var from = "", to = "", outcome = ""
    var cursor: String?
    var limit = PanelCallsQuery.defaultLimit
    var filter = CallFilter()

    static let defaultLimit = 25
    static let maximumLimit = 100

    init(_ query: Parameters, timeZone: TimeZone) throws {
        func value(_ name: String) -> String {
            (query[name[...]].map(String.init) ?? "").trimmingCharacters(in: .whitespaces)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        from = value("from")
        to = value("to")
        outcome = value("outcome")
        if !from.isEmpty { filter.from = try AnalyticsRange.parse(from, name: "from", endOfDay: false, calendar: calendar) }
        if !to.isEmpty { filter.to = try AnalyticsRange.parse(to, name: "to", endOfDay: true, calendar: calendar) }
        if let start = filter.from, let end = filter.to, start >= end {
            throw AppError(.badRequest, code: "invalid_range", message: "from must be before to")
        }
        if !outcome.isEmpty {
            guard let known = CallOutcome(rawValue: outcome) else {
                throw AppError(.badRequest, code: "invalid_parameter",
                               message: "outcome must be one of \(CallOutcome.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.outcome = known
        }
        let cursorText = value("cursor")
        if !cursorText.isEmpty {
            guard (try? PageCursor(decoding: cursorText)) != nil else {
                throw AppError(.badRequest, code: "invalid_parameter", message: "cursor is not one of this list's pages")
            }
            cursor = cursorText
        }
        let limitText = value("limit")
        if !limitText.isEmpty {
            guard let number = Int(limitText), (1...Self.maximumLimit).contains(number) else {
                throw AppError(.badRequest, code: "invalid_parameter", message: "limit must be an integer between 1 and \(Self.maximumLimit)")
            }
            limit = number
        }
    }

    /// Some filter is set.
    var isFiltered: Bool { filter != CallFilter() }

    /// The calls page of business `slug` with these filters, starting after `cursor` (nil: the newest page).
    func link(slug: String, cursor: String?) -> String {
        var items: [(String, String)] = [("from", from), ("to", to), ("outcome", outcome)].filter { !$0.1.isEmpty }
        if limit != Self.defaultLimit { items.append(("limit", String(limit))) }
        if let cursor { items.append(("cursor", cursor)) }
        let path = PanelPaths.business(slug) + "calls"
        guard !items.isEmpty else { return path }
        return path + "?" + items.map { "\($0.0)=\(Self.encoded($0.1))" }.joined(separator: "&")
    }

    /// `text` as one query value or path segment.
    static func encoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
