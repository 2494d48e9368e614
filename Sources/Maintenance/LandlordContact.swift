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

    /// Whether `number` is E.164: "+", a non-zero digit, then 6–14 more digits (the server's `PhoneNumber.isE164`
    /// rule; this module cannot import it).
    public static func isE164(_ number: String) -> Bool {
        let utf8 = Array(number.utf8)
        guard (8...16).contains(utf8.count), utf8[0] == UInt8(ascii: "+"),
              utf8[1] >= UInt8(ascii: "1"), utf8[1] <= UInt8(ascii: "9")
        else { return false }
        return utf8.dropFirst(2).allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
