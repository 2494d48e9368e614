import Events
import Foundation

/// Who or what caused a change to a campaign, a recipient or the do-not-call list, as the log records it.
public struct CampaignActor: Codable, Sendable, Equatable, Hashable {
    /// Raw values are public API (events).
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Someone with the business's API key (the REST routes); `id` is the key's display prefix.
        case admin
        /// FrontDesk itself (the dialer, the conversation).
        case system
        /// The person called (they asked not to be called again); `id` is the attempt's CallSid when known.
        case callee
    }

    public var kind: Kind
    public var id: String?

    public init(_ kind: Kind, id: String? = nil) {
        self.kind = kind
        self.id = id
    }

    public static let system = CampaignActor(.system)
}

/// A campaign was created (`campaign.created`, the first event of `campaign:<id>`): its whole definition.
public struct CampaignCreated: EventPayload {
    public static let type = EventType.campaignCreated
    public var campaignId: String
    public var state: CampaignState
    public var definition: CampaignDefinition
    public var actor: CampaignActor

    public init(_ campaign: Campaign, actor: CampaignActor) {
        campaignId = campaign.id
        state = campaign.state
        definition = campaign.definition
        self.actor = actor
    }
}

/// A campaign was edited (`campaign.updated`): the changed fields' API names and the whole definition after the edit.
public struct CampaignUpdated: EventPayload {
    public static let type = EventType.campaignUpdated
    public var campaignId: String
    public var changed: [String]
    public var definition: CampaignDefinition
    public var actor: CampaignActor

    public init(campaignId: String, changed: [String], definition: CampaignDefinition, actor: CampaignActor) {
        self.campaignId = campaignId
        self.changed = changed
        self.definition = definition
        self.actor = actor
    }
}

/// A campaign moved from one state to another (`campaign.state_changed`).
public struct CampaignStateChanged: EventPayload {
    public static let type = EventType.campaignStateChanged
    public var campaignId: String
    public var from: CampaignState
    public var to: CampaignState
    public var actor: CampaignActor
    /// Why, in words; absent when none was given.
    public var reason: String?
    /// Recipients still waiting for a call that the move to `cancelled` or `completed` made `skipped`; absent for
    /// other moves.
    public var recipientsSkipped: Int?

    public init(campaignId: String, from: CampaignState, to: CampaignState, actor: CampaignActor, reason: String?,
                recipientsSkipped: Int? = nil) {
        self.campaignId = campaignId
        self.from = from
        self.to = to
        self.actor = actor
        self.reason = reason
        self.recipientsSkipped = recipientsSkipped
    }
}

/// A draft campaign was deleted (`campaign.deleted`, the last event of its stream).
public struct CampaignDeleted: EventPayload {
    public static let type = EventType.campaignDeleted
    public var campaignId: String
    public var name: String
    public var actor: CampaignActor

    public init(campaignId: String, name: String, actor: CampaignActor) {
        self.campaignId = campaignId
        self.name = name
        self.actor = actor
    }
}

/// Recipients were uploaded (`campaign.recipients_added`): the counts, not the people.
public struct CampaignRecipientsAdded: EventPayload {
    public static let type = EventType.campaignRecipientsAdded
    public var campaignId: String
    /// Data rows in the upload.
    public var rows: Int
    /// New recipients stored.
    public var added: Int
    /// Rows folded into an earlier row of the same upload with the same number.
    public var mergedRows: Int
    /// Numbers already in the campaign: left as they were.
    public var alreadyPresent: Int
    /// The campaign's recipients after the upload.
    public var total: Int
    public var actor: CampaignActor

    public init(campaignId: String, rows: Int, added: Int, mergedRows: Int, alreadyPresent: Int, total: Int,
                actor: CampaignActor) {
        self.campaignId = campaignId
        self.rows = rows
        self.added = added
        self.mergedRows = mergedRows
        self.alreadyPresent = alreadyPresent
        self.total = total
        self.actor = actor
    }
}

/// An attempt began (`campaign.attempt_started`): the recipient is `dialing`.
public struct CampaignAttemptStarted: EventPayload {
    public static let type = EventType.campaignAttemptStarted
    public var campaignId: String
    public var recipientId: String
    public var attemptId: String
    /// 1 for the first call to the recipient.
    public var number: Int
    public var phone: String

    public init(_ attempt: CampaignAttempt, phone: String) {
        campaignId = attempt.campaignId
        recipientId = attempt.recipientId
        attemptId = attempt.id
        number = attempt.number
        self.phone = phone
    }
}

/// Twilio accepted an attempt's call (`campaign.attempt_dialed`): its CallSid, so a watcher can follow
/// `call:<CallSid>`.
public struct CampaignAttemptDialed: EventPayload {
    public static let type = EventType.campaignAttemptDialed
    public var campaignId: String
    public var recipientId: String
    public var attemptId: String
    public var callSid: String

    public init(campaignId: String, recipientId: String, attemptId: String, callSid: String) {
        self.campaignId = campaignId
        self.recipientId = recipientId
        self.attemptId = attemptId
        self.callSid = callSid
    }
}

