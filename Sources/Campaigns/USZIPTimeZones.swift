import Foundation

/// The IANA time zone of a US ZIP code, from its first three digits (its ZIP3 area).
///
/// Source: the USPS's allocation of 3-digit ZIP prefixes to states and sectional centers (USPS Publication 65 and
/// the L002 "3-digit ZIP Code prefix matrix" of the Domestic Mail Manual; works of the US government, public domain)
/// joined with the zones of the IANA tz database (public domain). The table is written out here, small enough to
/// read: each row is a range of prefixes and the zone of the state or part of the state they serve.
///
/// Honest limits: an area gets the zone of its main city. A few areas straddle a zone line, and there the table is
/// wrong for part of the area — Michigan's four Upper Peninsula counties on the Wisconsin line (498–499, Central in
/// reality), western Kansas (677–679, partly Mountain), western Nebraska and the Dakotas (690–692, 576, 588, partly
/// Mountain), eastern Oregon (979, Malheur County is Mountain), the Tennessee and Kentucky zone line (383–385,
/// 421–427), southern Indiana (475), Nevada's West Wendover (898) and the Navajo Nation (860, 865, which keeps
/// daylight saving time unlike the rest of Arizona). Military (APO/FPO: 090–098, 340, 962–966) and unallocated
/// prefixes have no zone. Use the upload's `timezone` column where it matters.
public enum USZIPTimeZones {
    /// Inclusive prefix ranges and their zone, in order. Gaps are prefixes with no zone.
    static let ranges: [(from: Int, to: Int, zone: String)] = [
        (5, 5, "America/New_York"),            // NY (Holtsville)
        (6, 9, "America/Puerto_Rico"),         // PR 006–007, 009; US Virgin Islands 008 (same zone, no DST)
        (10, 89, "America/New_York"),          // MA, RI, NH, ME, VT, CT, NJ
        (100, 319, "America/New_York"),        // NY, PA, DE, DC, MD, VA, WV, NC, SC, GA
        (320, 323, "America/New_York"),        // FL: Jacksonville, Tallahassee
        (324, 325, "America/Chicago"),         // FL panhandle: Panama City, Pensacola
        (326, 339, "America/New_York"),        // FL
        (341, 349, "America/New_York"),        // FL (340 is military)
        (350, 369, "America/Chicago"),         // AL
        (370, 372, "America/Chicago"),         // TN: Nashville
        (373, 374, "America/New_York"),        // TN: Chattanooga
        (375, 375, "America/Chicago"),         // TN: Memphis
        (376, 379, "America/New_York"),        // TN: Johnson City, Knoxville
        (380, 385, "America/Chicago"),         // TN: Memphis, Jackson, Columbia, Cookeville
        (386, 397, "America/Chicago"),         // MS
        (398, 399, "America/New_York"),        // GA
        (400, 418, "America/New_York"),        // KY: Louisville, Lexington, the east
        (420, 424, "America/Chicago"),         // KY: Paducah, Bowling Green, Owensboro, Henderson
        (425, 427, "America/New_York"),        // KY: Somerset, Elizabethtown
        (430, 459, "America/New_York"),        // OH
        (460, 462, "America/Indiana/Indianapolis"),
        (463, 464, "America/Chicago"),         // IN: Gary (Chicago area)
        (465, 475, "America/Indiana/Indianapolis"),
        (476, 477, "America/Chicago"),         // IN: Evansville
        (478, 479, "America/Indiana/Indianapolis"),
        (480, 499, "America/Detroit"),         // MI
        (500, 528, "America/Chicago"),         // IA
        (530, 549, "America/Chicago"),         // WI
        (550, 567, "America/Chicago"),         // MN
        (570, 576, "America/Chicago"),         // SD
        (577, 577, "America/Denver"),          // SD: Rapid City
        (580, 585, "America/Chicago"),         // ND
        (586, 586, "America/Denver"),          // ND: Dickinson
        (587, 588, "America/Chicago"),         // ND
        (590, 599, "America/Denver"),          // MT
        (600, 629, "America/Chicago"),         // IL
        (630, 658, "America/Chicago"),         // MO
        (660, 679, "America/Chicago"),         // KS
        (680, 692, "America/Chicago"),         // NE
        (693, 693, "America/Denver"),          // NE: Scottsbluff, Alliance
        (700, 714, "America/Chicago"),         // LA
        (716, 729, "America/Chicago"),         // AR
        (730, 797, "America/Chicago"),         // OK, TX (733: Austin)
        (798, 799, "America/Denver"),          // TX: El Paso
        (800, 816, "America/Denver"),          // CO
        (820, 831, "America/Denver"),          // WY
        (832, 834, "America/Boise"),           // ID: Pocatello, Twin Falls
        (835, 835, "America/Los_Angeles"),     // ID: Lewiston
        (836, 837, "America/Boise"),           // ID: Boise
        (838, 838, "America/Los_Angeles"),     // ID: Coeur d'Alene
        (840, 847, "America/Denver"),          // UT
        (850, 865, "America/Phoenix"),         // AZ (no DST)
        (870, 884, "America/Denver"),          // NM
        (885, 885, "America/Denver"),          // TX: El Paso
        (889, 898, "America/Los_Angeles"),     // NV
        (900, 961, "America/Los_Angeles"),     // CA
        (967, 968, "Pacific/Honolulu"),        // HI
        (969, 969, "Pacific/Guam"),            // Guam, Northern Mariana Islands
        (970, 979, "America/Los_Angeles"),     // OR
        (980, 994, "America/Los_Angeles"),     // WA
        (995, 999, "America/Anchorage"),       // AK
    ]

