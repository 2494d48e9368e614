import Maintenance
import Receptionist

extension TicketPriority {
    /// The priority a ticket gets from its problem when the client gives none: the maintenance triage's, by the
    /// same rule tables the receptionist's intake uses on calls and texts (`MaintenanceTriage`, docs/dispatch.md,
    /// "Triage"): flooding, sewage, no water, no power, an insecure entry … are emergencies; no heat without a
    /// temperature, no hot water, "asap" are urgent; the rest routine.
    static func inferred(fromProblem problem: String) -> TicketPriority {
        MaintenanceTriage().assess(problem).priority
    }
}
