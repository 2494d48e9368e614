import Foundation

extension ReceptionistSettings {
    /// The settings' JSON field names as the HTTP API spells them (snake_case), to refuse unknown ones.
    static let apiFieldNames: Set<String> = [
        "greeting", "business_hours", "transfer_number", "emergency_phrases", "answer_confidence_threshold",
        "voice", "language", "emergency_number", "collect_address", "slot_minutes", "max_jobs_per_day",
        "travel_buffer_minutes", "reserve_mornings_for_emergencies", "default_reminder_hours", "owner_phone",
        "maintenance_intake",
    ]
}

/// Receptionist settings as the HTTP API returns them: every field present, `transfer_number: null` when unset
/// (the stored form leaves nil out, and a client reading the config should see that transfers are off).
struct SettingsResponse: Encodable {
    let settings: ReceptionistSettings

    init(_ settings: ReceptionistSettings) { self.settings = settings }

    enum CodingKeys: String, CodingKey {
        case greeting, businessHours, transferNumber, emergencyPhrases, answerConfidenceThreshold, voice, language, emergencyNumber,
             collectAddress, slotMinutes, maxJobsPerDay, travelBufferMinutes, reserveMorningsForEmergencies,
             defaultReminderHours, ownerPhone, maintenanceIntake
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(settings.greeting, forKey: .greeting)
        // Weekday names as keys; a missing day is closed.
        try container.encode(Dictionary(uniqueKeysWithValues: settings.businessHours.map { ($0.key.rawValue, $0.value) }),
                             forKey: .businessHours)
        try container.encode(settings.transferNumber, forKey: .transferNumber)
        try container.encode(settings.emergencyPhrases, forKey: .emergencyPhrases)
        try container.encode(settings.answerConfidenceThreshold, forKey: .answerConfidenceThreshold)
        try container.encode(settings.voice, forKey: .voice)
        try container.encode(settings.language, forKey: .language)
        try container.encode(settings.emergencyNumber, forKey: .emergencyNumber)
        try container.encode(settings.collectAddress, forKey: .collectAddress)
        try container.encode(settings.slotMinutes, forKey: .slotMinutes)
        try container.encode(settings.maxJobsPerDay, forKey: .maxJobsPerDay)
        try container.encode(settings.travelBufferMinutes, forKey: .travelBufferMinutes)
        try container.encode(settings.reserveMorningsForEmergencies, forKey: .reserveMorningsForEmergencies)
        try container.encode(settings.defaultReminderHours, forKey: .defaultReminderHours)
        try container.encode(settings.ownerPhone, forKey: .ownerPhone)
        try container.encode(settings.maintenanceIntake, forKey: .maintenanceIntake)
    }
}
