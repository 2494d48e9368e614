import Foundation
import Maintenance

/// The lines of the maintenance path (``CallPolicy/maintenanceIntake``).
extension CallScript {
    static let maintenanceIntro = "I'm sorry to hear that. I'll put in a maintenance request for you. I just need a few details."
    static let maintenanceRequestIntro = "Sure, I can put in a maintenance request."
    static let maintenanceEmergencyIntro = "I'm treating this as an emergency, and we'll get someone out as soon as possible. I just need a few quick details."
    static let maintenanceLifeSafetyIntro = "I'm treating this as an emergency and alerting the team right now. Once everyone is safe, I just need a few quick details."
    static let maintenanceNowEmergency = "Thank you. With that, I'm treating this as an emergency."
    static let maintenanceWhichField = "Sorry about that. Which part should I change: the problem, the address, the access time, the name, or the number?"

    /// What to do first when people may be in danger.
    static func getOut(_ rule: MaintenanceRule, policy: CallPolicy) -> String {
        let number = policy.emergencyNumber
        switch rule {
        case .gas:
            return "Please leave the building now, without using light switches or flames, and call \(number) from outside."
        case .carbonMonoxide:
            return "Please get everyone out into fresh air now, and call \(number) from outside."
        case .fire:
            return "Please get everyone out of the building now, and call \(number) from outside."
        case .electricalHazard:
            return "Please stay away from it. If there is smoke or fire, get everyone out and call \(number)."
        default:
            return safety(policy)
        }
    }

    static func intakePrompt(_ step: MaintenanceCallIntake.Step, draft: TicketDraft, cooling: Bool) -> String {
        switch step {
        case .problem: "What's the problem? Tell me what's wrong and where in the home."
        case .conditions: cooling
            ? "Roughly how hot is it inside right now?"
            : "Roughly how cold is it inside right now? And is anyone there elderly, a baby, or someone with a medical need?"
        case .address: draft.unit == nil
            ? "What's the address, with the apartment or unit number?"
            : "And what's the street address?"
        case .unit: "Is there an apartment or unit number?"
        case .access: "When can a vendor come in? For example, tomorrow morning, or any time."
        case .name: prompt(for: .name, emergency: false)
        case .phone: prompt(for: .phone, emergency: false)
        case .correction: maintenanceWhichField
        }
    }

    static func intakeRetry(_ step: MaintenanceCallIntake.Step) -> String {
        switch step {
        case .problem: "Sorry, I didn't catch that. What's wrong in the home?"
        case .conditions: didNotCatch
        case .address: retry(for: .address)
        case .unit: "Sorry, what's the apartment or unit number? Or say no if there isn't one."
        case .access: "Sorry, when can a vendor come in? A day and time, or any time."
        case .name: retry(for: .name)
        case .phone: retry(for: .phone)
        case .correction: maintenanceWhichField
        }
    }

    /// Who is coming, as a read-back says it.
    static func tradesperson(_ trade: Trade) -> String {
        switch trade {
        case .plumbing: "a plumber"
        case .electrical: "an electrician"
        case .hvac: "a heating and cooling technician"
        case .appliance: "an appliance technician"
        case .locksmith: "a locksmith"
        case .pest: "pest control"
        case .roofing: "a roofer"
        case .general: "a handyman"
        }
    }

    /// "Let me read that back. Problem: the kitchen sink is leaking, for a plumber, urgent. Address: … Is that right?"
    static func ticketReadBack(_ draft: TicketDraft) -> String {
        let urgency = switch draft.priority {
        case .emergency: "treated as an emergency"
        case .urgent: "urgent"
        case .routine: "routine"
        }
        var parts = ["Problem: \(spokenProblem(draft.problem)), for \(tradesperson(draft.trade)), \(urgency)."]
        if let address = draft.fullAddress { parts.append("Address: \(address).") }
        if let access = draft.accessWindow { parts.append("Access: \(access).") }
        if let name = draft.name { parts.append("Name: \(name).") }
        if let phone = draft.phone { parts.append("Number: \(spokenPhone(phone)).") }
        return "Let me read that back. " + parts.joined(separator: " ") + " Is that right?"
    }

    /// The tenant's words without leading filler and greetings, at most 20 words, for reading back.
    static func spokenProblem(_ problem: String) -> String {
        let skip = IntentClassifier.fillers.union(IntentClassifier.greetings).union(IntentClassifier.acknowledgements)
            .union(["yes", "yeah", "um", "so", "hi", "hello"])
        let words = problem.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        let start = words.firstIndex { word in
            !skip.contains(word.lowercased().trimmingCharacters(in: .punctuationCharacters))
        } ?? words.endIndex
        var spoken = words[start...].prefix(20).joined(separator: " ")
        while let last = spoken.last, ".,;:!?".contains(last) { spoken.removeLast() }
        return spoken
    }

    /// After the tenant confirmed: what happens next.
    static func ticketOpened(_ draft: TicketDraft) -> String {
        let thanks = draft.name.map { "Thank you, \($0.split(separator: " ").first.map(String.init) ?? $0)." } ?? "Thank you."
        return draft.priority == .emergency
            ? "\(thanks) Your request is in as an emergency. We're arranging a vendor right away, and we'll send you a text with the details."
            : "\(thanks) Your request is in. We'll arrange a vendor and send you a text with the details."
    }
}
