import Events
import Foundation

/// E.164 phone numbers: "+", a non-zero country digit, then 6–14 more digits (`^\+[1-9][0-9]{6,14}$`).
public enum PhoneNumber {
    public static func isE164(_ number: String) -> Bool { E164.isValid(number) }
}

extension PhoneNumber {
    /// Country calling codes of one or two digits (ITU-T E.164 assignments); all others have three.
    private static let shortCountryCodes: Set<String> = [
        "1", "7", "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48",
        "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66", "81", "82", "84",
        "86", "90", "91", "92", "93", "94", "95", "98",
    ]

    /// The country calling code of an E.164 number ("+442071234567" → "44"), or nil when it is not E.164.
    public static func countryCode(of number: String) -> String? {
        guard isE164(number) else { return nil }
        let digits = number.dropFirst()
        for length in 1...2 where shortCountryCodes.contains(String(digits.prefix(length))) {
            return String(digits.prefix(length))
        }
        return String(digits.prefix(3))
    }
}

/// Phone numbers as they appear in logs: enough to tell calls apart, not enough to identify a caller.
public enum PhoneMask {
    /// "+15551234567" → "+1******4567"; nil or short values → "unknown"/"***".
    public static func mask(_ number: String?) -> String {
        guard let number, !number.isEmpty else { return "unknown" }
        guard number.count > 6 else { return "***" }
        let keepStart = number.hasPrefix("+") ? 2 : 0
        return String(number.prefix(keepStart)) + String(repeating: "*", count: number.count - keepStart - 4)
            + String(number.suffix(4))
    }
}

extension PhoneNumber {
    /// `input` as E.164, or nil when it cannot be one.
    ///
    /// Spaces, dashes, dots, slashes and parentheses are ignored ("+1 (555) 010-2000" → "+15550102000"). A number
    /// starting with "+" or the international prefix "00" keeps its country code; any other number is national and
    /// takes `defaultCountryCode` (a business's, from its first number): for "1" (NANP) a leading trunk "1" is
    /// dropped, elsewhere a leading trunk "0" ("020 7946 0018" with "44" → "+442079460018"). Letters and other
    /// characters make the input invalid rather than being skipped.
    public static func normalized(_ input: String, defaultCountryCode: String?) -> String? {
        let ignored: Set<Character> = [" ", "-", ".", "(", ")", "/", "\u{00A0}"]
        var digits = ""
        var international = false
        for (offset, character) in input.trimmingCharacters(in: .whitespacesAndNewlines).enumerated() {
            if character == "+" && offset == 0 {
                international = true
            } else if character.isASCII, character.isNumber {
                digits.append(character)
            } else if !ignored.contains(character) {
                return nil
            }
        }
        if !international, digits.hasPrefix("00") {
            international = true
            digits.removeFirst(2)
        }
        let candidate: String
        if international {
            candidate = "+" + digits
        } else {
            guard let country = defaultCountryCode, !country.isEmpty else { return nil }
            var national = Substring(digits)
            if country == "1" {
                if national.count == 11, national.hasPrefix("1") { national = national.dropFirst() }
                guard national.count == 10 else { return nil }
            } else if national.hasPrefix("0") {
                national = national.dropFirst()
            }
            candidate = "+" + country + national
        }
        return isE164(candidate) ? candidate : nil
    }
}
