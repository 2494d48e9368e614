import Foundation

/// What kind of answer a campaign question expects, and so how the conversation parses it and the result stores
/// it. Raw values are public API.
public enum AnswerKind: String, Codable, Sendable, CaseIterable {
    /// Yes or no; stored as `yes` / `no`.
    case yesNo = "yes_no"
    /// A date and time ("Tuesday at 3pm"), read in the business's time zone as the start of what was said; stored as
    /// ISO 8601 in UTC (`2030-06-11T15:00:00Z`).
    case dateTime = "date_time"
    /// A number ("about forty"); stored as decimal text.
    case number
    /// Anything said; stored as said.
    case freeText = "free_text"
}

/// One question of a campaign's script; its answer becomes the result field `field`.
public struct CampaignQuestion: Codable, Sendable, Equatable, Hashable {
    /// The result field the answer is stored under (`confirmed`, `preferred_time`): a letter, then letters, digits
    /// or `_`, at most 40; unique in the script.
    public var field: String
    /// What is asked, with `{{variables}}`: "Can you still make {{date}}?"
    public var text: ScriptTemplate
    public var kind: AnswerKind
    /// What the answer does with the CRM appointment when the call completes (``AppointmentAction``); nil: nothing.
    public var appointment: AppointmentAction?

    public init(field: String, text: ScriptTemplate, kind: AnswerKind, appointment: AppointmentAction? = nil) {
        self.field = field
        self.text = text
        self.kind = kind
        self.appointment = appointment
    }
}

/// What the assistant says on a campaign's calls: an opening, the purpose, up to five questions whose answers
/// become result fields, a closing line, and the message left on an answering machine. Every line may use
/// `{{variables}}` from the recipient's columns (``ScriptTemplate``) and the built-in `{{business_name}}`.
///
/// The opening always says who is calling and that it is an automated assistant: unless the business's opening
/// line itself names `{{business_name}}` and says "automated", ``disclosure`` is spoken before it (the voicemail
/// message likewise gets ``voicemailDisclosure``). A business cannot leave it out.
public struct CampaignScript: Codable, Sendable, Equatable, Hashable {
    /// Why the business calls, spoken right after the opening: "I'm calling to confirm your boiler service on
    /// {{date}}."
    public var purpose: ScriptTemplate
    /// The greeting: "Hi {{first_name}}."
    public var openingLine: ScriptTemplate
    /// Asked in order; at most ``maxQuestions``.
    public var questions: [CampaignQuestion]
    /// Said before hanging up: "Thanks, see you on {{date}}. Goodbye."
    public var closingLine: ScriptTemplate
    /// Left on an answering machine when the campaign's voicemail behaviour is `leave_message` (required then).
    public var voicemailMessage: ScriptTemplate?

    public static let maxQuestions = 5
    /// The longest line, in characters (as written, placeholders included).
    public static let maxLineLength = 400

    /// Spoken before an opening that does not itself say who calls and that it is automated.
    public static let disclosure = try! ScriptTemplate(
        parsing: "Hello, this is an automated assistant calling for {{business_name}}.", field: "disclosure")
    /// Spoken before a voicemail message that does not itself say so.
    public static let voicemailDisclosure = try! ScriptTemplate(
        parsing: "This is an automated message from {{business_name}}.", field: "voicemail_disclosure")

    /// The result fields the conversation never fills from a question: the columns every result row has (and those
    /// of a script with an appointment question).
    public static let reservedFields: Set<String> = [
        "phone_number", "state", "attempts", "last_outcome", "last_call_sid", "last_attempt_at", "next_attempt_at",
        "time_zone", "recipient_id", "appointment_status", "appointment_id", "appointment_note",
    ]

    /// The recipient column a ``AppointmentAction/confirm`` question reads the appointment's id from: every recipient
    /// of such a script must have it (``recipientVariables``).
    public static let appointmentIdVariable = "appointment_id"

    /// The question that books or confirms an appointment, if any (a validated script has at most one).
    public var appointmentQuestion: CampaignQuestion? { questions.first { $0.appointment != nil } }

    public init(purpose: ScriptTemplate, openingLine: ScriptTemplate, questions: [CampaignQuestion] = [],
                closingLine: ScriptTemplate, voicemailMessage: ScriptTemplate? = nil) {
        self.purpose = purpose
        self.openingLine = openingLine
        self.questions = questions
        self.closingLine = closingLine
        self.voicemailMessage = voicemailMessage
    }

    /// Whether the business's own opening line already says who calls (`{{business_name}}`) and that this is
    /// automated (the word "automated"), so ``disclosure`` is not spoken before it.
    public var openingDisclosesItself: Bool { Self.discloses(openingLine) }

    /// Whether the voicemail message already names the business and says it is automated.
    public var voicemailDisclosesItself: Bool { voicemailMessage.map(Self.discloses) ?? false }

    static func discloses(_ line: ScriptTemplate) -> Bool {
        line.variables.contains(ScriptContext.businessName) && line.text.lowercased().contains("automated")
    }

    /// Every variable the script uses, built-ins included, in order of first use.
    public var variables: [String] {
        var seen: Set<String> = []
        let lines = [openingLine, purpose] + questions.map(\.text) + [closingLine] + (voicemailMessage.map { [$0] } ?? [])
        return lines.flatMap(\.variables).filter { seen.insert($0).inserted }
    }