/// A person answered an attempt's call (`campaign.attempt_answered`): the recipient is `in_progress`.
public struct CampaignAttemptAnswered: EventPayload {
    public static let type = EventType.campaignAttemptAnswered
    public var campaignId: String
    public var recipientId: String
    public var attemptId: String
    public var callSid: String?
    /// Twilio's `AnsweredBy` when machine detection said (`human`, `unknown`).
    public var answeredBy: String?

    public init(campaignId: String, recipientId: String, attemptId: String, callSid: String?, answeredBy: String?) {
        self.campaignId = campaignId
        self.recipientId = recipientId
        self.attemptId = attemptId
        self.callSid = callSid
        self.answeredBy = answeredBy
    }
}

/// An attempt ended (`campaign.attempt_ended`): how, and where that leaves the recipient.
public struct CampaignAttemptEnded: EventPayload {
    public static let type = EventType.campaignAttemptEnded
    public var campaignId: String
    public var recipientId: String
    public var attemptId: String
    public var callSid: String?
    public var outcome: AttemptOutcome
    public var answeredBy: String?
    /// The recipient's state after the attempt.
    public var state: RecipientState
    /// When the recipient will be tried again; absent: not again.
    public var nextAttemptAt: Date?
    /// The answers recorded on this call, by question field.
    public var results: [String: String]?

    public init(campaignId: String, recipientId: String, attemptId: String, callSid: String?, outcome: AttemptOutcome,
                answeredBy: String?, state: RecipientState, nextAttemptAt: Date?, results: [String: String]?) {
        self.campaignId = campaignId
        self.recipientId = recipientId
        self.attemptId = attemptId
        self.callSid = callSid
        self.outcome = outcome
        self.answeredBy = answeredBy
        self.state = state
        self.nextAttemptAt = nextAttemptAt
        self.results = results
    }
}

/// An attempt taken back before its call was dialled (`campaign.attempt_withdrawn`): it no longer counts, and the
/// recipient is back in the state it had before it, due again at `nextAttemptAt`.
public struct CampaignAttemptWithdrawn: EventPayload {
    public static let type = EventType.campaignAttemptWithdrawn
    public var campaignId: String
    public var recipientId: String
    public var attemptId: String
    /// The recipient's state after the withdrawal (its state before the attempt began).
    public var state: RecipientState
    public var nextAttemptAt: Date?
    public var reason: String

    public init(campaignId: String, recipientId: String, attemptId: String, state: RecipientState, nextAttemptAt: Date?,
                reason: String) {
        self.campaignId = campaignId
        self.recipientId = recipientId
        self.attemptId = attemptId
        self.state = state
        self.nextAttemptAt = nextAttemptAt
        self.reason = reason
    }
}

/// A recipient moved without a call (`campaign.recipient_changed`): skipped, found on the do-not-call list, deferred
/// to their calling window.
public struct CampaignRecipientChanged: EventPayload {
    public static let type = EventType.campaignRecipientChanged
    public var campaignId: String
    public var recipientId: String
    public var from: RecipientState
    public var to: RecipientState
    public var nextAttemptAt: Date?
    public var reason: String?
    public var actor: CampaignActor

    public init(campaignId: String, recipientId: String, from: RecipientState, to: RecipientState, nextAttemptAt: Date?,
                reason: String?, actor: CampaignActor) {
        self.campaignId = campaignId
        self.recipientId = recipientId
        self.from = from
        self.to = to
        self.nextAttemptAt = nextAttemptAt
        self.reason = reason
        self.actor = actor
    }
}

/// What a recipient's completed call did with the CRM appointment (`campaign.appointment_recorded`): the script's
/// appointment question booked one at the time the callee gave, confirmed theirs, was answered "no" (declined), or
/// could not (refused, with the reason). Appended when the recipient's `appointment` changes.
public struct CampaignAppointmentRecorded: EventPayload {
    public static let type = EventType.campaignAppointmentRecorded
    public var campaignId: String
    public var recipientId: String
    public var attemptId: String
    public var callSid: String?
    /// `book` or `confirm`: the script's appointment question.
    public var action: AppointmentAction?
    public var status: RecipientAppointment.Status
    public var appointmentId: String?
    public var note: String?

    public init(campaignId: String, recipientId: String, attemptId: String, callSid: String?, action: AppointmentAction?,
                _ appointment: RecipientAppointment) {
        self.campaignId = campaignId
        self.recipientId = recipientId
        self.attemptId = attemptId
        self.callSid = callSid
        self.action = action
        status = appointment.status
        appointmentId = appointment.appointmentId
        note = appointment.note
    }
}

/// A number was added to or removed from the business's do-not-call list (`do_not_call.added`,
/// `do_not_call.removed`, stream `do_not_call:<business id>`).
public struct DoNotCallChanged: EventPayload {
    public static let type = EventType.doNotCallAdded
    public static let types: Set<EventType> = [.doNotCallAdded, .doNotCallRemoved]
    public var phone: String
    public var reason: String?
    public var actor: CampaignActor

    public init(phone: String, reason: String?, actor: CampaignActor) {
        self.phone = phone
        self.reason = reason
        self.actor = actor
    }
}
