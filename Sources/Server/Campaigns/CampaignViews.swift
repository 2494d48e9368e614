import Campaigns
import Foundation
import Hummingbird

/// A campaign as the API returns it: every field present, null when unset; with `recipients` (counts by state) on
/// the routes that read one campaign, and `counters` (``CampaignCounters``) on `GET /v1/campaigns/{id}`.
struct CampaignView: Encodable {
    let campaign: Campaign
    var counts: RecipientCounts?
    var counters: CampaignCounters?

    struct ScriptView: Encodable {
        let script: CampaignScript

        enum CodingKeys: String, CodingKey {
            case purpose, openingLine, openingDisclosure, questions, closingLine, voicemailMessage, variables
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(script.purpose.text, forKey: .purpose)
            try c.encode(script.openingLine.text, forKey: .openingLine)
            // What is said before the opening line (null when the opening line says it itself).
            try c.encode(script.openingDisclosesItself ? nil : CampaignScript.disclosure.text, forKey: .openingDisclosure)
            try c.encode(script.questions.map(QuestionView.init), forKey: .questions)
            try c.encode(script.closingLine.text, forKey: .closingLine)
            try c.encode(script.voicemailMessage?.text, forKey: .voicemailMessage)
            try c.encode(script.recipientVariables, forKey: .variables)
        }
    }

    /// A question: `appointment` is `book`, `confirm` or null.
    struct QuestionView: Encodable {
        let question: CampaignQuestion

        enum CodingKeys: String, CodingKey { case field, text, kind, appointment }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(question.field, forKey: .field)
            try c.encode(question.text.text, forKey: .text)
            try c.encode(question.kind, forKey: .kind)
            try c.encode(question.appointment, forKey: .appointment)
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, name, state, script, callerNumber, startAt, callingWindow, pacing, retryPolicy, voicemail, createdAt,
             updatedAt, version, recipients, counters
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(campaign.id, forKey: .id)
        try c.encode(campaign.name, forKey: .name)
        try c.encode(campaign.state, forKey: .state)
        try c.encode(ScriptView(script: campaign.script), forKey: .script)
        try c.encode(campaign.callerNumber, forKey: .callerNumber)
        try c.encode(campaign.startAt, forKey: .startAt)
        try c.encode(campaign.callingWindow, forKey: .callingWindow)
        try c.encode(["max_concurrent_calls": campaign.pacing.maxConcurrentCalls], forKey: .pacing)
        try c.encode(["max_attempts": campaign.retryPolicy.maxAttempts,
                      "retry_gap_minutes": Int(campaign.retryPolicy.minimumGap / 60)], forKey: .retryPolicy)
        try c.encode(campaign.voicemail, forKey: .voicemail)
        try c.encode(campaign.createdAt, forKey: .createdAt)
        try c.encode(campaign.updatedAt, forKey: .updatedAt)
        try c.encode(campaign.version, forKey: .version)
        if let counts {
            var byState = counts.byStateName
            byState["total"] = counts.total
            try c.encode(byState, forKey: .recipients)
        }
        if let counters { try c.encode(counters, forKey: .counters) }
    }
}

/// A recipient as the API returns it.
struct RecipientView: Encodable {
    let recipient: CampaignRecipient

    enum CodingKeys: String, CodingKey {
        case id, phoneNumber, state, variables, timeZone, zoneSource, attempts, nextAttemptAt, lastOutcome, lastCallSid,
             results, appointment, position, createdAt, updatedAt
    }

    /// `{"status", "appointment_id", "note"}`, every field present.
    struct AppointmentView: Encodable {
        let appointment: RecipientAppointment

        enum CodingKeys: String, CodingKey { case status, appointmentId, note }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(appointment.status, forKey: .status)
            try c.encode(appointment.appointmentId, forKey: .appointmentId)
            try c.encode(appointment.note, forKey: .note)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(recipient.id, forKey: .id)
        try c.encode(recipient.phone, forKey: .phoneNumber)
        try c.encode(recipient.state, forKey: .state)
        try c.encode(recipient.variables, forKey: .variables)
        try c.encode(recipient.timeZone, forKey: .timeZone)
        try c.encode(recipient.zoneSource, forKey: .zoneSource)
        try c.encode(recipient.attempts, forKey: .attempts)
        try c.encode(recipient.nextAttemptAt, forKey: .nextAttemptAt)
        try c.encode(recipient.lastOutcome, forKey: .lastOutcome)
        try c.encode(recipient.lastCallSid, forKey: .lastCallSid)
        try c.encode(recipient.results, forKey: .results)
        try c.encode(recipient.appointment.map(AppointmentView.init), forKey: .appointment)
        try c.encode(recipient.position, forKey: .position)
        try c.encode(recipient.createdAt, forKey: .createdAt)
        try c.encode(recipient.updatedAt, forKey: .updatedAt)
    }
}

/// `POST /v1/campaigns/{id}/recipients`: what was stored and how duplicates were merged.
struct RecipientUploadView: Encodable {
    struct Merge: Encodable {
        let phoneNumber: String
        let rows: [Int]
        let filled: [String]
        let conflicting: [String]
    }

    let rows: Int
    let added: Int
    let alreadyPresent: Int
    let merged: [Merge]
    let total: Int
}

/// A do-not-call entry as the API returns it.
struct DoNotCallView: Encodable {
    let phoneNumber: String
    let reason: String?
    let createdAt: Date

    init(_ entry: DoNotCallEntry) {
        phoneNumber = entry.phone
        reason = entry.reason
        createdAt = entry.createdAt
    }

    enum CodingKeys: String, CodingKey { case phoneNumber, reason, createdAt }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(phoneNumber, forKey: .phoneNumber)
        try c.encode(reason, forKey: .reason)
        try c.encode(createdAt, forKey: .createdAt)
    }
}

/// A 409 for a move the campaign transition table forbids: `{"error": {"code": "illegal_transition", "message"},
/// "rule", "from", "to"}` — the shape tickets use.
struct CampaignTransitionResponse: HTTPResponseError {
    let transition: IllegalCampaignTransition

    var status: HTTPResponse.Status { .conflict }

    struct Body: Encodable {
        struct Inner: Encodable { let code: String; let message: String }
        let error: Inner
        let rule: String
        let from: String
        let to: String
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(error: .init(code: "illegal_transition",
                                     message: "cannot move a \(transition.from.rawValue) campaign to \(transition.to.rawValue): \(transition.rule)"),
                        rule: transition.rule, from: transition.from.rawValue, to: transition.to.rawValue)
        return try JSONResponse.make(body, status: .conflict)
    }
}
