import Foundation
import Maintenance
import Testing

@Suite struct TicketAndVendorValidationTests {
    func details(_ change: (inout TicketDetails) -> Void = { _ in }) -> TicketDetails {
        var details = TicketDetails(trade: .plumbing, priority: .routine, problem: "  Dripping tap ", propertyAddress: "14 Elm St",
                                    unit: "  ", postcode: "sw1a 1aa", accessWindow: "", tenantName: " Ana ", tenantPhone: "+15550102000")
        change(&details)
        return details
    }

    @Test func detailsAreTidied() throws {
        let tidy = try details().validated()
        #expect(tidy.problem == "Dripping tap")
        #expect(tidy.unit == nil && tidy.accessWindow == nil, "blank optional text is nothing")
        #expect(tidy.postcode == "SW1A1AA")
        #expect(tidy.tenantName == "Ana")
    }

    @Test(arguments: [
        ("problem", "problem must be 1–500 characters"),
        ("address", "propertyAddress must be 1–200 characters"),
        ("phone", "tenantPhone must be E.164 (e.g. +15551234567)"),
        ("postcode", "postcode must be a postcode or ZIP code: 2–10 letters, digits and hyphens (spaces are removed)"),
        ("unit", "unit must be at most 40 characters"),
    ])
    func badDetailsNameTheirField(field: String, message: String) {
        let bad = details { details in
            switch field {
            case "problem": details.problem = "   "
            case "address": details.propertyAddress = String(repeating: "x", count: 201)
            case "phone": details.tenantPhone = "555-0102"
            case "postcode": details.postcode = "60614 #2"
            default: details.unit = String(repeating: "u", count: 41)
            }
        }
        #expect(throws: TicketValidationError(message)) { try bad.validated() }
    }

    @Test func postcodesNormaliseAndAreasCoverByPrefix() {
        #expect(Postcode.normalized(" ec1a 1bb ") == "EC1A1BB")
        #expect(Postcode.normalized("60614-1234") == "60614-1234")
        #expect(Postcode.normalized("6") == nil)
        #expect(Postcode.normalized("-6061") == nil)
        #expect(Postcode.normalized("６０６１４") == nil, "full-width digits are not ASCII")
        #expect(Postcode.area("SW1A", covers: "SW1A1AA"))
        #expect(Postcode.area("606", covers: "60614"))
        #expect(!Postcode.area("60614", covers: "606"))
        #expect(!Postcode.area("SW1", covers: "SE1A1AA"))
    }

    @Test func vendorProfilesAreTidiedAndChecked() throws {
        let profile = try VendorProfile(name: " Acme Plumbing ", phone: "+15550103000", trades: [.hvac, .plumbing, .hvac],
                                        serviceAreas: ["606", "60614", "sw1a", "606"]).validated()
        #expect(profile.name == "Acme Plumbing")
        #expect(profile.trades == [.plumbing, .hvac], "once each, in declaration order")
        #expect(profile.serviceAreas == ["606", "60614", "SW1A"])
        #expect(throws: TicketValidationError("phone must be E.164 (e.g. +15551234567)")) {
            try VendorProfile(name: "A", phone: "5550103000", trades: [.plumbing], serviceAreas: []).validated()
        }
        #expect(throws: TicketValidationError.self) {
            try VendorProfile(name: "A", phone: "+15550103000", trades: [], serviceAreas: []).validated()
        }
        #expect(throws: TicketValidationError("workingHours.monday must open before it closes (a span never crosses midnight)")) {
            try VendorProfile(name: "A", phone: "+15550103000", trades: [.plumbing], serviceAreas: [],
                              workingHours: VendorHours([.monday: .init(open: "17:00", close: "08:00")])).validated()
        }
        #expect(throws: TicketValidationError("workingHours.friday must give open and close as HH:mm (24-hour)")) {
            try VendorProfile(name: "A", phone: "+15550103000", trades: [.plumbing], serviceAreas: [],
                              workingHours: VendorHours([.friday: .init(open: "8:00", close: "17:00")])).validated()
        }
    }

    @Test func candidatesTakeTheTradeCoverTheAreaAndCanBeTexted() {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let ticket = Ticket(businessId: "b", code: "K7Q2", trade: .plumbing, priority: .routine, problem: "leak",
                            propertyAddress: "14 Elm St", postcode: "60614", source: .rest, createdAt: t0, updatedAt: t0)
        var vendor = Vendor(businessId: "b", name: "Acme", phone: "+15550103000", trades: [.plumbing, .hvac],
                            serviceAreas: ["606"], createdAt: t0, updatedAt: t0)
        #expect(vendor.isCandidate(for: ticket))
        vendor.optedOut = true
        #expect(!vendor.isCandidate(for: ticket), "opted out")
        vendor.optedOut = false
        vendor.active = false
        #expect(!vendor.isCandidate(for: ticket), "inactive")
        vendor.active = true
        vendor.serviceAreas = ["SW1A"]
        #expect(!vendor.isCandidate(for: ticket), "outside the area")
        vendor.serviceAreas = ["60614"]
        vendor.trades = [.electrical]
        #expect(!vendor.isCandidate(for: ticket), "another trade")
        vendor.trades = [.plumbing]
        var unknownArea = ticket
        unknownArea.postcode = nil
        #expect(!vendor.isCandidate(for: unknownArea), "a ticket without a postcode is in nobody's area")
    }

    @Test func workingHoursAreReadInTheBusinesssZone() throws {
        let chicago = try #require(TimeZone(identifier: "America/Chicago"))
        let hours = VendorHours([.monday: .init(open: "08:00", close: "17:00"), .saturday: .init(open: "10:00", close: "24:00")])
        // 2030-06-03 is a Monday; Chicago is UTC−5 then.
        let mondayNine = Date(timeIntervalSince1970: 1_906_725_600)  // 2030-06-03T14:00Z = 09:00 local
        #expect(hours.isWorking(at: mondayNine, timeZone: chicago))
        #expect(!hours.isWorking(at: mondayNine + 8 * 3600, timeZone: chicago), "17:00 is closed")
        #expect(!hours.isWorking(at: mondayNine + 86_400, timeZone: chicago), "Tuesday is a day off")
        #expect(hours.isWorking(at: mondayNine + 5 * 86_400 + 14 * 3600 + 59 * 60, timeZone: chicago), "Saturday 23:59")
        let json = String(decoding: try JSONEncoder().encode(VendorHours([.monday: .init(open: "08:00", close: "17:00")])), as: UTF8.self)
        #expect(json == #"{"monday":{"close":"17:00","open":"08:00"}}"# || json == #"{"monday":{"open":"08:00","close":"17:00"}}"#)
    }
}
