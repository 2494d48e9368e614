import Events
import Foundation

/// Everything a business writes about a campaign (all but its identity, state, times and version): what
/// `POST /v1/campaigns` takes and `PATCH` edits.
public struct CampaignDefinition: Codable, Sendable, Equatable, Hashable {
    /// 1–100 characters.
    public var name: String
    public var script: CampaignScript
    /// The number calls come from (E.164); the server checks it is one of the business's numbers.
    public var callerNumber: String
    /// When calling may begin; nil: as soon as the campaign is started.
    public var startAt: Date?
    public var callingWindow: CallingWindow
    public var pacing: CampaignPacing
    public var retryPolicy: RetryPolicy
    public var voicemail: VoicemailBehaviour

    public static let maxNameLength = 100

    public init(name: String, script: CampaignScript, callerNumber: String, startAt: Date? = nil,
                callingWindow: CallingWindow = .standard, pacing: CampaignPacing = .standard,
                retryPolicy: RetryPolicy = .standard, voicemail: VoicemailBehaviour = .hangUp) {
        self.name = name
        self.script = script
        self.callerNumber = callerNumber
        self.startAt = startAt
        self.callingWindow = callingWindow
        self.pacing = pacing
        self.retryPolicy = retryPolicy
        self.voicemail = voicemail
    }

    /// The definition checked and tidied (name trimmed, question fields lower-cased).
    /// - Throws: ``CampaignValidationError`` naming the first bad field.
    public func validated() throws(CampaignValidationError) -> CampaignDefinition {
        var checked = self
        checked.name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...Self.maxNameLength).contains(checked.name.count), !checked.name.unicodeScalars.contains("\u{0}") else {
            throw CampaignValidationError(field: "name", "name must be 1–\(Self.maxNameLength) characters of text")
        }
        guard E164.isValid(callerNumber) else {
            throw CampaignValidationError(field: "caller_number",
                                          "caller_number must be E.164 (e.g. +15551234567), one of the business's numbers")
        }
        checked.script = try script.validated()
        if voicemail == .leaveMessage, script.voicemailMessage == nil {
            throw CampaignValidationError(field: "script.voicemail_message",
                "script.voicemail_message is required when voicemail is leave_message (or set voicemail to hang_up)")
        }
        checked.callingWindow = try callingWindow.validated()
        checked.pacing = try pacing.validated()
        checked.retryPolicy = try retryPolicy.validated()
        return checked
    }

    /// The API names of the fields that differ between `self` and `other`, in ``fieldNames`` order.
    public func changedFields(to other: CampaignDefinition) -> [String] {
        let differs = [name != other.name, script != other.script, callerNumber != other.callerNumber,
                       startAt != other.startAt, callingWindow != other.callingWindow, pacing != other.pacing,
                       retryPolicy != other.retryPolicy, voicemail != other.voicemail]
        return zip(Self.fieldNames, differs).filter(\.1).map(\.0)
    }

    /// The editable fields by their API names.
    public static let fieldNames = ["name", "script", "caller_number", "start_at", "calling_window", "pacing",
                                    "retry_policy", "voicemail"]
}

/// An outbound calling campaign: who the business calls, what is said, when and how fast. Row of `campaigns`.
///
/// Every change appends an event to the campaign's stream (`campaign:<id>`) in the same transaction.
public struct Campaign: Codable, Sendable, Equatable, Identifiable {
    /// Lower-case UUID.
    public var id: String
    public var businessId: String
    public var name: String
    public var script: CampaignScript
    /// E.164; one of the business's numbers.
    public var callerNumber: String
    /// When calling may begin; nil: as soon as started.
    public var startAt: Date?
    public var callingWindow: CallingWindow
    public var pacing: CampaignPacing
    public var retryPolicy: RetryPolicy
    public var voicemail: VoicemailBehaviour
    public var state: CampaignState
    public var createdAt: Date
    public var updatedAt: Date
    /// 1 when created, +1 with every change; state moves are conditional on it.
    public var version: Int

    public init(id: String = UUID().uuidString.lowercased(), businessId: String, definition: CampaignDefinition,
                state: CampaignState = .draft, createdAt: Date, updatedAt: Date, version: Int = 1) {
        self.id = id
        self.businessId = businessId
        self.name = definition.name
        self.script = definition.script
        self.callerNumber = definition.callerNumber
        self.startAt = definition.startAt
        self.callingWindow = definition.callingWindow
        self.pacing = definition.pacing
        self.retryPolicy = definition.retryPolicy
        self.voicemail = definition.voicemail
        self.state = state
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    /// The editable part.
    public var definition: CampaignDefinition {
        get {
            CampaignDefinition(name: name, script: script, callerNumber: callerNumber, startAt: startAt,
                               callingWindow: callingWindow, pacing: pacing, retryPolicy: retryPolicy, voicemail: voicemail)
        }
        set {
            name = newValue.name
            script = newValue.script
            callerNumber = newValue.callerNumber
            startAt = newValue.startAt
            callingWindow = newValue.callingWindow
            pacing = newValue.pacing
            retryPolicy = newValue.retryPolicy
            voicemail = newValue.voicemail
        }
    }
}

/// What `PATCH` may change in each state.
///
/// | state | editable |
/// |---|---|
/// | draft, scheduled | everything: name, script, caller number, start time, calling window, pacing, retry policy, voicemail |
/// | paused | name, calling window, pacing, retry policy, voicemail — not the script, the caller number or the start time: people have already heard it, and results are keyed by its questions |
/// | running | nothing: pause it first |
/// | completed, cancelled | nothing |
public enum CampaignPatchRules {
    /// The fields (API names) `PATCH` may change in `state`.
    public static func editableFields(in state: CampaignState) -> Set<String> {
        switch state {
        case .draft, .scheduled: Set(CampaignDefinition.fieldNames)
        case .paused: ["name", "calling_window", "pacing", "retry_policy", "voicemail"]
        case .running, .completed, .cancelled: []
        }
    }

    /// Why changing `fields` is refused in `state`, or nil when it is allowed.
    public static func refusal(changing fields: [String], in state: CampaignState) -> String? {
        let editable = editableFields(in: state)
        guard let first = fields.first(where: { !editable.contains($0) }) else { return nil }
        switch state {
        case .running: return "a running campaign cannot be edited; pause it first"
        case .completed, .cancelled: return "a \(state.rawValue) campaign cannot be edited"
        case .paused: return "\(first) cannot change once the campaign has started calling (only name, calling_window, pacing, retry_policy and voicemail can)"
        case .draft, .scheduled: return nil
        }
    }
}