    /// The zone of a US ZIP code ("60614", "60614-1234", " 10001 "), or nil when `postcode` is not a ZIP code or
    /// its prefix has no zone (military, unallocated).
    public static func zone(forZIP postcode: String) -> String? {
        guard let prefix = zip3(postcode) else { return nil }
        return ranges.first { $0.from <= prefix && prefix <= $0.to }?.zone
    }

    /// The 3-digit prefix of a ZIP code (5 digits, or ZIP+4 as `12345-6789` or 9 digits), or nil.
    public static func zip3(_ postcode: String) -> Int? {
        let text = postcode.trimmingCharacters(in: .whitespaces)
        let digits = text.unicodeScalars.filter { ("0"..."9").contains($0) }
        let shapeIsZIP: Bool
        switch text.count {
        case 5, 9: shapeIsZIP = digits.count == text.count
        case 10: shapeIsZIP = digits.count == 9 && text.dropFirst(5).first == "-"
        default: shapeIsZIP = false
        }
        guard shapeIsZIP else { return nil }
        return Int(String(String.UnicodeScalarView(digits.prefix(3))))
    }
}

/// How a recipient's time zone is found: the upload's `timezone` column (IANA), else a US ZIP code in its
/// `postcode` column when the number is a +1 (NANP) number, else the business's zone.
public enum RecipientTimeZone {
    /// The zone and where it came from.
    /// - Parameters:
    ///   - timezone: the `timezone` column (blank or nil: none).
    ///   - postcode: the `postcode` column. Only a +1 number's postcode is read as a US ZIP code: a five-digit
    ///     postcode elsewhere (France, Germany) is not one.
    ///   - businessZone: the business's IANA zone.
    /// - Throws: ``CampaignValidationError`` on `timezone` when it is given but is not an IANA zone name.
    public static func resolve(timezone: String?, postcode: String?, phone: String,
                               businessZone: String) throws(CampaignValidationError) -> (zone: String, source: ZoneSource) {
        if let name = timezone?.trimmingCharacters(in: .whitespaces), !name.isEmpty {
            // Only region names ("America/Chicago", "Europe/London", "UTC"): abbreviations like "EST" or "PST" are
            // ambiguous and would not follow daylight saving time.
            guard name.contains("/") || name == "UTC", let zone = TimeZone(identifier: name) else {
                throw CampaignValidationError(field: "timezone",
                    "timezone \"\(name.prefix(50))\" is not an IANA time zone name (e.g. America/Chicago)")
            }
            return (zone.identifier, .timezone)
        }
        if phone.hasPrefix("+1"), let postcode, let zone = USZIPTimeZones.zone(forZIP: postcode) {
            return (zone, .postcode)
        }
        return (businessZone, .business)
    }
}
