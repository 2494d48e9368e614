import Foundation

/// How urgent a job is by the caller's wording, ordered `low < medium < high < urgent`.
public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
    case low, medium, high, urgent

    private var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        case .urgent: 3
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}
