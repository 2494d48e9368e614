import Foundation

/// The kind of emergency an utterance reports; ``custom`` is a business's own phrase.
public enum EmergencyCategory: String, Sendable, Codable, CaseIterable {
    case gas, carbonMonoxide, water, sewage, electrical, fire, heating, medical, security, custom
    /// Maintenance emergencies only ``MaintenanceTriage`` reports (no air conditioning in the heat, no running
    /// water, no power); the detector never does.
    case cooling, waterSupply, power
}

/// An emergency found in a caller's words by ``EmergencyDetector``.
public struct EmergencyMatch: Sendable, Equatable, Codable {
    /// The caller's words that matched, normalised ("smells like gas", "basement is flooding").
    public var phrase: String
    /// What kind of emergency the words describe.
    public var category: EmergencyCategory

    public init(phrase: String, category: EmergencyCategory) {
        self.phrase = phrase
        self.category = category
    }
}
