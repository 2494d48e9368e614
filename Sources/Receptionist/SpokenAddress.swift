/// A street address read from a caller's words by ``EntityExtractor/addressParts(in:)``, in the parts a ticket
/// stores apart.
public struct SpokenAddress: Sendable, Equatable, Codable {
    /// House number and street, spelled out: "14 Elm Road", "123 Main Street".
    public var street: String
    /// "Apartment 3", "Unit 4B", "Flat 2"; nil when none was said.
    public var unit: String?
    /// "Springfield", "London"; nil when none was said.
    public var town: String?
    /// A US ZIP ("62704") or a UK postcode ("SW1A 1AA"); nil when none was said.
    public var postcode: String?

    public init(street: String, unit: String? = nil, town: String? = nil, postcode: String? = nil) {
        self.street = street
        self.unit = unit
        self.town = town
        self.postcode = postcode
    }

    /// For a person to read: "14 Elm Road, Apartment 3, Springfield SW1A 1AA".
    public var formatted: String {
        let tail = [town, postcode].compactMap { $0 }.joined(separator: " ")
        return ([street, unit] + [tail.isEmpty ? nil : tail]).compactMap { $0 }.joined(separator: ", ")
    }
}
