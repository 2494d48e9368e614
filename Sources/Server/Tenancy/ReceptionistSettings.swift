import Foundation

/// How a business's receptionist behaves on the phone. Stored as JSON in `businesses.settings`.
///
/// Decoding fills any missing field with its default, so settings saved by an older build keep loading after
/// a field is added.
public struct ReceptionistSettings: Codable, Sendable, Equatable {
    /// Spoken when the call is answered.
    public var greeting: String
    /// Opening hours per weekday in the business's time zone; a missing day is closed.
    public var businessHours: [Weekday: DayHours]
    /// E.164 number calls are transferred to (emergencies, "talk to a person"), or nil for no transfers.
    public var transferNumber: String?
    /// Phrases that mark a call as an emergency (matched case-insensitively by the receptionist).
    public var emergencyPhrases: [String]
    /// Minimum retrieval confidence (0...1) for answering from the knowledge base instead of taking a message.
    public var answerConfidenceThreshold: Double
    /// Text-to-speech voice name.
    public var voice: String
    /// BCP-47 language of speech recognition and synthesis.
    public var language: String
    /// The number callers are told to ring when someone is in danger ("hang up and call 911").
    public var emergencyNumber: String
    /// Whether the receptionist asks callers for a street address when taking their details (a plumber needs one,
    /// a clinic does not).
    public var collectAddress: Bool
    /// Length of one bookable slot, in minutes (5–480).
    public var slotMinutes: Int
    /// At most this many appointments start on one day; nil for no limit.
    public var maxJobsPerDay: Int?
    /// Minutes kept free between two appointments for travel (0–240).
    public var travelBufferMinutes: Int
    /// Only emergencies may be booked before 12:00 local time.
    public var reserveMorningsForEmergencies: Bool
    /// How long before an appointment its reminder text goes out, in hours (0 = no reminder, at most 168).
    public var defaultReminderHours: Int
    /// E.164 number owner alerts (emergencies, new leads, inbound texts) are texted to; nil for none.
    public var ownerPhone: String?
    /// Whether a caller who reports a problem at a property is taken through maintenance intake (what is wrong,
    /// where, access, name and number, read back) and a ticket opened for the dispatch loop (property managers).
    public var maintenanceIntake: Bool

    public static let defaultGreeting = "Thank you for calling. How can I help you today?"
    public static let defaultAnswerConfidenceThreshold = 0.40
    public static let defaultVoice = "Polly.Joanna"
    public static let defaultLanguage = "en-US"
    public static let defaultEmergencyNumber = "911"
    public static let defaultSlotMinutes = 60
    public static let defaultReminderHoursBefore = 24

    public init(
        greeting: String = ReceptionistSettings.defaultGreeting,
        businessHours: [Weekday: DayHours] = [:],
        transferNumber: String? = nil,
        emergencyPhrases: [String] = [],
        answerConfidenceThreshold: Double = ReceptionistSettings.defaultAnswerConfidenceThreshold,
        voice: String = ReceptionistSettings.defaultVoice,
        language: String = ReceptionistSettings.defaultLanguage,
        emergencyNumber: String = ReceptionistSettings.defaultEmergencyNumber,
        collectAddress: Bool = true,
        slotMinutes: Int = ReceptionistSettings.defaultSlotMinutes,
        maxJobsPerDay: Int? = nil,
        travelBufferMinutes: Int = 0,
        reserveMorningsForEmergencies: Bool = false,
        defaultReminderHours: Int = ReceptionistSettings.defaultReminderHoursBefore,
        ownerPhone: String? = nil,
        maintenanceIntake: Bool = false
    ) {
        self.maintenanceIntake = maintenanceIntake
        self.greeting = greeting
        self.businessHours = businessHours
        self.transferNumber = transferNumber
        self.emergencyPhrases = emergencyPhrases
        self.answerConfidenceThreshold = answerConfidenceThreshold
        self.voice = voice
        self.language = language
        self.emergencyNumber = emergencyNumber
        self.collectAddress = collectAddress
        self.slotMinutes = slotMinutes
        self.maxJobsPerDay = maxJobsPerDay
        self.travelBufferMinutes = travelBufferMinutes
        self.reserveMorningsForEmergencies = reserveMorningsForEmergencies
        self.defaultReminderHours = defaultReminderHours
        self.ownerPhone = ownerPhone
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ReceptionistSettings()
        greeting = try container.decodeIfPresent(String.self, forKey: .greeting) ?? defaults.greeting
        businessHours = try container.decodeIfPresent([Weekday: DayHours].self, forKey: .businessHours)
            ?? defaults.businessHours
        transferNumber = try container.decodeIfPresent(String.self, forKey: .transferNumber)
        emergencyPhrases = try container.decodeIfPresent([String].self, forKey: .emergencyPhrases)
            ?? defaults.emergencyPhrases
        answerConfidenceThreshold = try container.decodeIfPresent(Double.self, forKey: .answerConfidenceThreshold)
            ?? defaults.answerConfidenceThreshold
        voice = try container.decodeIfPresent(String.self, forKey: .voice) ?? defaults.voice
        language = try container.decodeIfPresent(String.self, forKey: .language) ?? defaults.language
        emergencyNumber = try container.decodeIfPresent(String.self, forKey: .emergencyNumber) ?? defaults.emergencyNumber
        collectAddress = try container.decodeIfPresent(Bool.self, forKey: .collectAddress) ?? defaults.collectAddress
        slotMinutes = try container.decodeIfPresent(Int.self, forKey: .slotMinutes) ?? defaults.slotMinutes
        maxJobsPerDay = try container.decodeIfPresent(Int.self, forKey: .maxJobsPerDay)
        travelBufferMinutes = try container.decodeIfPresent(Int.self, forKey: .travelBufferMinutes)
            ?? defaults.travelBufferMinutes
        reserveMorningsForEmergencies = try container.decodeIfPresent(Bool.self, forKey: .reserveMorningsForEmergencies)
            ?? defaults.reserveMorningsForEmergencies
        defaultReminderHours = try container.decodeIfPresent(Int.self, forKey: .defaultReminderHours)
            ?? defaults.defaultReminderHours
        ownerPhone = try container.decodeIfPresent(String.self, forKey: .ownerPhone)
        maintenanceIntake = try container.decodeIfPresent(Bool.self, forKey: .maintenanceIntake) ?? defaults.maintenanceIntake
    }

