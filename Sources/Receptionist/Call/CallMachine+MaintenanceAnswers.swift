import Foundation
import Maintenance

/// The maintenance path's answers: each question's answer, the read-back's yes or correction, opening the ticket,
/// and an unfinished intake kept as a lead.
extension CallMachine {
    // MARK: - Answers

    /// LEAD_CAPTURE or CONFIRMATION with an intake: the caller's answer.
    mutating func intakeAnswer(_ text: String, policy: CallPolicy) -> [CallAction] {
        guard var intake else { return [] }
        var intent = IntentClassifier.classify(text)
        if intent == .goodbye, state == .confirmation,
           IntentClassifier.startsWith(IntentClassifier.affirmOpeners, SpokenText(text)) != nil {
            intent = .affirm   // "yes that's everything"
        }
        if intent == .goodbye { return finish(saying: CallScript.goodbye(policy)) }
        // Something worse said mid-intake ("and now I smell gas"): the problem grows and the priority follows.
        let heard = Self.triage(policy).assess(text)
        if heard.isEmergency, intake.asking != .problem, intake.asking != .conditions,
           intake.draft.priority != .emergency || (heard.isLifeSafety && intake.draft.emergencyRule?.isLifeSafety != true) {
            intake.draft.problem = Self.appending(text, to: intake.draft.problem)
            intake.draft.apply(Self.triage(policy).assess(intake.draft.problem))
            intake.draft.accessWindow = Self.asSoonAsPossible
            intake.draft.accessTime = nil
            // The words are about the emergency, not an answer: only details stated outright are kept.
            fillIntake(&intake.draft, from: text, policy: policy)
            self.intake = intake
            var preface = declareEmergency(heard, text: text, policy: policy)
            preface.append(.say(heard.isLifeSafety ? CallScript.maintenanceLifeSafetyIntro : CallScript.maintenanceEmergencyIntro))
            if state == .leadCapture, intake.asking == .unit, intake.draft.unit != nil { self.intake?.unitAsked = true }
            return preface + askNextIntake(policy)
        }
        if state == .confirmation { return intakeConfirmation(text, intent: intent, policy: policy) }
        guard let step = intake.asking else { return askNextIntake(policy) }
        var draft = intake.draft
        var accepted = true
        switch step {
        case .problem:
            if (intent == .unclear || intent == .affirm || intent == .deny) && retries < 2 {
                accepted = false
            } else {
                let wasEmergency = draft.priority == .emergency
                draft.problem = text
                let assessment = Self.triage(policy).assess(text)
                draft.apply(assessment)
                fillIntake(&draft, from: text, policy: policy)
                self.intake?.draft = draft
                retries = 0
                if assessment.isEmergency, !wasEmergency {
                    var actions = declareEmergency(assessment, text: text, policy: policy)
                    actions.append(.say(assessment.isLifeSafety ? CallScript.maintenanceLifeSafetyIntro
                                        : CallScript.maintenanceEmergencyIntro))
                    return actions + askNextIntake(policy)
                }
                return [.say("Thank you.")] + askNextIntake(policy)
            }
        case .conditions:
            self.intake?.conditionsAsked = true
            let wasEmergency = draft.priority == .emergency
            draft.problem = Self.appending(text, to: draft.problem)
            let assessment = Self.triage(policy).assess(draft.problem)
            draft.apply(assessment)
            self.intake?.draft = draft
            retries = 0
            if assessment.isEmergency, !wasEmergency {
                let actions = declareEmergency(assessment, text: draft.problem, policy: policy)
                return actions + [.say(CallScript.maintenanceNowEmergency)] + askNextIntake(policy)
            }
            return askNextIntake(policy)
        case .address:
            if let parts = EntityExtractor.addressParts(in: text) {
                draft.take(parts)
            } else if let unit = EntityExtractor.unitNumber(in: text), draft.unit == nil {
                draft.unit = unit   // the street is asked next
                self.intake?.draft = draft
                retries = 0
                return askNextIntake(policy)
            } else if retries >= 2 {
                draft.address = text   // two tries: keep the caller's words for a person to read
            } else {
                accepted = false
            }
        case .unit:
            self.intake?.unitAsked = true
            if let unit = EntityExtractor.unitNumber(in: text) ?? EntityExtractor.bareUnit(in: text) {
                draft.unit = unit
            }
            // "no", "it's a house", anything else: no unit; the read-back lets the caller correct it.
        case .access:
            if let window = EntityExtractor.timeWindow(in: text, now: policy.now, timeZone: policy.timeZone) {
                draft.accessWindow = Self.accessWords(text, window: window)
                draft.accessTime = window
            } else if Self.anyTime.contains(where: { $0.firstMatch(in: SpokenText(text)) != nil }) {
                draft.accessWindow = "any time"
            } else if intent != .unclear, intent != .affirm, intent != .deny {
                draft.accessWindow = text   // "weekdays after my shift": kept as said
            } else if retries >= 2 {
                draft.accessWindow = "not given"
            } else {
                accepted = false
            }
        case .name:
            if let name = EntityExtractor.name(in: text) ?? Self.bareValue(for: .name, in: text, intent: intent) {
                draft.name = name
            } else if retries >= 2 {
                draft.name = text
            } else {
                accepted = false
            }
        case .phone:
            if intake.offeringCallerID {
                if let number = EntityExtractor.phoneNumber(in: text, defaultCountryCode: policy.defaultCountryCode) {
                    draft.phone = number
                } else if intent == .affirm {
                    draft.phone = callerNumber
                } else if intent == .deny {
                    self.intake?.callerIDDeclined = true
                    self.intake?.offeringCallerID = false
                    retries = 0
                    return [.say(CallScript.prompt(for: .phone, emergency: false)), .listen]
                } else if retries >= 2 {
                    draft.phone = callerNumber
                } else {
                    retries += 1
                    return [.say(CallScript.yesOrNo + " " + CallScript.confirmCallerID(callerNumber ?? "")), .listen]
                }
            } else if let number = EntityExtractor.phoneNumber(in: text, defaultCountryCode: policy.defaultCountryCode) {
                draft.phone = number
            } else if retries >= 2 {
                draft.phone = callerNumber ?? text
            } else {
                accepted = false
            }
        case .correction:
            return intakeCorrection(text, intent: intent, policy: policy)
        }
        guard accepted else {
            retries += 1
            return [.say(CallScript.intakeRetry(step)), .listen]
        }
        if step != .name, step != .phone { fillIntake(&draft, from: text, policy: policy) }
        self.intake?.draft = draft
        retries = 0
        return askNextIntake(policy)
    }

