import Foundation

/// How soon a ticket needs a vendor. Ordered: `routine < urgent < emergency`, so the most pressing sorts last in an
/// ascending sort (and `max()` is the most pressing). Raw values are public API: never rename one.
public enum TicketPriority: String, Codable, Sendable, CaseIterable, Comparable {
    case routine, urgent, emergency

    /// Parses a value from a request or a row, ignoring case and surrounding spaces.
    public init?(parsing raw: String) {
        self.init(rawValue: raw.trimmingCharacters(in: .whitespaces).lowercased())
    }

    private var rank: Int {
        switch self {
        case .routine: 0
        case .urgent: 1
        case .emergency: 2
        }
    }

    public static func < (lhs: TicketPriority, rhs: TicketPriority) -> Bool { lhs.rank < rhs.rank }
}
