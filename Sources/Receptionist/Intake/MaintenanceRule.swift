/// The emergency rule that made a maintenance problem an emergency (``MaintenanceTriage``). The raw values are
/// public API (a ticket's `emergency_rule`, events, the docs' table): never rename one.
public enum MaintenanceRule: String, Codable, Sendable, CaseIterable {
    /// Flooding or an active leak: water pouring, through a ceiling, a burst pipe, a leak that will not stop.
    case flooding
    /// Sewage coming up: a toilet, tub or floor drain backing up, raw sewage.
    case sewageBackup = "sewage_backup"
    /// No heat while it is below 45 °F (55 °F with an infant, elderly person or medical need in the home).
    case noHeat = "no_heat"
    /// No air conditioning while it is above 95 °F.
    case noCooling = "no_cooling"
    /// No running water at all (not "no hot water").
    case noWater = "no_water"
    /// No electricity in the home.
    case noPower = "no_power"
    /// The home cannot be secured: a door or window that will not lock or close, a broken lock, smashed glass,
    /// a break-in.
    case security
    /// One of the business's own emergency phrases.
    case businessPhrase = "business_phrase"

    /// A gas smell or leak: leave, call 911 (the business's emergency number) first.
    case gas
    /// Carbon monoxide or a CO alarm going off: leave, call 911 first.
    case carbonMonoxide = "carbon_monoxide"
    /// Fire or smoke: leave, call 911 first.
    case fire
    /// Sparks, a burning smell, smoke from an outlet, live wires, shocks: a fire and shock risk, 911 first.
    case electricalHazard = "electrical_hazard"
    /// Someone hurt or ill (bleeding, not breathing, chest pain …): 911 first.
    case medical

    /// Whether people are in danger: the caller is told to get out and call the emergency number before
    /// anything else is asked.
    public var isLifeSafety: Bool {
        switch self {
        case .gas, .carbonMonoxide, .fire, .electricalHazard, .medical: true
        default: false
        }
    }

    /// What the rule is, in a few words for a read-back, a text or a timeline: "flooding", "no heat".
    public var summary: String {
        switch self {
        case .flooding: "flooding or an active leak"
        case .sewageBackup: "a sewage backup"
        case .noHeat: "no heat in the cold"
        case .noCooling: "no air conditioning in the heat"
        case .noWater: "no water"
        case .noPower: "no power"
        case .security: "a home that cannot be secured"
        case .businessPhrase: "an emergency"
        case .gas: "a gas smell"
        case .carbonMonoxide: "carbon monoxide"
        case .fire: "fire or smoke"
        case .electricalHazard: "an electrical hazard"
        case .medical: "a medical emergency"
        }
    }
}
