import Events
import Foundation

/// How a business's booking loop runs: offer timeouts, reminders, auto-close and who hears about escalations.
///
/// Plain camelCase properties: the API's coder writes them in snake_case (`offer_timeouts.emergency_minutes`,
/// `landlord_contacts`), as it does `ReceptionistSettings`. Decoding fills any missing field with its default, so
/// settings saved by an older build keep loading after a field is added. All durations are whole minutes.
public struct DispatchSettings: Codable, Sendable, Equatable {
    /// How long each offer stays open, per priority (15 min / 1 h / 4 h).
    public var offerTimeouts: OfferTimeouts
    /// How long before a visit's window starts the tenant and the vendor are reminded, in minutes, one text per
    /// entry (default 24 h and 1 h: `[1440, 60]`; empty for no reminders; each 1 min … 7 days, at most 4).
    public var reminderLeadMinutes: [Int]
    /// A non-emergency ticket closes by itself this many minutes after its visit window ends when nobody replied
    /// DONE (default 24 h; 1 h … 7 days). Emergencies never auto-close: someone must confirm them.
    public var autoCloseAfterMinutes: Int
    /// How many times each landlord contact is tried (each time by SMS and by a call) before the next (default 3;
    /// 1…10).
    public var escalationAttemptsPerContact: Int
    /// Minutes between two attempts of an escalation, also before moving to the next contact (default 5; 1 … 24 h).
    public var escalationAttemptGapMinutes: Int
    /// Who is told when a ticket escalates, tried in this order (at most 10, E.164, distinct numbers). Empty: the
    /// escalation shows only in the ticket list and timeline.
    public var landlordContacts: [LandlordContact]

    public static let defaultReminderLeadMinutes = [24 * 60, 60]
    public static let defaultAutoCloseAfterMinutes = 24 * 60
    public static let defaultEscalationAttemptsPerContact = 3
    public static let defaultEscalationAttemptGapMinutes = 5
    /// An emergency escalates when no vendor has accepted this many emergency offer timeouts after its first offer
    /// (2 × 15 min = 30 min by default): the first vendor's window and one more vendor's.
    public static let emergencyEscalationTimeouts = 2

    public init(
        offerTimeouts: OfferTimeouts = OfferTimeouts(),
        reminderLeadMinutes: [Int] = DispatchSettings.defaultReminderLeadMinutes,
        autoCloseAfterMinutes: Int = DispatchSettings.defaultAutoCloseAfterMinutes,
        escalationAttemptsPerContact: Int = DispatchSettings.defaultEscalationAttemptsPerContact,
        escalationAttemptGapMinutes: Int = DispatchSettings.defaultEscalationAttemptGapMinutes,
        landlordContacts: [LandlordContact] = []
    ) {
        self.offerTimeouts = offerTimeouts
        self.reminderLeadMinutes = reminderLeadMinutes
        self.autoCloseAfterMinutes = autoCloseAfterMinutes
        self.escalationAttemptsPerContact = escalationAttemptsPerContact
        self.escalationAttemptGapMinutes = escalationAttemptGapMinutes
        self.landlordContacts = landlordContacts
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = DispatchSettings()
        offerTimeouts = try container.decodeIfPresent(OfferTimeouts.self, forKey: .offerTimeouts) ?? defaults.offerTimeouts
        reminderLeadMinutes = try container.decodeIfPresent([Int].self, forKey: .reminderLeadMinutes)
            ?? defaults.reminderLeadMinutes
        autoCloseAfterMinutes = try container.decodeIfPresent(Int.self, forKey: .autoCloseAfterMinutes)
            ?? defaults.autoCloseAfterMinutes
        escalationAttemptsPerContact = try container.decodeIfPresent(Int.self, forKey: .escalationAttemptsPerContact)
            ?? defaults.escalationAttemptsPerContact
        escalationAttemptGapMinutes = try container.decodeIfPresent(Int.self, forKey: .escalationAttemptGapMinutes)
            ?? defaults.escalationAttemptGapMinutes
        landlordContacts = try container.decodeIfPresent([LandlordContact].self, forKey: .landlordContacts)
            ?? defaults.landlordContacts
    }

    /// Seconds after an emergency's first offer at which it escalates without an acceptance.
    public var emergencyEscalationWindow: TimeInterval {
        offerTimeouts.timeout(for: .emergency) * TimeInterval(Self.emergencyEscalationTimeouts)
    }

    /// Reminder lead times in seconds, longest first (the order the reminders go out).
    public var reminderLeads: [TimeInterval] {
        Set(reminderLeadMinutes).sorted(by: >).map { TimeInterval($0 * 60) }
    }

    /// The escalation ladder these settings describe.
    public var escalationPlan: EscalationPlan {
        EscalationPlan(contacts: landlordContacts, attemptsPerContact: escalationAttemptsPerContact,
                       gap: TimeInterval(escalationAttemptGapMinutes * 60))
    }

    /// Throws ``DispatchSettingsError`` naming the first rule broken.
    public func validate() throws {
        do {
            try offerTimeouts.validate()
        } catch let error as DispatchSettingsError {
            throw DispatchSettingsError("offerTimeouts." + error.message)
        }
        guard reminderLeadMinutes.count <= 4 else {
            throw DispatchSettingsError("reminderLeadMinutes must hold at most 4 lead times")
        }
        guard reminderLeadMinutes.allSatisfy({ (1...(7 * 24 * 60)).contains($0) }) else {
            throw DispatchSettingsError("reminderLeadMinutes must each be between 1 and 10080 (7 days)")
        }
        guard Set(reminderLeadMinutes).count == reminderLeadMinutes.count else {
            throw DispatchSettingsError("reminderLeadMinutes must not repeat a lead time")
        }
        guard (60...(7 * 24 * 60)).contains(autoCloseAfterMinutes) else {
            throw DispatchSettingsError("autoCloseAfterMinutes must be between 60 and 10080 (1 hour to 7 days)")
        }
        guard (1...10).contains(escalationAttemptsPerContact) else {
            throw DispatchSettingsError("escalationAttemptsPerContact must be between 1 and 10")
        }
        guard (1...(24 * 60)).contains(escalationAttemptGapMinutes) else {
            throw DispatchSettingsError("escalationAttemptGapMinutes must be between 1 and 1440 (24 hours)")
        }
        guard landlordContacts.count <= 10 else {
            throw DispatchSettingsError("landlordContacts must hold at most 10 contacts")
        }
        for (index, contact) in landlordContacts.enumerated() {
            let name = contact.name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty, name.count <= 80 else {
                throw DispatchSettingsError("landlordContacts must each have a name of 1–80 characters (contact \(index + 1))")
            }
            guard E164.isValid(contact.phone) else {
                throw DispatchSettingsError(
                    "landlordContacts must have E.164 phones (e.g. +15551234567); contact \(index + 1)'s is not")
            }
        }
        guard Set(landlordContacts.map(\.phone)).count == landlordContacts.count else {
            throw DispatchSettingsError("landlordContacts must not list one phone number twice")
        }
    }
}
