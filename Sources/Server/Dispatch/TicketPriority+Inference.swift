import Maintenance
import Receptionist

extension TicketPriority {
    /// The priority a ticket gets from its problem when the client gives none, by the receptionist's rules:
    /// `emergency` when ``EmergencyDetector`` finds an emergency in the words (burst pipe, flooding, sparks, no heat,
    /// gas, …, not negated), `urgent` when ``EntityExtractor/severity(in:)`` reads them as urgent or high ("asap",
    /// "no hot water", "getting worse", "not working"), else `routine`.
    static func inferred(fromProblem problem: String) -> TicketPriority {
        if EmergencyDetector().detect(problem) != nil { return .emergency }
        switch EntityExtractor.severity(in: problem) {
        case .urgent?, .high?: return .urgent
        default: return .routine
        }
    }
}
