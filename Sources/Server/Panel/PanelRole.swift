/// A user's role in one business's panel, stored per membership (`memberships.role`).
public enum PanelRole: String, Codable, Sendable, CaseIterable {
    /// Everything: the business's users and settings, and all that staff may do.
    case owner
    /// Day-to-day work: calls, knowledge, customers — not users or settings.
    case staff
    /// Reads every page of the business and changes nothing.
    case viewer

    /// Whether this role may do `action`. Every role may view; a viewer may do nothing else.
    public func allows(_ action: PanelAction) -> Bool {
        switch (self, action) {
        case (_, .view), (.owner, _): true
        case (.staff, .calls), (.staff, .knowledge), (.staff, .customers): true
        case (.staff, .settings), (.staff, .users), (.viewer, _): false
        }
    }

    /// Whether this role may change anything at all (every state-changing request of a business's pages needs it).
    public var canChangeAnything: Bool { PanelAction.allCases.contains { $0 != .view && allows($0) } }
}

/// What a panel page or form does, checked against the user's ``PanelRole`` before it runs.
public enum PanelAction: String, Sendable, CaseIterable {
    /// Read any page of the business.
    case view
    /// Act on calls (notes, call-backs, live calls).
    case calls
    /// Create, edit, delete and import knowledge entries.
    case knowledge
    /// Customers, appointments and availability.
    case customers
    /// The receptionist's settings, numbers, hours, widget origins.
    case settings
    /// Add and remove the business's users.
    case users
}
