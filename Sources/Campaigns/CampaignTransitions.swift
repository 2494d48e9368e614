import Foundation

/// The one table of legal campaign moves, and the rule each illegal one breaks (said in a 409's `rule`).
///
/// | from | to | when |
/// |---|---|---|
/// | draft | scheduled | started with a start time still ahead |
/// | draft | running | started with no start time, or one already past |
/// | draft | cancelled | withdrawn before it was started |
/// | scheduled | running | the start time came (or it was started again once the time had passed) |
/// | scheduled | cancelled | withdrawn before anyone was called |
/// | running | paused | paused by hand: nobody new is dialled |
/// | running | completed | every recipient reached a final state |
/// | running | cancelled | withdrawn while calling |
/// | paused | running | resumed |
/// | paused | completed | the last calls in progress ended while paused and every recipient is final |
/// | paused | cancelled | withdrawn while paused |
///
/// Every other move is illegal; ``rule(from:to:)`` says why, checking in this order: staying put ("the campaign is
/// already paused"), leaving a final state, going back to `draft`, scheduling a campaign that has started, pausing
/// one that is not running, resuming one that is not paused, completing one that never ran.
public enum CampaignTransitions {
    /// A legal move and what it means.
    public struct Move: Sendable, Equatable, Hashable {
        public let from: CampaignState
        public let to: CampaignState
        /// When the move happens, for the docs and the event's reader.
        public let meaning: String
    }

    /// Every legal move.
    public static let legal: [Move] = [
        Move(from: .draft, to: .scheduled, meaning: "started with a start time still ahead"),
        Move(from: .draft, to: .running, meaning: "started"),
        Move(from: .draft, to: .cancelled, meaning: "withdrawn before it was started"),
        Move(from: .scheduled, to: .running, meaning: "the start time came"),
        Move(from: .scheduled, to: .cancelled, meaning: "withdrawn before anyone was called"),
        Move(from: .running, to: .paused, meaning: "paused: nobody new is dialled"),
        Move(from: .running, to: .completed, meaning: "every recipient reached a final state"),
        Move(from: .running, to: .cancelled, meaning: "withdrawn while calling"),
        Move(from: .paused, to: .running, meaning: "resumed"),
        Move(from: .paused, to: .completed, meaning: "the last calls ended while paused"),
        Move(from: .paused, to: .cancelled, meaning: "withdrawn while paused"),
    ]

    private static let legalPairs: Set<[CampaignState]> = Set(legal.map { [$0.from, $0.to] })

    /// Whether `from → to` is a legal move.
    public static func isLegal(from: CampaignState, to: CampaignState) -> Bool { legalPairs.contains([from, to]) }

    /// The rule `from → to` breaks, or nil when the move is legal.
    public static func rule(from: CampaignState, to: CampaignState) -> String? {
        if isLegal(from: from, to: to) { return nil }
        if from == to { return "the campaign is already \(from.rawValue)" }
        if from == .completed { return "a completed campaign cannot be restarted; create a new campaign" }
        if from == .cancelled { return "a cancelled campaign cannot be restarted; create a new campaign" }
        if to == .draft { return "a campaign never goes back to draft" }
        if to == .scheduled { return "a campaign that has started cannot be started or scheduled again; pause or resume it" }
        if to == .paused { return "only a running campaign can be paused" }
        if to == .running { return "only a paused campaign can be resumed" }
        if to == .completed { return "a campaign that never ran cannot be completed; cancel it instead" }
        // Every pair is covered above; kept so a future state cannot fall through silently.
        return "a \(from.rawValue) campaign cannot become \(to.rawValue)"
    }

    /// Throws ``IllegalCampaignTransition`` when `from → to` is not a legal move.
    public static func check(from: CampaignState, to: CampaignState) throws(IllegalCampaignTransition) {
        if let rule = rule(from: from, to: to) { throw IllegalCampaignTransition(from: from, to: to, rule: rule) }
    }

    /// Where `POST …/start` takes a campaign in `state` whose start time is `startAt`, at `now`: `scheduled` while
    /// the start time is ahead, else `running`. Nil when starting would change nothing (a scheduled campaign whose
    /// time is still ahead: starting it again is a no-op, not an error). A state that cannot be started (running,
    /// paused, completed, cancelled) gives `scheduled`, which the table refuses from each of them with its rule.
    public static func startTarget(from state: CampaignState, startAt: Date?, now: Date) -> CampaignState? {
        let ahead = startAt.map { $0 > now } ?? false
        switch state {
        case .draft: return ahead ? .scheduled : .running
        case .scheduled: return ahead ? nil : .running
        case .running, .paused, .completed, .cancelled: return .scheduled
        }
    }
}

/// A move the transition table does not allow: where the campaign was, where it was asked to go, and why not.
public struct IllegalCampaignTransition: Error, Sendable, Equatable, CustomStringConvertible {
    public let from: CampaignState
    public let to: CampaignState
    /// The rule broken, e.g. "a completed campaign cannot be restarted; create a new campaign".
    public let rule: String

    public init(from: CampaignState, to: CampaignState, rule: String) {
        self.from = from
        self.to = to
        self.rule = rule
    }

    public var description: String { "\(from.rawValue) → \(to.rawValue): \(rule)" }
}
