import Campaigns
import Events
import Foundation

// The rules of every campaign write, in one place for every storage backend: each backend reads the rows, applies
// one of these, and stores the result with its events in one transaction.

extension NewCampaign {
    /// The campaign to store: definition validated and tidied, state `draft`, version 1.
    func campaign(at timestamp: Date) throws -> Campaign {
        Campaign(businessId: businessId, definition: try definition.validated(), createdAt: timestamp, updatedAt: timestamp)
    }
}

extension CampaignPatch {
    /// `campaign` with this patch applied at `timestamp`, and its `campaign.updated` event — nil (and the campaign
    /// unchanged) when the patch changes nothing.
    /// - Throws: `CampaignValidationError` for a bad value; `CampaignConflict` for a field the state does not let
    ///   change.
    func applied(to campaign: Campaign, actor: CampaignActor, at timestamp: Date) throws
        -> (campaign: Campaign, event: CampaignUpdated?) {
        var definition = campaign.definition
        if let name { definition.name = name }
        if let script { definition.script = script }
        if let callerNumber { definition.callerNumber = callerNumber }
        if let startAt { definition.startAt = startAt }
        if let callingWindow { definition.callingWindow = callingWindow }
        if let pacing { definition.pacing = pacing }
        if let retryPolicy { definition.retryPolicy = retryPolicy }
        if let voicemail { definition.voicemail = voicemail }
        definition = try definition.validated()
        let changed = campaign.definition.changedFields(to: definition)
        guard !changed.isEmpty else { return (campaign, nil) }
        if let refusal = CampaignPatchRules.refusal(changing: changed, in: campaign.state) {
            throw CampaignConflict(campaignId: campaign.id, state: campaign.state, version: campaign.version, message: refusal)
        }
        var updated = campaign
        updated.definition = definition
        updated.updatedAt = timestamp
        updated.version += 1
        return (updated, CampaignUpdated(campaignId: campaign.id, changed: changed, definition: definition, actor: actor))
    }
}

extension CampaignStateChange {
    /// `campaign` after this move at `timestamp`, and its `campaign.state_changed` event.
    /// - Throws: `CampaignConflict` when the campaign is not in the expected state or version;
    ///   `IllegalCampaignTransition` when the table forbids the move; `RepositoryError.invalid` for a reason that is
    ///   too long.
    func applied(to campaign: Campaign, at timestamp: Date) throws -> (campaign: Campaign, event: CampaignStateChanged) {
        if let expectedState, expectedState != campaign.state {
            throw CampaignConflict(campaignId: campaign.id, state: campaign.state, version: campaign.version)
        }
        if let expectedVersion, expectedVersion != campaign.version {
            throw CampaignConflict(campaignId: campaign.id, state: campaign.state, version: campaign.version)
        }
        try CampaignTransitions.check(from: campaign.state, to: to)
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let reason, reason.count > Self.maxReasonLength {
            throw RepositoryError.invalid("reason must be at most \(Self.maxReasonLength) characters")
        }
        var moved = campaign
        moved.state = to
        moved.updatedAt = timestamp
        moved.version += 1
        return (moved, CampaignStateChanged(campaignId: campaign.id, from: campaign.state, to: to, actor: actor,
                                            reason: reason.flatMap { $0.isEmpty ? nil : $0 }))
    }

    /// Whether the move leaves recipients still waiting for a call with nothing to wait for: they become `skipped`.
    var skipsWaitingRecipients: Bool { to == .cancelled || to == .completed }
}

extension RecipientMove {
    /// `recipient` after this move at `timestamp`, and its `campaign.recipient_changed` event.
    /// - Throws: `CampaignConflict` when the recipient is not at the expected version or cannot move so.
    func applied(to recipient: CampaignRecipient, campaign: Campaign, at timestamp: Date) throws
        -> (recipient: CampaignRecipient, event: CampaignRecipientChanged) {
        func conflict(_ message: String) -> CampaignConflict {
            CampaignConflict(campaignId: campaign.id, state: campaign.state, version: campaign.version, message: message)
        }
        if let expectedVersion, expectedVersion != recipient.version {
            throw conflict("recipient \(recipient.id) changed meanwhile: it is \(recipient.state.rawValue) at version \(recipient.version)")
        }
        let waiting = recipient.state == .pending || recipient.state.mayBeRetried
        let allowed: Bool = switch to {
        case .pending: recipient.state == .pending
        case .busy, .noAnswer, .failed: recipient.state == to
        case .skipped, .optedOut: true
        default: false
        }
        guard waiting, allowed else {
            throw conflict("a \(recipient.state.rawValue) recipient cannot be moved to \(to.rawValue) without a call")
        }
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let reason, reason.count > CampaignStateChange.maxReasonLength {
            throw RepositoryError.invalid("reason must be at most \(CampaignStateChange.maxReasonLength) characters")
        }
        var moved = recipient
        moved.state = to
        moved.nextAttemptAt = to.isFinal ? nil : nextAttemptAt
        moved.updatedAt = timestamp
        moved.version += 1
        return (moved, CampaignRecipientChanged(campaignId: campaign.id, recipientId: recipient.id, from: recipient.state,
                                                to: to, nextAttemptAt: moved.nextAttemptAt,
                                                reason: reason.flatMap { $0.isEmpty ? nil : $0 }, actor: actor))
    }
}