    /// The variables each recipient must have: ``variables`` without the built-ins, and `appointment_id` when a
    /// question confirms an appointment (``appointmentIdVariable``).
    public var recipientVariables: [String] {
        var names = variables.filter { !ScriptContext.builtIns.contains($0) }
        if appointmentQuestion?.appointment == .confirm, !names.contains(Self.appointmentIdVariable) {
            names.append(Self.appointmentIdVariable)
        }
        return names
    }

    /// The script checked: lines 1–400 characters (the voicemail message may be absent), at most five questions
    /// with distinct field names that are not ``reservedFields``, at most one of them with an `appointment`, and that
    /// one of the kind its action reads (``AppointmentAction/answerKind``).
    /// - Throws: ``CampaignValidationError`` naming the field (`script.questions[1].field`, …).
    public func validated() throws(CampaignValidationError) -> CampaignScript {
        func check(_ line: ScriptTemplate, _ field: String) throws(CampaignValidationError) {
            guard (1...Self.maxLineLength).contains(line.text.count) else {
                throw CampaignValidationError(field: field, "\(field) must be 1–\(Self.maxLineLength) characters")
            }
        }
        try check(purpose, "script.purpose")
        try check(openingLine, "script.opening_line")
        try check(closingLine, "script.closing_line")
        if let voicemailMessage { try check(voicemailMessage, "script.voicemail_message") }
        guard questions.count <= Self.maxQuestions else {
            throw CampaignValidationError(field: "script.questions",
                                          "script.questions has \(questions.count) questions; at most \(Self.maxQuestions)")
        }
        var fields: Set<String> = []
        var appointmentIndex: Int?
        var checked = self
        for (index, question) in questions.enumerated() {
            let path = "script.questions[\(index)]"
            guard let name = ScriptTemplate.variableName(question.field.trimmingCharacters(in: .whitespaces)) else {
                throw CampaignValidationError(field: "\(path).field",
                    "\(path).field must be a letter, then letters, digits or _ (at most \(ScriptTemplate.maxNameLength)); \"\(question.field.prefix(50))\" is not")
            }
            guard !Self.reservedFields.contains(name) else {
                throw CampaignValidationError(field: "\(path).field",
                    "\(path).field \"\(name)\" is a column every result has; choose another name")
            }
            guard fields.insert(name).inserted else {
                throw CampaignValidationError(field: "\(path).field", "\(path).field \"\(name)\" is used by an earlier question")
            }
            try check(question.text, "\(path).text")
            if let action = question.appointment {
                guard question.kind == action.answerKind else {
                    throw CampaignValidationError(field: "\(path).appointment",
                        "\(path).appointment \"\(action.rawValue)\" needs a \(action.answerKind.rawValue) question; this one is \(question.kind.rawValue)")
                }
                if let earlier = appointmentIndex {
                    throw CampaignValidationError(field: "\(path).appointment",
                        "\(path).appointment: only one question may book or confirm an appointment, and script.questions[\(earlier)] already does")
                }
                appointmentIndex = index
            }
            checked.questions[index].field = name
        }
        return checked
    }

    /// The lines as spoken to one recipient, the disclosure in front of an opening or voicemail message that lacks it.
    /// - Throws: ``ScriptRenderError`` naming a variable `context` has no value for.
    public func rendered(_ context: ScriptContext) throws(ScriptRenderError) -> RenderedScript {
        let values = context.values
        var opening = try openingLine.render(values)
        if !openingDisclosesItself { opening = try Self.disclosure.render(values) + " " + opening }
        var voicemail: String?
        if let voicemailMessage {
            let message = try voicemailMessage.render(values)
            voicemail = voicemailDisclosesItself ? message : try Self.voicemailDisclosure.render(values) + " " + message
        }
        var questions: [RenderedScript.Question] = []
        for question in self.questions {
            questions.append(.init(field: question.field, text: try question.text.render(values), kind: question.kind))
        }
        return RenderedScript(opening: opening, purpose: try purpose.render(values), questions: questions,
                              closing: try closingLine.render(values), voicemail: voicemail)
    }
}

/// The values a script is rendered with: the built-ins and one recipient's variables.
public struct ScriptContext: Sendable, Equatable {
    /// `{{business_name}}`: the business's name.
    public static let businessName = "business_name"
    /// Variables every script may use without a recipient column; a column may not take one of these names.
    public static let builtIns: Set<String> = [businessName]

    public var businessName: String
    /// The recipient's columns by variable name.
    public var variables: [String: String]

    public init(businessName: String, variables: [String: String]) {
        self.businessName = businessName
        self.variables = variables
    }

    /// Every value by name; a built-in wins over a column of the same name (an import refuses such a column).
    public var values: [String: String] {
        var values = variables
        values[Self.businessName] = businessName
        return values
    }
}

/// A script as spoken to one recipient.
public struct RenderedScript: Sendable, Equatable {
    public struct Question: Sendable, Equatable {
        public let field: String
        public let text: String
        public let kind: AnswerKind
    }

    /// The disclosure (when the opening lacks it) and the opening line: "Hello, this is an automated assistant
    /// calling for Brightwater Plumbing. Hi Ana."
    public let opening: String
    /// Spoken right after the opening.
    public let purpose: String
    public let questions: [Question]
    public let closing: String
    /// The whole voicemail message, its disclosure included; nil when the script has none.
    public let voicemail: String?
}
