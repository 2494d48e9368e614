import Foundation
import Maintenance
import Testing

@Suite struct DispatchSettingsTests {
    private static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = .sortedKeys
        return encoder
    }

    private static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    @Test func defaultsAreTheIssuesFigures() throws {
        let settings = DispatchSettings()
        #expect(settings.offerTimeouts.timeout(for: .emergency) == 15 * 60)
        #expect(settings.offerTimeouts.timeout(for: .urgent) == 60 * 60)
        #expect(settings.offerTimeouts.timeout(for: .routine) == 4 * 3600)
        #expect(settings.reminderLeads == [24 * 3600, 3600])
        #expect(settings.autoCloseAfterMinutes == 24 * 60)
        #expect(settings.escalationAttemptsPerContact == 3)
        #expect(settings.emergencyEscalationWindow == 30 * 60)
        #expect(settings.landlordContacts.isEmpty)
        try settings.validate()
    }

    @Test func emptyAndPartialJSONTakeDefaults() throws {
        let empty = try Self.decoder().decode(DispatchSettings.self, from: Data("{}".utf8))
        #expect(empty == DispatchSettings())
        let partial = try Self.decoder().decode(DispatchSettings.self, from: Data("""
            {"offer_timeouts": {"urgent_minutes": 30}, "landlord_contacts": [{"name": "Dana", "phone": "+15550100001"}]}
            """.utf8))
        #expect(partial.offerTimeouts == OfferTimeouts(emergencyMinutes: 15, urgentMinutes: 30, routineMinutes: 240))
        #expect(partial.landlordContacts == [LandlordContact(name: "Dana", phone: "+15550100001")])
        #expect(partial.reminderLeadMinutes == [1440, 60])
    }

    @Test func jsonIsSnakeCaseAndRoundTrips() throws {
        let settings = DispatchSettings(
            offerTimeouts: OfferTimeouts(emergencyMinutes: 10), reminderLeadMinutes: [120],
            landlordContacts: [LandlordContact(name: "Dana", phone: "+15550100001")])
        let data = try Self.encoder().encode(settings)
        let text = String(decoding: data, as: UTF8.self)
        for key in ["\"offer_timeouts\"", "\"emergency_minutes\":10", "\"urgent_minutes\":60", "\"routine_minutes\":240",
                    "\"reminder_lead_minutes\":[120]", "\"auto_close_after_minutes\":1440",
                    "\"escalation_attempts_per_contact\":3", "\"escalation_attempt_gap_minutes\":5",
                    "\"landlord_contacts\""] {
            #expect(text.contains(key), "missing \(key) in \(text)")
        }
        #expect(try Self.decoder().decode(DispatchSettings.self, from: data) == settings)
    }

    @Test(arguments: [
        (OfferTimeouts(emergencyMinutes: 0), "offerTimeouts.emergencyMinutes must be between 1 and 4320 (72 hours)"),
        (OfferTimeouts(urgentMinutes: 4321), "offerTimeouts.urgentMinutes must be between 1 and 4320 (72 hours)"),
        (OfferTimeouts(routineMinutes: -5), "offerTimeouts.routineMinutes must be between 1 and 4320 (72 hours)"),
    ])
    func timeoutsOutsideOneMinuteTo72HoursAreRefused(timeouts: OfferTimeouts, message: String) {
        #expect(throws: DispatchSettingsError(message)) { try DispatchSettings(offerTimeouts: timeouts).validate() }
    }

    @Test func timeoutBoundsAreInclusive() throws {
        try OfferTimeouts(emergencyMinutes: 1, urgentMinutes: 4320, routineMinutes: 4320).validate()
    }

    @Test func otherRulesAreEnforced() {
        func refused(_ settings: DispatchSettings, _ start: String) {
            do {
                try settings.validate()
                Issue.record("accepted: \(start)")
            } catch let error as DispatchSettingsError {
                #expect(error.message.hasPrefix(start), "\(error.message)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
        refused(DispatchSettings(reminderLeadMinutes: [60, 60]), "reminderLeadMinutes must not repeat")
        refused(DispatchSettings(reminderLeadMinutes: [0]), "reminderLeadMinutes must each be between")
        refused(DispatchSettings(reminderLeadMinutes: [1, 2, 3, 4, 5]), "reminderLeadMinutes must hold at most 4")
        refused(DispatchSettings(autoCloseAfterMinutes: 59), "autoCloseAfterMinutes")
        refused(DispatchSettings(escalationAttemptsPerContact: 0), "escalationAttemptsPerContact")
        refused(DispatchSettings(escalationAttemptGapMinutes: 1441), "escalationAttemptGapMinutes")
        refused(DispatchSettings(landlordContacts: [LandlordContact(name: "Dana", phone: "555-0100")]),
                "landlordContacts must have E.164 phones")
        refused(DispatchSettings(landlordContacts: [LandlordContact(name: "  ", phone: "+15550100001")]),
                "landlordContacts must each have a name")
        let dana = LandlordContact(name: "Dana", phone: "+15550100001")
        refused(DispatchSettings(landlordContacts: [dana, LandlordContact(name: "Dan", phone: dana.phone)]),
                "landlordContacts must not list one phone number twice")
        refused(DispatchSettings(landlordContacts: (0..<11).map { LandlordContact(name: "C\($0)", phone: "+1555010010\($0)") }),
                "landlordContacts must hold at most 10")
    }

    @Test func reminderLeadsGoOutLongestFirst() {
        #expect(DispatchSettings(reminderLeadMinutes: [60, 1440, 15]).reminderLeads == [86400, 3600, 900])
        #expect(DispatchSettings(reminderLeadMinutes: []).reminderLeads.isEmpty)
    }
}
