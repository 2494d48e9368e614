import Foundation

/// The kind of work a maintenance ticket needs, and the trades a vendor takes. The raw values are public API (REST
/// fields, filters, stored rows, events): never rename one.
public enum Trade: String, Codable, Sendable, CaseIterable {
    case plumbing, electrical, hvac, appliance, locksmith, pest, roofing
    /// Anything a handyman takes: doors, walls, fixtures, whatever fits no other trade.
    case general

    /// Parses a value from a request or a row, ignoring case and surrounding spaces.
    public init?(parsing raw: String) {
        self.init(rawValue: raw.trimmingCharacters(in: .whitespaces).lowercased())
    }
}
