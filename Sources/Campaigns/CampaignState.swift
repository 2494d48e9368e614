import Foundation

/// Where an outbound calling campaign is in its life. Raw values are public API (REST fields and filters, stored
/// rows, events): never rename one.
///
/// `draft → scheduled → running ⇄ paused → completed`, with `cancelled` on the side. Which moves are legal, and the
/// rule an illegal one breaks, is ``CampaignTransitions``.
public enum CampaignState: String, Codable, Sendable, CaseIterable {
    /// Being written: script, settings and recipients can all change; nobody is called.
    case draft
    /// Started with a start time still ahead: the dialer moves it to `running` when that time comes.
    case scheduled
    /// The dialer calls its recipients (inside their calling windows, at the campaign's pace).
    case running
    /// Stopped by hand: nobody new is dialled; calls already in progress finish.
    case paused
    /// Every recipient reached a final state. Final.
    case completed
    /// Withdrawn: nobody is called any more. Final.
    case cancelled

    /// Parses a value from a request or a row, ignoring case and surrounding spaces.
    public init?(parsing raw: String) {
        self.init(rawValue: raw.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// The states a campaign can never leave.
    public var isFinal: Bool { self == .completed || self == .cancelled }

    /// Whether `PATCH` may change the campaign in this state (what it may change is ``CampaignPatchRules``).
    public var isEditable: Bool { self == .draft || self == .scheduled || self == .paused }

    /// Whether recipients may be added in this state: any state but a final one.
    public var acceptsRecipients: Bool { !isFinal }

    /// Whether the campaign has begun calling (it is or was `running`): its script and caller number are frozen.
    public var hasStarted: Bool { self == .running || self == .paused || self == .completed }
}