    /// Throws `RepositoryError.invalid` naming the first rule broken.
    public func validate() throws {
        if let transferNumber, !PhoneNumber.isE164(transferNumber) {
            throw RepositoryError.invalid("transferNumber must be E.164 (e.g. +15551234567)")
        }
        guard (0...1).contains(answerConfidenceThreshold) else {
            throw RepositoryError.invalid("answerConfidenceThreshold must be between 0 and 1")
        }
        guard !voice.isEmpty else { throw RepositoryError.invalid("voice must not be empty") }
        guard !language.isEmpty else { throw RepositoryError.invalid("language must not be empty") }
        guard (2...15).contains(emergencyNumber.count), emergencyNumber.allSatisfy(\.isNumber) else {
            throw RepositoryError.invalid("emergencyNumber must be 2–15 digits (e.g. 911, 999, 112)")
        }
        guard (5...480).contains(slotMinutes) else {
            throw RepositoryError.invalid("slotMinutes must be between 5 and 480")
        }
        if let maxJobsPerDay, !(1...1000).contains(maxJobsPerDay) {
            throw RepositoryError.invalid("maxJobsPerDay must be between 1 and 1000, or null for no limit")
        }
        guard (0...240).contains(travelBufferMinutes) else {
            throw RepositoryError.invalid("travelBufferMinutes must be between 0 and 240")
        }
        guard (0...168).contains(defaultReminderHours) else {
            throw RepositoryError.invalid("defaultReminderHours must be between 0 and 168 (0 = no reminder)")
        }
        if let ownerPhone, !PhoneNumber.isE164(ownerPhone) {
            throw RepositoryError.invalid("ownerPhone must be E.164 (e.g. +15551234567)")
        }
        for (day, hours) in businessHours {
            guard let open = DayHours.minutes(hours.open), let close = DayHours.minutes(hours.close) else {
                throw RepositoryError.invalid("businessHours.\(day.rawValue) must use HH:mm times")
            }
            guard open < close else {
                throw RepositoryError.invalid("businessHours.\(day.rawValue) must open before it closes")
            }
        }
    }
}

/// A day of the week, as it appears in `businessHours` JSON keys.
public enum Weekday: String, Codable, CodingKeyRepresentable, CaseIterable, Sendable {
    case monday, tuesday, wednesday, thursday, friday, saturday, sunday
}

/// Opening and closing time of one day, "HH:mm" in 24-hour local time.
public struct DayHours: Codable, Sendable, Equatable {
    public var open: String
    public var close: String

    public init(open: String, close: String) {
        self.open = open
        self.close = close
    }

    /// Minutes since midnight for a strict "HH:mm" (00:00...23:59; "24:00" allowed as end of day), else nil.
    public static func minutes(_ time: String) -> Int? {
        let utf8 = Array(time.utf8)
        guard utf8.count == 5, utf8[2] == UInt8(ascii: ":"),
              let hours = Int(time.prefix(2)), let minutes = Int(time.suffix(2)),
              utf8[0...1].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              utf8[3...4].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
        else { return nil }
        if hours == 24 && minutes == 0 { return 24 * 60 }
        guard hours < 24, minutes < 60 else { return nil }
        return hours * 60 + minutes
    }
}

extension ReceptionistSettings {
    /// Whether `date` falls inside the business hours of its weekday in `timeZone`.
    public func isOpen(at date: Date, timeZone: TimeZone) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        // Calendar weekdays: 1 = Sunday … 7 = Saturday.
        let days: [Weekday] = [.sunday, .monday, .tuesday, .wednesday, .thursday, .friday, .saturday]
        guard let weekday = parts.weekday, let hours = businessHours[days[weekday - 1]],
              let open = DayHours.minutes(hours.open), let close = DayHours.minutes(hours.close)
        else { return false }
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        return minute >= open && minute < close
    }
}
