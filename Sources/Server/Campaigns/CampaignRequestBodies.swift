import Campaigns
import Foundation

/// The body of `POST /v1/campaigns` and `PATCH /v1/campaigns/{id}`. Lines of the script arrive as text and are
/// parsed here, so a bad placeholder is a 422 naming its field (`script.questions[1].text`), and enumerations arrive
/// as text so an unknown value lists the allowed ones.
struct CampaignBody: Decodable {
    var name: PatchField<String>
    var script: PatchField<ScriptBody>
    var callerNumber: PatchField<String>
    var startAt: PatchField<String>
    var callingWindow: PatchField<WindowBody>
    var pacing: PatchField<PacingBody>
    var retryPolicy: PatchField<RetryBody>
    var voicemail: PatchField<String>

    static let fieldNames: Set<String> = ["name", "script", "caller_number", "start_at", "calling_window", "pacing",
                                          "retry_policy", "voicemail"]
    static let nested: [String: Set<String>] = [
        "script": ["purpose", "opening_line", "questions", "closing_line", "voicemail_message"],
        "calling_window": ["start", "end"],
        "pacing": ["max_concurrent_calls"],
        "retry_policy": ["max_attempts", "retry_gap_minutes"],
    ]

    enum CodingKeys: String, CodingKey {
        case name, script, callerNumber, startAt, callingWindow, pacing, retryPolicy, voicemail
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodePatch(String.self, forKey: .name)
        script = try c.decodePatch(ScriptBody.self, forKey: .script)
        callerNumber = try c.decodePatch(String.self, forKey: .callerNumber)
        startAt = try c.decodePatch(String.self, forKey: .startAt)
        callingWindow = try c.decodePatch(WindowBody.self, forKey: .callingWindow)
        pacing = try c.decodePatch(PacingBody.self, forKey: .pacing)
        retryPolicy = try c.decodePatch(RetryBody.self, forKey: .retryPolicy)
        voicemail = try c.decodePatch(String.self, forKey: .voicemail)
    }

    struct ScriptBody: Decodable, Sendable {
        var purpose: String
        var openingLine: String
        var questions: [QuestionBody]?
        var closingLine: String
        var voicemailMessage: String?

        struct QuestionBody: Decodable, Sendable {
            var field: String
            var text: String
            var kind: String
            /// `book` or `confirm` (``AppointmentAction``); absent or null: the answer touches no appointment.
            var appointment: String?

            static let fieldNames: Set<String> = ["field", "text", "kind", "appointment"]
        }

