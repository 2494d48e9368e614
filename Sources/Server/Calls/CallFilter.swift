import Foundation
import Receptionist

/// Which of a business's calls a list shows (the panel's calls page). A nil field lets every call through.
public struct CallFilter: Sendable, Equatable {
    /// Calls started at or after this.
    public var from: Date?
    /// Calls started before this.
    public var to: Date?
    /// Calls that ended with this outcome.
    public var outcome: CallOutcome?

    public init(from: Date? = nil, to: Date? = nil, outcome: CallOutcome? = nil) {
        self.from = from
        self.to = to
        self.outcome = outcome
    }
}
