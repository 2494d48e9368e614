import Foundation
import Maintenance

/// The maintenance path (``CallPolicy/maintenanceIntake``): a tenant reports a problem; the receptionist asks what
/// is wrong, the address and unit, when a vendor may come in, the tenant's name and callback number, reads it all
/// back, and on "yes" opens a ticket (``CallAction/openTicket(_:)``).
///
/// Emergencies follow ``MaintenanceTriage``: gas, carbon monoxide, fire, an electrical hazard or a medical emergency
/// first tell the caller to get out and call the emergency number (the call is flagged and the owner alerted, as
/// every emergency call is); the other emergency rules (flooding, sewage, no heat in the cold …) are said to be
/// treated as an emergency. Either way the address comes next, and the access time is "as soon as possible".
extension CallMachine {
    /// Whether the maintenance path would take these words now (the server then skips the knowledge lookup).
    func maintenanceWouldTake(_ text: String, policy: CallPolicy) -> Bool {
        guard policy.maintenanceIntake else { return false }
        if intake?.active == true, state == .leadCapture || state == .confirmation { return true }
        let assessment = Self.triage(policy).assess(text)
        switch state {
        case .greeting, .intent, .faq, .wrapUp: return Self.opensIntake(text, assessment)
        default: return false
        }
    }

    static func triage(_ policy: CallPolicy) -> MaintenanceTriage {
        MaintenanceTriage(outdoorFahrenheit: policy.outdoorFahrenheit, emergencyPhrases: policy.emergencyPhrases)
    }

    /// A turn of a maintenance business: the answer to an intake question, or words that start an intake. nil:
    /// the ordinary conversation handles them (a question, a booking, a message …).
    mutating func maintenanceTurn(_ text: String, policy: CallPolicy) -> [CallAction]? {
        if intake?.active == true, state == .leadCapture || state == .confirmation {
            return intakeAnswer(text, policy: policy)
        }
        let assessment = Self.triage(policy).assess(text)
        switch state {
        case .greeting, .intent, .faq, .wrapUp:
            guard Self.opensIntake(text, assessment) else { return nil }
        case .bookingRequest, .leadCapture, .confirmation:
            // Taking a booking or a message: only an emergency interrupts, as on every call.
            guard assessment.isEmergency, emergency == nil else { return nil }
        case .transferAttempt, .ended:
            return nil
        }
        if assessment.rule == .medical, Self.tradeFree(text) {
            // Someone hurt, nothing broken: the ordinary emergency path (911 first, then a call back).
            return emergencyReported(EmergencyMatch(phrase: assessment.phrase ?? text, category: .medical), text: text,
                                     policy: policy)
        }
        if state == .greeting { state = .intent }
        return startIntake(text, assessment: assessment, policy: policy)
    }

    /// In INTENT, FAQ or WRAP_UP: do these words report maintenance? Life safety always does; another emergency
    /// unless it is a question about the business's services ("do you fix burst pipes"); otherwise a problem or a
    /// maintenance request, unless the caller asks for a person or asks a question ("how do I reset the breaker").
    static func opensIntake(_ text: String, _ assessment: MaintenanceAssessment) -> Bool {
        if assessment.isLifeSafety { return true }
        let spoken = SpokenText(text)
        let opening = IntentClassifier.strippingLeading(spoken, IntentClassifier.fillers.union(IntentClassifier.softeners)
            .union(IntentClassifier.acknowledgements).union(IntentClassifier.greetings))
        if assessment.isEmergency { return IntentClassifier.startsWith(serviceQuestions, opening) == nil }
        guard assessment.namesProblem || assessment.asksForMaintenance else { return false }
        let intent = IntentClassifier.classify(spoken)
        if intent == .humanRequest || intent == .goodbye { return false }
        return IntentClassifier.startsWith(IntentClassifier.informationQuestion, opening) == nil
    }

    /// Questions about what the business does or costs, whatever problem they name.
    static let serviceQuestions: [PhrasePattern] = [
        "do|does you|they|your ..1 do|offer|provide|cover|service|fix|repair|handle|deal|charge", "how much",
        "what do you charge", "is there a fee|charge|cost", "what is|are the|your ..1 cost|costs|price|prices|fee|fees",
    ].map(PhrasePattern.init)

    /// Whether the words name nothing a trade fixes.
    static func tradeFree(_ text: String) -> Bool {
        MaintenanceTriage.trade(in: SpokenText(text), rule: nil) == nil
    }

    // MARK: - Starting