        func script() throws(CampaignValidationError) -> CampaignScript {
            var questions: [CampaignQuestion] = []
            for (index, question) in (self.questions ?? []).enumerated() {
                let path = "script.questions[\(index)]"
                guard let kind = AnswerKind(rawValue: question.kind.trimmingCharacters(in: .whitespaces).lowercased()) else {
                    throw CampaignValidationError(field: "\(path).kind",
                        "\(path).kind must be one of \(AnswerKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                var appointment: AppointmentAction?
                if let raw = question.appointment {
                    guard let action = AppointmentAction(rawValue: raw.trimmingCharacters(in: .whitespaces).lowercased()) else {
                        throw CampaignValidationError(field: "\(path).appointment",
                            "\(path).appointment must be one of \(AppointmentAction.allCases.map(\.rawValue).joined(separator: ", ")), or absent")
                    }
                    appointment = action
                }
                questions.append(CampaignQuestion(field: question.field,
                                                  text: try ScriptTemplate(parsing: question.text, field: "\(path).text"),
                                                  kind: kind, appointment: appointment))
            }
            let voicemail = voicemailMessage.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
            return CampaignScript(
                purpose: try ScriptTemplate(parsing: purpose, field: "script.purpose"),
                openingLine: try ScriptTemplate(parsing: openingLine, field: "script.opening_line"),
                questions: questions,
                closingLine: try ScriptTemplate(parsing: closingLine, field: "script.closing_line"),
                voicemailMessage: try voicemail.map { text throws(CampaignValidationError) in
                    try ScriptTemplate(parsing: text, field: "script.voicemail_message")
                })
        }
    }

    struct WindowBody: Decodable, Sendable {
        var start: String
        var end: String

        func window() throws(CampaignValidationError) -> CallingWindow {
            guard let start = CallingWindow.minute(parsing: start) else {
                throw CampaignValidationError(field: "calling_window.start", "calling_window.start must be a time of day as HH:mm, e.g. 09:00")
            }
            guard let end = CallingWindow.minute(parsing: end) else {
                throw CampaignValidationError(field: "calling_window.end", "calling_window.end must be a time of day as HH:mm, e.g. 17:30")
            }
            return CallingWindow(startMinute: start, endMinute: end)
        }
    }

    struct PacingBody: Decodable, Sendable {
        var maxConcurrentCalls: Int
    }

    struct RetryBody: Decodable, Sendable {
        var maxAttempts: Int?
        var retryGapMinutes: Int?

        /// Absent fields keep `current`'s value.
        func policy(over current: RetryPolicy) -> RetryPolicy {
            RetryPolicy(maxAttempts: maxAttempts ?? current.maxAttempts,
                        minimumGap: retryGapMinutes.map { TimeInterval($0) * 60 } ?? current.minimumGap)
        }
    }

    /// A new campaign's definition: `name`, `script` and `caller_number` required; the rest default.
    func definition(defaultCountryCode: String?) throws -> CampaignDefinition {
        guard case .value(let name) = name else { throw CampaignValidationError(field: "name", "name is required") }
        guard case .value(let scriptBody) = script else { throw CampaignValidationError(field: "script", "script is required") }
        guard case .value = callerNumber else {
            throw CampaignValidationError(field: "caller_number", "caller_number is required: one of the business's numbers")
        }
        var definition = CampaignDefinition(name: name, script: try scriptBody.script(),
                                            callerNumber: try Self.phone(callerNumber, defaultCountryCode: defaultCountryCode)!)
        try apply(to: &definition, defaultCountryCode: defaultCountryCode, skippingRequired: true)
        return definition
    }

    /// The patch this body asks for, read against the campaign's definition now (a partial `retry_policy` keeps the
    /// other value). Null is refused for every field but `start_at` (null: start as soon as started).
    func patch(over current: CampaignDefinition, defaultCountryCode: String?) throws -> CampaignPatch {
        var definition = current
        try apply(to: &definition, defaultCountryCode: defaultCountryCode, skippingRequired: false)
        var patch = CampaignPatch()
        if case .value = name { patch.name = definition.name }
        if case .value = script { patch.script = definition.script }
        if case .value = callerNumber { patch.callerNumber = definition.callerNumber }
        if startAt.doubleOptional != nil { patch.startAt = .some(definition.startAt) }
        if case .value = callingWindow { patch.callingWindow = definition.callingWindow }
        if case .value = pacing { patch.pacing = definition.pacing }
        if case .value = retryPolicy { patch.retryPolicy = definition.retryPolicy }
        if case .value = voicemail { patch.voicemail = definition.voicemail }
        return patch
    }

    private func apply(to definition: inout CampaignDefinition, defaultCountryCode: String?,
                       skippingRequired: Bool) throws {
        for (field, isNull) in [("name", name.isNull), ("script", script.isNull), ("caller_number", callerNumber.isNull),
                                ("calling_window", callingWindow.isNull), ("pacing", pacing.isNull),
                                ("retry_policy", retryPolicy.isNull), ("voicemail", voicemail.isNull)] where isNull {
            throw CampaignValidationError(field: field, "\(field) must not be null")
        }
        if !skippingRequired {
            if case .value(let name) = name { definition.name = name }
            if case .value(let body) = script { definition.script = try body.script() }
            if case .value = callerNumber {
                definition.callerNumber = try Self.phone(callerNumber, defaultCountryCode: defaultCountryCode)!
            }
        }
        switch startAt {
        case .absent: break
        case .null: definition.startAt = nil
        case .value(let text):
            guard let date = try? Date(text.trimmingCharacters(in: .whitespaces), strategy: .iso8601) else {
                throw CampaignValidationError(field: "start_at",
                                              "start_at must be an ISO 8601 date-time with its offset, e.g. 2030-05-01T09:00:00-05:00")
            }
            definition.startAt = date
        }
        if case .value(let body) = callingWindow { definition.callingWindow = try body.window() }
        if case .value(let body) = pacing { definition.pacing = CampaignPacing(maxConcurrentCalls: body.maxConcurrentCalls) }
        if case .value(let body) = retryPolicy { definition.retryPolicy = body.policy(over: definition.retryPolicy) }
        if case .value(let text) = voicemail {
            guard let behaviour = VoicemailBehaviour(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw CampaignValidationError(field: "voicemail",
                    "voicemail must be one of \(VoicemailBehaviour.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            definition.voicemail = behaviour
        }
    }

    /// The caller number as E.164 (a national number takes the business's country code).
    private static func phone(_ field: PatchField<String>, defaultCountryCode: String?) throws -> String? {
        guard case .value(let raw) = field else { return nil }
        guard let normalized = PhoneNumber.normalized(raw, defaultCountryCode: defaultCountryCode) else {
            throw CampaignValidationError(field: "caller_number",
                                          "caller_number must be E.164 (e.g. +15551234567); \"\(raw.prefix(40))\" is not a phone number")
        }
        return normalized
    }
}

extension CampaignBody {
    /// Throws a 422 naming the first unknown key of a script question (`script.questions[0].books_appointment`): a
    /// misspelt `appointment` must not leave a script that books nothing.
    static func rejectUnknownQuestionFields(in data: Data) throws {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let script = object["script"] as? [String: Any], let questions = script["questions"] as? [Any]
        else { return }
        let allowed = ScriptBody.QuestionBody.fieldNames
        for (index, question) in questions.enumerated() {
            guard let keys = (question as? [String: Any])?.keys,
                  let unknown = keys.sorted().first(where: { !allowed.contains($0) })
            else { continue }
            let field = "script.questions[\(index)].\(unknown)"
            throw AppError(.unprocessableContent, code: "unknown_field",
                           message: "unknown field \"\(field)\"; expected one of: \(allowed.sorted().joined(separator: ", "))",
                           details: [ErrorDetail(field: field, message: "unknown field")])
        }
    }
}

extension PatchField {
    var isNull: Bool { if case .null = self { true } else { false } }
}

/// The body of `POST /v1/campaigns/{id}/start|pause|resume|cancel` (optional; the body may be empty).
struct CampaignReasonBody: Decodable {
    var reason: String?

    static let fieldNames: Set<String> = ["reason"]
}

/// The body of `POST /v1/do-not-call`.
struct DoNotCallBody: Decodable {
    var phone: String
    var reason: String?

    static let fieldNames: Set<String> = ["phone", "reason"]
}
