import Foundation

/// The details a caller left (a `leads` row), as the summary reports them.
public struct LeadDetails: Sendable, Equatable, Codable {
    /// Why the lead was taken: `message`, `booking`, `emergency`, `unanswered`, `no_transfer`.
    public var reason: String?
    public var name: String?
    /// Callback number.
    public var phone: String?
    public var address: String?
    /// The caller's message.
    public var notes: String?
    /// The caller's words for when they would like the visit ("tomorrow morning").
    public var preferredTime: String?
    public var isEmergency: Bool

    public init(reason: String? = nil, name: String? = nil, phone: String? = nil, address: String? = nil,
                notes: String? = nil, preferredTime: String? = nil, isEmergency: Bool = false) {
        self.reason = reason
        self.name = name
        self.phone = phone
        self.address = address
        self.notes = notes
        self.preferredTime = preferredTime
        self.isEmergency = isEmergency
    }

    /// Whether the caller left a way to reach them (a callback number).
    public var isReachable: Bool { !(phone ?? "").trimmingCharacters(in: .whitespaces).isEmpty }
}
