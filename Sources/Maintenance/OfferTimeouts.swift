import Foundation

/// How long a vendor has to answer a job offer before it goes to the next vendor, per ticket priority, in minutes.
///
/// Stored inside ``DispatchSettings``; JSON keys are snake_case through the API's coder (`emergency_minutes`).
/// Decoding fills a missing field with its default, so settings saved by an older build keep loading.
public struct OfferTimeouts: Codable, Sendable, Equatable {
    /// Minutes an emergency offer stays open (default 15).
    public var emergencyMinutes: Int
    /// Minutes an urgent offer stays open (default 60).
    public var urgentMinutes: Int
    /// Minutes a routine offer stays open (default 240).
    public var routineMinutes: Int

    public static let defaultEmergencyMinutes = 15
    public static let defaultUrgentMinutes = 60
    public static let defaultRoutineMinutes = 240
    /// Allowed range of every timeout: 1 minute … 72 hours.
    public static let allowedMinutes = 1...(72 * 60)

    public init(
        emergencyMinutes: Int = OfferTimeouts.defaultEmergencyMinutes,
        urgentMinutes: Int = OfferTimeouts.defaultUrgentMinutes,
        routineMinutes: Int = OfferTimeouts.defaultRoutineMinutes
    ) {
        self.emergencyMinutes = emergencyMinutes
        self.urgentMinutes = urgentMinutes
        self.routineMinutes = routineMinutes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        emergencyMinutes = try container.decodeIfPresent(Int.self, forKey: .emergencyMinutes)
            ?? Self.defaultEmergencyMinutes
        urgentMinutes = try container.decodeIfPresent(Int.self, forKey: .urgentMinutes) ?? Self.defaultUrgentMinutes
        routineMinutes = try container.decodeIfPresent(Int.self, forKey: .routineMinutes) ?? Self.defaultRoutineMinutes
    }

    /// Minutes an offer for a ticket of `priority` stays open.
    public func minutes(for priority: TicketPriority) -> Int {
        switch priority {
        case .emergency: emergencyMinutes
        case .urgent: urgentMinutes
        case .routine: routineMinutes
        }
    }

    /// Seconds an offer for a ticket of `priority` stays open.
    public func timeout(for priority: TicketPriority) -> TimeInterval {
        TimeInterval(minutes(for: priority) * 60)
    }

    /// Throws ``DispatchSettingsError`` naming the first rule broken (the field path is relative to this value).
    public func validate() throws {
        for (name, value) in [("emergencyMinutes", emergencyMinutes), ("urgentMinutes", urgentMinutes),
                              ("routineMinutes", routineMinutes)]
        where !Self.allowedMinutes.contains(value) {
            throw DispatchSettingsError("\(name) must be between 1 and 4320 (72 hours)")
        }
    }
}

/// A dispatch setting outside its rules. `message` starts with the Swift property path (`offerTimeouts.urgentMinutes
/// must …`), like the server's validation messages, so the API can rename it to the request's snake_case field.
public struct DispatchSettingsError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