    /// The window's own words ("tomorrow morning") when the caller said nothing more than that and filler
    /// ("tomorrow morning works"); the caller's words when they say more ("weekdays after five").
    static func accessWords(_ text: String, window: TimeWindow) -> String {
        let phrase = Set(window.phrase.split(separator: " ").map(String.init))
        let said = SpokenText(text).convertingNumberWords().words
        let extra = said.filter { !phrase.contains($0) && !accessFiller.contains($0) }
        return extra.isEmpty ? window.phrase : text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static let accessFiller: Set<String> = [
        "works", "work", "is", "fine", "good", "would", "be", "that", "please", "thanks", "thank", "you", "ok", "okay",
        "yeah", "yes", "um", "uh", "sure", "great", "perfect", "best", "any", "time", "in", "the", "on", "at", "it",
        "i", "am", "home", "will", "there", "they", "can", "come", "so", "well",
    ]

    /// "any time", "whenever", "all day": the tenant lets a vendor in at any time.
    static let anyTime: [PhrasePattern] = [
        "any time|anytime|whenever", "all day", "any day", "let|letting themselves|yourselves in", "use the|a|your|their? key",
        "master key", "permission to enter",
    ].map(PhrasePattern.init)

    /// CONFIRMATION: "yes" opens the ticket; a correction with its value is applied; "no" asks which part.
    mutating func intakeConfirmation(_ text: String, intent: CallerIntent, policy: CallPolicy) -> [CallAction] {
        guard var intake else { return [] }
        let before = intake.draft
        var draft = before
        fillIntake(&draft, from: text, policy: policy, overwrite: true)
        if draft == before, intent != .affirm,
           let window = EntityExtractor.timeWindow(in: text, now: policy.now, timeZone: policy.timeZone) {
            draft.accessWindow = Self.accessWords(text, window: window)
            draft.accessTime = window
        }
        if draft != before {
            intake.draft = draft
            self.intake = intake
            retries = 0
            return [.say(CallScript.updated)] + askNextIntake(policy)
        }
        if intent != .affirm, let step = Self.namedIntakeStep(in: text) {
            return reask(step, policy: policy)
        }
        switch intent {
        case .affirm:
            return openTicket(policy)
        case .deny:
            self.intake?.asking = .correction
            state = .leadCapture
            return [.say(CallScript.maintenanceWhichField), .listen]
        case .goodbye:
            return finish(saying: CallScript.goodbye(policy))
        default:
            retries += 1
            return [.say(CallScript.yesOrNo), .listen]
        }
    }

    /// The answer to "which part should I change?".
    mutating func intakeCorrection(_ text: String, intent: CallerIntent, policy: CallPolicy) -> [CallAction] {
        if let step = Self.namedIntakeStep(in: text) { return reask(step, policy: policy) }
        guard var draft = intake?.draft else { return [] }
        let before = draft
        fillIntake(&draft, from: text, policy: policy, overwrite: true)
        if draft != before {
            intake?.draft = draft
            retries = 0
            return [.say(CallScript.updated)] + askNextIntake(policy)
        }
        if intent == .affirm || intent == .deny && retries >= 1 {
            // "it's fine actually" / still no part named: read it back again.
            retries = 0
            return askNextIntake(policy)
        }
        retries += 1
        return [.say(CallScript.maintenanceWhichField), .listen]
    }

    /// Forgets one detail and asks for it again.
    mutating func reask(_ step: MaintenanceCallIntake.Step, policy: CallPolicy) -> [CallAction] {
        guard var intake else { return [] }
        switch step {
        case .problem:
            intake.draft.problem = ""
            intake.conditionsAsked = false
        case .address, .unit:
            intake.draft.address = nil
            intake.draft.unit = nil
            intake.draft.postcode = nil
            intake.unitAsked = false
        case .access:
            intake.draft.accessWindow = nil
            intake.draft.accessTime = nil
        case .name:
            intake.draft.name = nil
        case .phone:
            intake.draft.phone = nil
            intake.callerIDDeclined = true
        case .conditions, .correction:
            break
        }
        self.intake = intake
        retries = 0
        return askNextIntake(policy)
    }

    /// Which detail the caller says is wrong ("the address is wrong", "change the time").
    static func namedIntakeStep(in text: String) -> MaintenanceCallIntake.Step? {
        let words = Set(SpokenText(text).words)
        if !words.isDisjoint(with: ["number", "phone", "digits"]) { return .phone }
        if !words.isDisjoint(with: ["address", "street", "road", "apartment", "unit", "flat", "suite"]) { return .address }
        if !words.isDisjoint(with: ["time", "access", "when", "window", "day"]) { return .access }
        if !words.isDisjoint(with: ["name", "spelling", "spelled", "spelt"]) { return .name }
        if !words.isDisjoint(with: ["problem", "issue", "description", "fault"]) { return .problem }
        return nil
    }

    // MARK: - Opening the ticket

    mutating func openTicket(_ policy: CallPolicy) -> [CallAction] {
        guard var intake else { return [] }
        if intake.draft.phone == nil { intake.draft.phone = callerNumber }
        intake.active = false
        intake.asking = nil
        intake.ticketsOpened += 1
        self.intake = intake
        retries = 0
        let draft = intake.draft
        var actions: [CallAction] = [.openTicket(draft)]
        if draft.priority == .emergency {
            state = .ended
            let safety = draft.emergencyRule.map { $0.isLifeSafety ? " " + CallScript.getOut($0, policy: policy) : "" } ?? ""
            actions += [.say(CallScript.ticketOpened(draft) + safety), .hangUp]
            return actions
        }
        state = .wrapUp
        offer = .anythingElse
        return actions + [.say(CallScript.ticketOpened(draft) + " " + CallScript.anythingElse), .listen]
    }

    /// An intake left unfinished (hang-up, silence, goodbye): kept as a lead for a call back when it is an
    /// emergency or there is a number to call — never a ticket, which needs the caller's "yes" to the read-back.
    mutating func keepUnfinishedIntake() -> [CallAction] {
        guard var intake, intake.active else { return [] }
        intake.active = false
        self.intake = intake
        let draft = intake.draft
        let phone = draft.phone ?? callerNumber
        guard draft.priority == .emergency || phone != nil && !draft.problem.isEmpty else { return [] }
        var lead = LeadDraft(reason: draft.priority == .emergency ? .emergency : .message, name: draft.name, phone: draft.phone,
                             address: draft.fullAddress, notes: draft.problem.isEmpty ? nil : draft.problem,
                             timeWindow: draft.accessTime, category: "property",
                             severity: draft.priority == .emergency ? .urgent : draft.priority == .urgent ? .high : .medium,
                             isEmergency: draft.priority == .emergency)
        if lead.notes == nil { lead.notes = "Maintenance request, details not given" }
        self.lead = lead
        leadSaved = false
        return saveLead(nil)
    }

    // MARK: - Reading details

    /// Details found anywhere in the words: an address (with unit and postcode), a unit alone, a name, a number.
    func fillIntake(_ draft: inout TicketDraft, from text: String, policy: CallPolicy, overwrite: Bool = false) {
        if overwrite || draft.address == nil, let parts = EntityExtractor.addressParts(in: text) {
            draft.take(parts)
        } else if overwrite || draft.unit == nil, let unit = EntityExtractor.unitNumber(in: text) {
            draft.unit = unit
        }
        if overwrite || draft.phone == nil,
           let phone = EntityExtractor.phoneNumber(in: text, defaultCountryCode: policy.defaultCountryCode) {
            draft.phone = phone
        }
        if overwrite || draft.name == nil, let name = EntityExtractor.name(in: text) { draft.name = name }
    }

    static func takeAddress(_ address: String, into draft: inout TicketDraft) {
        if let parts = EntityExtractor.addressParts(in: address) { draft.take(parts) } else { draft.address = address }
    }

    static func appending(_ words: String, to problem: String) -> String {
        guard !problem.isEmpty else { return words }
        let end = problem.last.map { ".!?".contains($0) } == true ? "" : "."
        return problem + end + " " + words
    }
}
