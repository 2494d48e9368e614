/// Why a caller's details are being taken.
public enum LeadReason: String, Codable, Sendable, CaseIterable {
    /// The caller asked to leave a message.
    case message
    /// The caller wants a visit or appointment.
    case booking
    /// The caller reported an emergency.
    case emergency
    /// The knowledge base had no answer and the caller accepted a callback.
    case unanswered
    /// A transfer was asked for but nobody picked up (or the business is closed).
    case noTransfer = "no_transfer"
}

/// One of the details the receptionist asks for.
public enum LeadField: String, Codable, Sendable, CaseIterable {
    case name, phone, address, notes
}

/// A caller's details as they are being captured.
public struct LeadDraft: Codable, Sendable, Equatable {
    public var reason: LeadReason
    public var name: String?
    /// E.164.
    public var phone: String?
    public var address: String?
    /// What the caller needs, in their own words.
    public var notes: String?
    /// When the caller would like the visit or callback.
    public var timeWindow: TimeWindow?
    public var category: String?
    public var severity: Severity?
    public var isEmergency: Bool
    /// The appointment slot the caller chose on the phone, if any.
    public var appointment: BookingInterval?

    public init(
        reason: LeadReason, name: String? = nil, phone: String? = nil, address: String? = nil, notes: String? = nil,
        timeWindow: TimeWindow? = nil, category: String? = nil, severity: Severity? = nil, isEmergency: Bool = false
    ) {
        self.reason = reason
        self.name = name
        self.phone = phone
        self.address = address
        self.notes = notes
        self.timeWindow = timeWindow
        self.category = category
        self.severity = severity
        self.isEmergency = isEmergency
    }

    subscript(field: LeadField) -> String? {
        get {
            switch field {
            case .name: name
            case .phone: phone
            case .address: address
            case .notes: notes
            }
        }
        set {
            switch field {
            case .name: name = newValue
            case .phone: phone = newValue
            case .address: address = newValue
            case .notes: notes = newValue
            }
        }
    }
}