    mutating func startIntake(_ text: String, assessment: MaintenanceAssessment, policy: CallPolicy) -> [CallAction] {
        let described = assessment.namesProblem || assessment.isEmergency
        var draft = TicketDraft(problem: described ? text : "", assessment: assessment)
        if let previous = intake?.draft {
            // Another problem on the same call: same tenant, same number; the address is asked again.
            draft.name = previous.name
            draft.phone = previous.phone
        }
        if let lead, !leadSaved {
            // A message or booking was being taken: its details carry over, and the ticket replaces it.
            draft.name = lead.name
            draft.phone = lead.phone
            if let address = lead.address { Self.takeAddress(address, into: &draft) }
            self.lead = nil
        }
        fillIntake(&draft, from: text, policy: policy)
        intake = MaintenanceCallIntake(draft: draft, ticketsOpened: intake?.ticketsOpened ?? 0)
        offer = nil
        retries = 0
        var actions: [CallAction] = []
        if assessment.isEmergency {
            actions = declareEmergency(assessment, text: text, policy: policy)
            actions.append(.say(assessment.isLifeSafety ? CallScript.maintenanceLifeSafetyIntro : CallScript.maintenanceEmergencyIntro))
        } else if described {
            actions.append(.say(CallScript.maintenanceIntro))
        } else {
            actions.append(.say(CallScript.maintenanceRequestIntro))
        }
        return actions + askNextIntake(policy)
    }

    /// Flags the call, says the get-out line for life safety, alerts the owner, and makes the access "as soon as
    /// possible". Returns those actions.
    mutating func declareEmergency(_ assessment: MaintenanceAssessment, text: String, policy: CallPolicy) -> [CallAction] {
        guard let rule = assessment.rule else { return [] }
        if intake?.draft.accessWindow == nil { intake?.draft.accessWindow = Self.asSoonAsPossible }
        var actions: [CallAction] = []
        let match = EmergencyMatch(phrase: assessment.phrase ?? text, category: Self.category(for: rule))
        if emergency == nil || rule.isLifeSafety {
            emergency = match
            actions.append(.flagEmergency(match))
        }
        if rule.isLifeSafety { actions.append(.say(CallScript.getOut(rule, policy: policy))) }
        let caller = callerNumber.map { " Caller \($0)." } ?? ""
        actions.append(.alertOwner(OwnerAlert(
            kind: .emergency, callbackNumber: callerNumber,
            message: "EMERGENCY maintenance (\(rule.summary): \(match.phrase)) on a call to \(policy.businessName).\(caller) "
                + "They said: \"\(text.prefix(160))\"")))
        return actions
    }

    static let asSoonAsPossible = "as soon as possible"

    static func category(for rule: MaintenanceRule) -> EmergencyCategory {
        switch rule {
        case .flooding: .water
        case .sewageBackup: .sewage
        case .noHeat: .heating
        case .noCooling: .cooling
        case .noWater: .waterSupply
        case .noPower: .power
        case .security: .security
        case .businessPhrase: .custom
        case .gas: .gas
        case .carbonMonoxide: .carbonMonoxide
        case .fire: .fire
        case .electricalHazard: .electrical
        case .medical: .medical
        }
    }

    // MARK: - Asking

    /// The next missing detail, or the read-back when nothing is missing.
    mutating func askNextIntake(_ policy: CallPolicy) -> [CallAction] {
        guard var intake else { return [] }
        let draft = intake.draft
        let conditional = draft.problem.isEmpty ? nil : Self.triage(policy).assess(draft.problem).conditionalRule
        let next: MaintenanceCallIntake.Step? =
            if draft.problem.isEmpty { .problem }
            else if conditional != nil && !intake.conditionsAsked { .conditions }
            else if draft.address == nil { .address }
            else if draft.unit == nil && !intake.unitAsked { .unit }
            else if draft.accessWindow == nil { .access }
            else if draft.name == nil { .name }
            else if draft.phone == nil { .phone }
            else { nil }
        intake.asking = next
        intake.offeringCallerID = false
        guard let next else {
            self.intake = intake
            state = .confirmation
            return [.say(CallScript.ticketReadBack(draft)), .listen]
        }
        state = .leadCapture
        if next == .phone, let callerNumber, !intake.callerIDDeclined {
            intake.offeringCallerID = true
            self.intake = intake
            return [.say(CallScript.confirmCallerID(callerNumber)), .listen]
        }
        self.intake = intake
        return [.say(CallScript.intakePrompt(next, draft: draft, cooling: conditional == .noCooling)), .listen]
    }

    /// The current question again (after silence).
    func repeatIntakePrompt(_ policy: CallPolicy) -> [CallAction] {
        guard let intake else { return [] }
        if state == .confirmation { return [.say(CallScript.ticketReadBack(intake.draft)), .listen] }
        if intake.offeringCallerID, let callerNumber { return [.say(CallScript.confirmCallerID(callerNumber)), .listen] }
        guard let step = intake.asking else { return [.say(CallScript.howCanIHelp), .listen] }
        let cooling = Self.triage(policy).assess(intake.draft.problem).conditionalRule == .noCooling
        return [.say(CallScript.intakePrompt(step, draft: intake.draft, cooling: cooling)), .listen]
    }
}