extension CampaignRecipient {
    /// The recipient after its attempt ended with `end` at `timestamp`: the outcome's state, answers merged, a retry
    /// scheduled by `policy` when the outcome allows and the budget lasts.
    func finished(_ end: AttemptEnd, policy: RetryPolicy, at timestamp: Date) -> CampaignRecipient {
        var next = self
        next.state = end.outcome.recipientState
        next.lastOutcome = end.outcome
        next.nextAttemptAt = policy.nextAttempt(after: end.outcome, attemptsMade: attempts, endedAt: timestamp)
        next.results.merge(end.results) { _, new in new }
        next.updatedAt = timestamp
        next.version += 1
        return next
    }

    /// The state from which an attempt may start at `now`: due, and with budget left under `policy`.
    func mayStartAttempt(at now: Date, policy: RetryPolicy) -> Bool {
        isDue(at: now) && attempts < policy.maxAttempts
    }
}

/// JSON text of a string map as stored (sorted keys, so the same map is always the same text).
enum StoredStringMap {
    static func encode(_ map: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(map), as: UTF8.self)
    }

    static func decode(_ text: String, column: String) throws -> [String: String] {
        do {
            return try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        } catch {
            throw RepositoryError.invalid("stored \(column) is not a JSON object of text")
        }
    }
}

/// JSON text of a campaign's script as stored (the API's snake_case keys, sorted).
enum StoredScript {
    static func encode(_ script: CampaignScript) -> String { EventCoding.encode(script) }

    static func decode(_ text: String) throws -> CampaignScript {
        do {
            return try EventCoding.decode(CampaignScript.self, from: text)
        } catch {
            throw RepositoryError.invalid("stored script cannot be read: \(error)")
        }
    }
}

/// A recipient's `appointment_status`, `appointment_id` and `appointment_note` columns, the same on every backend.
enum StoredAppointment {
    static func decode(status: String?, id: String?, note: String?, recipientId: String) throws -> RecipientAppointment? {
        guard let status else { return nil }
        guard let decoded = RecipientAppointment.Status(rawValue: status) else {
            throw RepositoryError.invalid("stored recipient \(recipientId) has an unknown appointment_status: \(status)")
        }
        return RecipientAppointment(status: decoded, appointmentId: id, note: note)
    }
}

extension PageCursor {
    /// The cursor after a recipient: its position in the campaign (upload order) and id. Both backends compare the
    /// position as a number.
    init(position: Int, id: String) {
        self.init(createdAt: String(position), id: id)
    }

    /// The position of a cursor made by `init(position:id:)`; `.invalid` for any other cursor.
    func position() throws -> Int {
        guard let value = Int(createdAt), value >= 0 else { throw RepositoryError.invalid("malformed cursor") }
        return value
    }
}

extension CampaignScript {
    /// The first variable this script needs that `variables` lacks or holds blank, if any.
    func missingVariable(in variables: [String: String]) -> String? {
        recipientVariables.first { (variables[$0]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "").isEmpty }
    }

    /// Refuses answers for fields that are not the script's questions.
    func checkResults(_ results: [String: String]) throws {
        let fields = Set(questions.map(\.field))
        if let unknown = results.keys.sorted().first(where: { !fields.contains($0) }) {
            throw RepositoryError.invalid("results has \(unknown), which is not a question field of the campaign's script")
        }
    }
}

/// The checks of a do-not-call entry, the same on every backend.
enum DoNotCallInput {
    /// The number (E.164) and the reason trimmed (blank: none).
    static func validated(phone: String, reason: String?) throws -> (phone: String, reason: String?) {
        guard E164.isValid(phone) else {
            throw RepositoryError.invalid("phone must be E.164 (e.g. +15551234567)")
        }
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let reason, reason.count > DoNotCallEntry.maxReasonLength {
            throw RepositoryError.invalid("reason must be at most \(DoNotCallEntry.maxReasonLength) characters")
        }
        return (phone, reason.flatMap { $0.isEmpty ? nil : $0 })
    }
}

extension Campaign {
    /// Recipients may be added until the campaign is final, and each must have the variables its script uses now
    /// (the upload was checked against the script as read before the write; this catches a script changed since).
    func checkAcceptsRecipients(_ upload: RecipientUpload) throws {
        guard state.acceptsRecipients else {
            throw CampaignConflict(campaignId: id, state: state, version: version,
                                   message: "a \(state.rawValue) campaign takes no more recipients")
        }
        for draft in upload.recipients {
            if let missing = script.missingVariable(in: draft.variables) {
                throw CampaignConflict(campaignId: id, state: state, version: version,
                    message: "the campaign's script changed during the upload and now uses {{\(missing)}}; upload again")
            }
        }
    }
}
