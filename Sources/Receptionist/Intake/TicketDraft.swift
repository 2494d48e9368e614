import Foundation
import Maintenance

/// A maintenance ticket as intake took it from a tenant — on a call (``CallAction/openTicket(_:)``) or by text
/// (``MaintenanceTextIntake``) — for the server to open. A pure value: no id, no code, no business.
public struct TicketDraft: Codable, Sendable, Equatable {
    /// The problem in the tenant's words ("the kitchen sink is leaking under the cabinet"); follow-up details are
    /// appended as further sentences.
    public var problem: String
    public var trade: Trade
    public var priority: TicketPriority
    /// The emergency rule that fired (``MaintenanceTriage``); nil unless `priority` is `.emergency`.
    public var emergencyRule: MaintenanceRule?
    /// Why this priority, for the ticket's timeline ("emergency: no heat (\"no heat\") and 40 °F, below 45 °F").
    public var priorityReason: String
    /// Street (and town) of the property: "14 Elm Street, Springfield". nil until given.
    public var address: String?
    /// "Apartment 3", "Unit 4B"; nil when not given or there is none.
    public var unit: String?
    /// ZIP or postcode when the tenant said one ("62704", "SW1A 1AA").
    public var postcode: String?
    /// When a vendor may come in, as the tenant put it ("tomorrow morning", "any time"); "as soon as possible"
    /// for an emergency.
    public var accessWindow: String?
    /// `accessWindow` resolved to instants, when it names a time ("tomorrow morning" → 08:00–12:00).
    public var accessTime: TimeWindow?
    /// The tenant's name, when given.
    public var name: String?
    /// The tenant's callback number, E.164.
    public var phone: String?

    public init(problem: String, assessment: MaintenanceAssessment, address: String? = nil, unit: String? = nil,
                postcode: String? = nil, accessWindow: String? = nil, accessTime: TimeWindow? = nil,
                name: String? = nil, phone: String? = nil) {
        self.problem = problem
        self.trade = assessment.trade ?? .general
        self.priority = assessment.priority
        self.emergencyRule = assessment.rule
        self.priorityReason = assessment.reason
        self.address = address
        self.unit = unit
        self.postcode = postcode
        self.accessWindow = accessWindow
        self.accessTime = accessTime
        self.name = name
        self.phone = phone
    }

    /// Takes trade, priority and rule from a (new) assessment of the problem. With no trade named, the trade is
    /// `.general`: a handyman looks first.
    public mutating func apply(_ assessment: MaintenanceAssessment) {
        trade = assessment.trade ?? .general
        priority = assessment.priority
        emergencyRule = assessment.rule
        priorityReason = assessment.reason
    }

    /// Address, unit and postcode for a person to read: "14 Elm Street, Springfield, Apartment 3, 62704"; nil when
    /// neither address nor unit is known.
    public var fullAddress: String? {
        guard address != nil || unit != nil else { return nil }
        return [address, unit, postcode].compactMap { $0 }.joined(separator: ", ")
    }

    /// The parts of a spoken or typed address, taken into the draft.
    mutating func take(_ parts: SpokenAddress) {
        address = [parts.street, parts.town].compactMap { $0 }.joined(separator: ", ")
        if let unit = parts.unit { self.unit = unit }
        if let postcode = parts.postcode { self.postcode = postcode }
    }
}
