import Events
import Foundation

/// Someone to tell when a ticket escalates: a landlord, an owner or a property manager on call.
public struct LandlordContact: Codable, Sendable, Equatable, Hashable {
    /// How texts and the timeline name them ("Dana (owner)").
    public var name: String
    /// E.164 number texted and called (`+15551234567`).
    public var phone: String

    public init(name: String, phone: String) {
        self.name = name
        self.phone = phone
    }
}
