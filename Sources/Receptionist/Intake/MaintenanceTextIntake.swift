import Foundation
import Maintenance

/// Maintenance requests by text: a tenant texts the business number ("the kitchen sink is leaking at 14 Elm St apt
/// 2") and, when the text is not a reply to a job (``DispatchReply/other``) nor a carrier keyword, it becomes a
/// ticket draft here. Pure: the server keeps the ``Pending`` draft between texts and sends the replies.
///
/// - ``start(_:from:triage:)``: the first text. nil when it names no problem (an ordinary message);
///   otherwise the draft, read by ``MaintenanceTriage`` (problem, trade, priority, emergency rule), with the
///   address, unit, postcode and name the text gives.
/// - What is missing decides the one question texted back: the street address first, then — once, when the
///   address had none — the apartment or unit number (`NONE` answers it). Access time and name are never asked by
///   text: the sender's number is the callback number and the booking text confirms the visit window.
/// - ``fold(_:into:triage:)``: a follow-up text into the pending draft: the address, the unit (or
///   `NONE`), and any further problem words, which are appended and re-read (a follow-up can make it an emergency).
/// - ``next(_:emergencyNumber:)``: `.ready` with the acknowledgement, `.ask` with the question, or `.unresolved`
///   after ``maximumQuestions`` questions without an address (a person takes over).
///
/// Every reply is GSM-7 and one SMS (160 characters); a life-safety draft (gas, carbon monoxide, fire, an
/// electrical hazard, a medical emergency) starts every reply with what to do first ("If you smell gas, leave now
/// and call 911 from outside.").
public enum MaintenanceTextIntake {
    /// Questions texted without getting an address before a person takes over.
    public static let maximumQuestions = 2

    /// A draft waiting for the tenant's next text.
    public struct Pending: Codable, Sendable, Equatable {
        public var draft: TicketDraft
        /// Questions texted so far.
        public var questionsAsked: Int
        /// The unit question was texted (it is asked once).
        public var unitAsked: Bool

        public init(draft: TicketDraft, questionsAsked: Int = 0, unitAsked: Bool = false) {
            self.draft = draft
            self.questionsAsked = questionsAsked
            self.unitAsked = unitAsked
        }
    }

    /// What to do after a text.
    public enum Step: Sendable, Equatable {
        /// Open the ticket; text `reply` (the acknowledgement).
        case ready(TicketDraft, reply: String)
        /// Text `question` and keep `pending` for the answer.
        case ask(question: String, pending: Pending)
        /// Still no address after ``maximumQuestions`` questions: a person must follow up; text `reply`.
        case unresolved(TicketDraft, reply: String)
    }

    /// What a draft still needs before it can be opened.
    public enum Missing: String, Sendable, Equatable {
        case address, unit
    }

    // MARK: - Reading texts

    /// A first text from `sender` (E.164), or nil when it names no problem and asks for no repair.
    public static func start(_ body: String, from sender: String, triage: MaintenanceTriage) -> Pending? {
        let text = body.trimmingCharacters(in: .whitespacesAndNewlines)
        let assessment = triage.assess(text)
        guard assessment.namesProblem || assessment.isEmergency else { return nil }
        var draft = TicketDraft(problem: text, assessment: assessment, phone: sender)
        take(text, into: &draft)
        if let name = EntityExtractor.name(in: text) { draft.name = name }
        return Pending(draft: draft)
    }

    /// A follow-up text folded into `pending`: the address and unit it gives, `NONE` for no unit, and any problem
    /// words (appended to the problem, which is then read again).
    public static func fold(_ body: String, into pending: Pending, triage: MaintenanceTriage) -> Pending {
        let text = body.trimmingCharacters(in: .whitespacesAndNewlines)
        var pending = pending
        var draft = pending.draft
        take(text, into: &draft)
        if pending.unitAsked, draft.unit == nil, let unit = EntityExtractor.bareUnit(in: text) { draft.unit = unit }
        if draft.name == nil, let name = EntityExtractor.name(in: text) { draft.name = name }
        let assessment = triage.assess(text)
        if assessment.isEmergency || assessment.namesProblem {
            draft.problem = CallMachine.appending(text, to: draft.problem)
            draft.apply(triage.assess(draft.problem))
        }
        if isNone(text) { pending.unitAsked = true }
        pending.draft = draft
        return pending
    }

