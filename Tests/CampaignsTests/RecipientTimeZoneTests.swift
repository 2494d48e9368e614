import Foundation
import Testing
@testable import Campaigns

@Suite struct RecipientTimeZoneTests {
    @Test(arguments: [
        ("10001", "America/New_York"), ("02139", "America/New_York"), ("60614", "America/Chicago"),
        ("60614-1234", "America/Chicago"), ("606141234", "America/Chicago"), (" 75201 ", "America/Chicago"),
        ("79901", "America/Denver"), ("88510", "America/Denver"), ("80202", "America/Denver"),
        ("85004", "America/Phoenix"), ("90012", "America/Los_Angeles"), ("98101", "America/Los_Angeles"),
        ("96813", "Pacific/Honolulu"), ("99501", "America/Anchorage"), ("00901", "America/Puerto_Rico"),
        ("32301", "America/New_York"), ("32501", "America/Chicago"), ("46204", "America/Indiana/Indianapolis"),
        ("46402", "America/Chicago"), ("47708", "America/Chicago"), ("48226", "America/Detroit"),
        ("83702", "America/Boise"), ("83814", "America/Los_Angeles"), ("37902", "America/New_York"),
        ("37203", "America/Chicago"), ("57701", "America/Denver"), ("57104", "America/Chicago"),
    ])
    func zipCodesGiveTheirAreasZone(zip: String, zone: String) {
        #expect(USZIPTimeZones.zone(forZIP: zip) == zone)
    }

    @Test(arguments: ["09012", "34001", "96201", "00000", "1234", "123456", "SW1A 1AA", "6061A", "60614-12", "M5V 2T6", ""])
    func otherPostcodesHaveNoZone(postcode: String) {
        #expect(USZIPTimeZones.zone(forZIP: postcode) == nil)
    }

    @Test func theTableIsOrderedDisjointAndNamesRealZones() {
        let ranges = USZIPTimeZones.ranges
        for range in ranges {
            #expect(range.from <= range.to && range.to <= 999)
            #expect(TimeZone(identifier: range.zone) != nil, "\(range.zone)")
        }
        for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.to < b.from, "\(a) overlaps \(b)") }
    }

    @Test func anExplicitZoneWinsThenAUSZIPThenTheBusiness() throws {
        let explicit = try RecipientTimeZone.resolve(timezone: " America/Denver ", postcode: "10001", phone: "+15550100001",
                                                     businessZone: "Europe/London")
        #expect(explicit.zone == "America/Denver" && explicit.source == .timezone)
        let zip = try RecipientTimeZone.resolve(timezone: "", postcode: "94103", phone: "+15550100001", businessZone: "America/New_York")
        #expect(zip.zone == "America/Los_Angeles" && zip.source == .postcode)
        // A five-digit postcode of a number outside the NANP is not a US ZIP code (75001 is Paris).
        let paris = try RecipientTimeZone.resolve(timezone: nil, postcode: "75001", phone: "+33142000000", businessZone: "Europe/Paris")
        #expect(paris.zone == "Europe/Paris" && paris.source == .business)
        let canada = try RecipientTimeZone.resolve(timezone: nil, postcode: "M5V 2T6", phone: "+14165550100", businessZone: "America/Toronto")
        #expect(canada.source == .business)
        let none = try RecipientTimeZone.resolve(timezone: nil, postcode: nil, phone: "+15550100001", businessZone: "America/Chicago")
        #expect(none.zone == "America/Chicago" && none.source == .business)
    }

    @Test(arguments: ["Mars/Olympus_Mons", "EST", "PST", "CET", "New York"])
    func anUnknownOrAbbreviatedZoneIsRefusedByName(name: String) {
        #expect(throws: CampaignValidationError(field: "timezone",
                                                "timezone \"\(name)\" is not an IANA time zone name (e.g. America/Chicago)")) {
            _ = try RecipientTimeZone.resolve(timezone: name, postcode: nil, phone: "+15550100001", businessZone: "UTC")
        }
    }
}
