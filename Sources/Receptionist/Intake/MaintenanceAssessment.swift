import Maintenance

/// What ``MaintenanceTriage`` read from a tenant's words: which trade, how soon, and why.
public struct MaintenanceAssessment: Sendable, Equatable, Codable {
    /// The trade the words name, or the one the fired rule implies; nil when nothing names one.
    public var trade: Trade?
    public var priority: TicketPriority
    /// The emergency rule that fired, when `priority` is `.emergency`.
    public var rule: MaintenanceRule?
    /// No heat or no cooling said without a temperature that fires its rule: the call asks how cold (or hot) it is.
    public var conditionalRule: MaintenanceRule?
    /// The tenant's words that decided the priority, normalised ("water pouring through the ceiling").
    public var phrase: String?
    /// Why this priority, one line for people: "no heat and 40 °F, below 45 °F".
    public var reason: String
    /// Temperatures the tenant stated, in °F (Celsius converted), in the order said.
    public var statedFahrenheit: [Double]
    /// The tenant said an infant, an elderly person or someone with a medical need is in the home.
    public var vulnerableOccupants: Bool
    /// The words name a maintenance problem: an emergency or urgent rule matched, or a problem word ("broken", "not
    /// working", "leaking", "mice") next to something a trade fixes.
    public var namesProblem: Bool
    /// The tenant asks to report maintenance without saying what ("I need to put in a repair request").
    public var asksForMaintenance: Bool

    /// Whether the caller must be told to get out and call the emergency number first.
    public var isLifeSafety: Bool { rule?.isLifeSafety ?? false }
    public var isEmergency: Bool { priority == .emergency }
}