    /// The next step for a pending draft; a question counts as asked in the returned `pending`.
    public static func next(_ pending: Pending, emergencyNumber: String = "911") -> Step {
        var pending = pending
        let draft = pending.draft
        let first = safetyLine(draft, emergencyNumber: emergencyNumber)
        guard let missing = missing(pending) else {
            return .ready(draft, reply: fitted(first, acknowledgement(draft)))
        }
        if missing == .address, pending.questionsAsked >= maximumQuestions {
            return .unresolved(draft, reply: fitted(first, "Thanks. Someone from our team will call you to get the address."))
        }
        let question = question(for: missing, pending: pending)
        pending.questionsAsked += 1
        if missing == .unit { pending.unitAsked = true }
        return .ask(question: fitted(first, question), pending: pending)
    }

    /// What `pending` still needs: the address, then (asked once) the unit.
    public static func missing(_ pending: Pending) -> Missing? {
        if pending.draft.address == nil { return .address }
        if pending.draft.unit == nil, !pending.unitAsked { return .unit }
        return nil
    }

    // MARK: - Texts

    static func question(for missing: Missing, pending: Pending) -> String {
        let emergency = pending.draft.priority == .emergency
        switch missing {
        case .address where pending.questionsAsked > 0:
            return "Sorry, we still need the street address (number and street) and unit to send someone."
        case .address:
            return emergency ? "We are treating this as an emergency. What is the address and unit number?"
                : "Thanks, we got your request. What is the address and unit number?"
        case .unit:
            return "Thanks. What is the apartment or unit number? Reply NONE if there isn't one."
        }
    }

    static func acknowledgement(_ draft: TicketDraft) -> String {
        draft.priority == .emergency
            ? "We are treating this as an emergency and arranging a vendor now. We will text you the details."
            : "Thanks, your request is in. We will arrange a vendor and text you the details."
    }

    /// What to do first when people may be in danger; nil otherwise.
    static func safetyLine(_ draft: TicketDraft, emergencyNumber: String) -> String? {
        switch draft.emergencyRule {
        case .gas: "If you smell gas, leave now and call \(emergencyNumber) from outside."
        case .carbonMonoxide: "Get everyone into fresh air now and call \(emergencyNumber)."
        case .fire: "Get everyone out now and call \(emergencyNumber)."
        case .electricalHazard: "Stay away from it. If there is smoke or fire, get out and call \(emergencyNumber)."
        case .medical: "If anyone is in danger, call \(emergencyNumber) now."
        default: nil
        }
    }

    /// The safety line and the text, in one SMS: when both do not fit, the safety line wins.
    static func fitted(_ first: String?, _ text: String) -> String {
        guard let first else { return GSM7.sanitized(text) }
        let both = GSM7.sanitized(first + " " + text)
        return DispatchTexts.fits(both) ? both : GSM7.sanitized(first)
    }

    // MARK: - Reading details

    /// Address (street, unit, town, postcode) or a unit alone, from one text. Times are not read: in "no heat
    /// since this morning" the time is when it broke, not when a vendor may come.
    static func take(_ text: String, into draft: inout TicketDraft) {
        if let parts = EntityExtractor.addressParts(in: text) {
            draft.take(parts)
        } else if let unit = EntityExtractor.unitNumber(in: text) {
            draft.unit = unit
        }
    }

    /// "NONE", "no", "n/a", "it's a house": no unit.
    static func isNone(_ text: String) -> Bool {
        let words = SpokenText(text).words.filter { !["it", "is", "a", "just", "there", "thanks", "thank", "you"].contains($0) }
        let phrase = words.joined(separator: " ")
        return ["none", "no", "nope", "n a", "n", "na", "house", "no unit", "no apartment", "not", "not one", "detached house",
                "single family", "single family home", "no number"].contains(phrase)
    }
}
